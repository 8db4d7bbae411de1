/**
 * Discovery for ECS native blue/green: the hook event names the target (green) service revision;
 * `DescribeServiceRevisions` gives its task definition, the listener rules ECS shifts
 * (`advancedConfiguration.testListenerRule` / `productionListenerRule`) and the target group
 * that serves green (`resolvedConfiguration`). ELBv2 then gives the rule's listener, port and DNS
 * name, and the routing proof checks that the rule sends its traffic to green.
 *
 *   DescribeServiceRevisions ─┬─ DescribeListeners* ‖ DescribeLoadBalancers*
 *                             ├─ DescribeRules ‖ DescribeTargetHealth (green's target group)
 *                             └─ DescribeTaskDefinition
 */
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { EcsReadClients } from '../aws/clients';
import { DiscoveryError } from '../errors';
import type { Facts } from '../smoke/facts';
import type { EcsStage } from '../smoke/schema';
import { awsRead } from './awsRead';
import { createElbReads, listenerArnOf } from './elbReads';
import { factsOf } from './revisionFacts';
import { targetGroupName, taskDefinitionLabel } from './routingProof';

/** Stages at which production traffic already reaches green: their URL is the production rule's. */
const PRODUCTION_STAGES: readonly EcsStage[] = [
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];
/** Stages at which the test rule has been shifted to green, so the proof applies. */
const TEST_PROVEN_STAGES: readonly EcsStage[] = [
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
];

export interface EcsDiscoverOptions {
  /** The service deployment (the event's resourceArn): `deployment.id` in facts. */
  readonly serviceDeploymentArn: string;
  readonly targetServiceRevisionArn: string;
  readonly stage: EcsStage;
  readonly routingProof: boolean;
  readonly overrideUrl?: string;
  readonly signal: AbortSignal;
}

export interface EcsGreenTarget {
  readonly baseUrl: string;
  /** The production rule's listener (blue, until production shifts). */
  readonly productionUrl?: string;
  readonly facts: Facts;
  /** Service Connect test traffic is chosen by this header. */
  readonly testHeader?: { readonly name: string; readonly value: string };
  readonly routing?: string;
}

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
    const header = revision.serviceConnectConfiguration?.services
      ?.flatMap((s) => s.clientAliases ?? [])
      .find((a) => a.testTrafficRules?.header?.name)?.testTrafficRules?.header;
    const testHeader =
      header?.name && header.value?.exact
        ? { name: header.name, value: header.value.exact }
        : undefined;

    const production = PRODUCTION_STAGES.includes(options.stage);
    const rule = production ? advanced?.productionListenerRule : advanced?.testListenerRule;
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

    if (!rule) {
      if (!options.overrideUrl) {
        throw new DiscoveryError(
          `service revision ${options.targetServiceRevisionArn} has no load balancer listener rules (advancedConfiguration): give the URL to test (hookDetails.testUrl, or TEST_LISTENER_URL)`,
        );
      }
      return {
        baseUrl: options.overrideUrl,
        facts: await facts(),
        ...(testHeader && { testHeader }),
      };
    }
    const listenerArn = listenerArnOf(rule);
    const prove =
      options.routingProof && (production || TEST_PROVEN_STAGES.includes(options.stage));
    const prodRule = advanced?.productionListenerRule;
    const [listener, forwards, healthy, prodListener] = await Promise.all([
      elb.describeListener(listenerArn, signal),
      prove ? elb.ruleForwards(listenerArn, signal, rule) : Promise.resolve([]),
      prove && greenTg ? elb.healthyTargets(greenTg, signal) : Promise.resolve(0),
      prodRule ? elb.describeListener(listenerArnOf(prodRule), signal) : Promise.resolve(undefined),
    ]);
    let routing: string | undefined;
    if (prove) {
      const which = production ? 'production' : 'test';
      const greenLabel = `green's target group ${greenTg ? targetGroupName(greenTg) : '(unknown)'} (task definition ${taskDefinitionLabel(revision.taskDefinition ?? '?')})`;
      const live = forwards.filter((f) => f.weight > 0);
      const stray = live.find((f) => f.targetGroupArn !== greenTg);
      if (
        !greenTg ||
        (production ? !live.some((f) => f.targetGroupArn === greenTg) : stray || live.length === 0)
      ) {
        const to = stray ? targetGroupName(stray.targetGroupArn) : 'no target group';
        throw new DiscoveryError(
          production
            ? `production listener rule :${listener.port} sends no traffic to ${greenLabel}`
            : `test listener rule :${listener.port} forwards to ${to}, not ${greenLabel}`,
        );
      }
      if (healthy < 1) {
        throw new DiscoveryError(
          `green's target group ${targetGroupName(greenTg)} has no healthy target: the load balancer would not send the checks to green`,
        );
      }
      routing = `${which} listener rule :${listener.port} forwards to green's target group, with healthy targets`;
    }
    return {
      ...(prodListener && {
        productionUrl: `${prodListener.protocol.toLowerCase()}://${prodListener.dnsName}:${prodListener.port}`,
      }),
      baseUrl:
        options.overrideUrl ??
        `${listener.protocol.toLowerCase()}://${listener.dnsName}:${listener.port}`,
      facts: await facts(),
      ...(testHeader && { testHeader }),
      ...(routing && { routing }),
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
