/**
 * Discovery for ECS native blue/green: the hook event names the target (green) service revision;
 * `DescribeServiceRevisions` gives its task definition, the listener rules ECS shifts
 * (`advancedConfiguration.testListenerRule` / `productionListenerRule`) and the target group
 * that serves green (`resolvedConfiguration`). ELBv2 then gives the rule's listener, port and DNS
 * name, and the routing proof checks that the test rule sends its traffic to green alone.
 *
 *   DescribeServiceRevisions ─┬─ DescribeListeners* ‖ DescribeLoadBalancers*
 *                             ├─ DescribeRules ‖ DescribeTargetHealth (green's target group)
 *                             └─ DescribeTaskDefinition
 */
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  type ServiceConnectConfiguration,
} from '@aws-sdk/client-ecs';
import type { EcsReadClients } from '../aws/clients';
import { DiscoveryError } from '../errors';
import type { Facts } from '../suite/facts';
import type { EcsStage } from '../suite/schema';
import { awsRead } from './awsRead';
import { createElbReads, listenerArnOf, loadBalancerArnOf } from './elbReads';
import type { MetricTargets } from './metricTargets';
import { factsOf } from './revisionFacts';
import {
  describeForwards,
  reachesOnly,
  targetGroupName,
  taskDefinitionLabel,
} from './routingProof';

/**
 * Service Connect routes test traffic by a header in the client's proxy; with no custom
 * `testTrafficRules` ECS uses this one (ECS developer guide, "Service Connect resources for
 * Amazon ECS blue/green deployments"). A request without it reaches blue.
 */
export const DEFAULT_TEST_HEADER = { name: 'x-amzn-ecs-blue-green-test', value: 'true' } as const;

export interface EcsDiscoverOptions {
  /** The service deployment (the event's resourceArn): `deployment.id` in facts. */
  readonly serviceDeploymentArn: string;
  readonly targetServiceRevisionArn: string;
  readonly stage: EcsStage;
  readonly routingProof: boolean;
  readonly overrideUrl?: string;
  /** A comparison is selected: blue's side (the production rule) must reach blue alone. */
  readonly needsBlueAlone?: boolean;
  readonly signal: AbortSignal;
}

export interface EcsGreenTarget {
  /** Green: the test listener rule's listener (or the override), never the production rule. */
  readonly baseUrl: string;
  /** The production rule's listener: the watch's target, and blue's side of a comparison. */
  readonly productionUrl?: string;
  readonly facts: Facts;
  /** Service Connect test traffic is chosen by this header: sent on every green-side request. */
  readonly testHeader?: { readonly name: string; readonly value: string };
  readonly routing?: string;
  /** Both target groups and their load balancer: whose metrics canary analysis reads. */
  readonly metricTargets?: MetricTargets;
}

/** The header that makes Service Connect send a request to green, if the revision uses it. */
export const serviceConnectTestHeader = (
  config: ServiceConnectConfiguration | undefined,
): { name: string; value: string } | undefined => {
  if (!config?.enabled) return undefined;
  const aliases = (config.services ?? []).flatMap((s) => s.clientAliases ?? []);
  if (aliases.length === 0) return undefined;
  const custom = aliases.find((a) => a.testTrafficRules?.header?.name)?.testTrafficRules?.header;
  if (!custom?.name) return { ...DEFAULT_TEST_HEADER };
  // A custom rule with no exact value matches on the header's presence.
  return { name: custom.name, value: custom.value?.exact ?? DEFAULT_TEST_HEADER.value };
};

export const createEcsGreenDiscovery = (clients: EcsReadClients, now = () => Date.now()) => {
  const elb = createElbReads(clients, now);

  const discover = async (
    options: EcsDiscoverOptions,
    signal: AbortSignal,
  ): Promise<EcsGreenTarget> => {
    const answer = await awsRead(
      'ecs:DescribeServiceRevisions',
      `the service revision ${options.targetServiceRevisionArn}`,
      signal,
      (o) =>
        clients.ecs.send(
          new DescribeServiceRevisionsCommand({
            serviceRevisionArns: [options.targetServiceRevisionArn],
          }),
          o,
        ),
    );
    const revision = answer.serviceRevisions?.[0];
    if (!revision) {
      throw new DiscoveryError(
        `service revision ${options.targetServiceRevisionArn} was not found`,
      );
    }
    const advanced = revision.loadBalancers?.find(
      (lb) => lb.advancedConfiguration,
    )?.advancedConfiguration;
    const greenTg =
      revision.resolvedConfiguration?.loadBalancers?.[0]?.targetGroupArn ??
      advanced?.alternateTargetGroupArn;
    const testHeader = serviceConnectTestHeader(revision.serviceConnectConfiguration);
    // Checks judge green through the test rule at every stage: under LINEAR and CANARY the
    // production rule splits traffic at every step, so a request through it may reach blue.
    const rule = advanced?.testListenerRule;
    const blueTg = [revision.loadBalancers?.[0]?.targetGroupArn, advanced?.alternateTargetGroupArn]
      .filter((arn): arn is string => Boolean(arn))
      .find((arn) => arn !== greenTg);
    const taskDefinitionP = revision.taskDefinition
      ? awsRead('ecs:DescribeTaskDefinition', '"*"', signal, (o) =>
          clients.ecs.send(
            new DescribeTaskDefinitionCommand({ taskDefinition: revision.taskDefinition }),
            o,
          ),
        ).then(
          (a) => a.taskDefinition,
          (error: Error) => error,
        )
      : Promise.resolve(undefined);
    const facts = async () =>
      factsOf(
        {
          deploymentId: options.serviceDeploymentArn,
          revisionProblem: 'the service revision names no task definition',
        },
        await taskDefinitionP,
      );

    const prodRule = advanced?.productionListenerRule;
    const productionListener = prodRule
      ? elb.describeListener(listenerArnOf(prodRule), signal)
      : Promise.resolve(undefined);
    const productionUrlOf = (l: Awaited<typeof productionListener>) =>
      l ? { productionUrl: `${l.protocol.toLowerCase()}://${l.dnsName}:${l.port}` } : {};
    if (!rule) {
      if (!options.overrideUrl) {
        throw new DiscoveryError(
          `service revision ${options.targetServiceRevisionArn} has no test listener rule (advancedConfiguration.testListenerRule), so no route is proven to reach green alone: add a test listener rule to the service's load balancer configuration, or give the URL to test (hookDetails.testUrl, or the testListenerUrl param)`,
        );
      }
      return {
        baseUrl: options.overrideUrl,
        ...productionUrlOf(await productionListener),
        facts: await facts(),
        ...(testHeader && { testHeader }),
      };
    }
    const listenerArn = listenerArnOf(rule);
    const metricTargets: MetricTargets | undefined =
      greenTg && blueTg
        ? {
            greenTargetGroupArn: greenTg,
            blueTargetGroupArn: blueTg,
            loadBalancerArn: loadBalancerArnOf(listenerArn),
          }
        : undefined;
    const prove = options.routingProof;
    const proveBlue = prove && options.needsBlueAlone === true && prodRule !== undefined;
    const [listener, forwards, healthy, prodListener, prodForwards] = await Promise.all([
      elb.describeListener(listenerArn, signal),
      prove ? elb.ruleForwards(listenerArn, signal, rule) : Promise.resolve([]),
      prove && greenTg ? elb.healthyTargets(greenTg, signal) : Promise.resolve(0),
      productionListener,
      proveBlue ? elb.ruleForwards(listenerArnOf(prodRule), signal, prodRule) : Promise.resolve([]),
    ]);
    let routing: string | undefined;
    if (prove) {
      const greenLabel = `green's target group ${greenTg ? targetGroupName(greenTg) : '(unknown)'} (task definition ${taskDefinitionLabel(revision.taskDefinition ?? '?')})`;
      if (!greenTg || !reachesOnly(forwards, greenTg)) {
        throw new DiscoveryError(
          `at ${options.stage} the test listener rule :${listener.port} forwards to ${describeForwards(forwards)}, not only to ${greenLabel}: no request would be proven to reach green alone. Run the checks at POST_TEST_TRAFFIC_SHIFT or later, once ECS has moved the test rule to green`,
        );
      }
      if (healthy < 1) {
        throw new DiscoveryError(
          `green's target group ${targetGroupName(greenTg)} has no healthy target: the load balancer would not send the checks to green`,
        );
      }
      if (proveBlue && (!blueTg || !reachesOnly(prodForwards, blueTg))) {
        throw new DiscoveryError(
          `a comparison needs blue alone behind the production rule, and at ${options.stage} it forwards to ${describeForwards(prodForwards)}: select comparisons for POST_TEST_TRAFFIC_SHIFT, before production traffic moves`,
        );
      }
      routing = `test listener rule :${listener.port} forwards only to green's target group, with healthy targets${proveBlue ? "; the production rule only to blue's" : ''}`;
    }
    return {
      ...productionUrlOf(prodListener),
      baseUrl:
        options.overrideUrl ??
        `${listener.protocol.toLowerCase()}://${listener.dnsName}:${listener.port}`,
      facts: await facts(),
      ...(testHeader && { testHeader }),
      ...(routing && { routing }),
      ...(metricTargets && { metricTargets }),
    };
  };

  return async (options: EcsDiscoverOptions): Promise<EcsGreenTarget> => {
    // Concurrent reads; when one fails (or all are done) the rest are cancelled.
    const done = new AbortController();
    try {
      return await discover(options, AbortSignal.any([options.signal, done.signal]));
    } finally {
      done.abort();
    }
  };
};

export type EcsGreenDiscovery = ReturnType<typeof createEcsGreenDiscovery>;
