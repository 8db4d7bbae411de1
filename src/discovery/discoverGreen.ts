/**
 * Where is green, is the test listener sending traffic only to it, and what is the new revision?
 * Read from the deployment itself, not from configuration that can drift. Each read starts as
 * soon as what it needs is known, so the critical path is three round trips once the group is
 * cached:
 *
 *   GetDeployment ─┬─ GetDeploymentGroup* ─┬─ DescribeListeners* ‖ DescribeLoadBalancers*
 *                  │                      ├─ DescribeRules ── DescribeTargetHealth
 *                  │                      └─ DescribeServices
 *                  └─ GetApplicationRevision ── DescribeTaskDefinition
 *
 * (*) cached per container for a minute: the group's listeners and ECS service, listener ports
 * and the load balancer's DNS name are configuration. Routing, task sets, target health and
 * everything about the deployment (revision, task definition) are read afresh every time.
 */
import { DescribeServicesCommand, DescribeTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { DiscoveryClients } from '../aws/clients';
import { DiscoveryError } from '../errors';
import type { Facts } from '../suite/facts';
import { awsRead } from './awsRead';
import { CONFIG_TTL_MS, createElbReads, type ListenerView } from './elbReads';
import { type MetricTargets, taskSetMetricTargets } from './metricTargets';
import {
  type DeploymentRef,
  type DeploymentView,
  type GroupView,
  getDeploymentRef,
  readGroup,
  readRevision,
} from './readDeployment';
import { factsOf } from './revisionFacts';
import { proveRouting, type TaskSetView } from './routingProof';

export interface GreenTarget {
  /** Base URL of the test listener (or the override). */
  readonly baseUrl: string;
  /** Base URL of the production listener (blue, until the traffic shifts). */
  readonly productionUrl: string;
  readonly facts: Facts;
  readonly deployment: DeploymentView;
  /** Absent when the proof is turned off. */
  readonly routing?: string;
  /** Green's and blue's target groups and their load balancer, when asked for (canary analysis). */
  readonly metricTargets?: MetricTargets;
}

export { loadBalancerArnOf } from './elbReads';

export interface DiscoverOptions {
  readonly deploymentId: string;
  /** TEST_LISTENER_URL: used instead of the discovered URL (custom domain, TLS name). */
  readonly overrideUrl?: string;
  readonly routingProof: boolean;
  /** Name both target groups from the task sets (canary analysis reads their metrics). */
  readonly metricTargets?: boolean;
  /**
   * Called once GetDeployment names the group, before the group is read: may refuse it (throw a
   * DiscoveryError, e.g. a group the function does not serve) or give the URL override.
   */
  readonly select?: (deployment: DeploymentRef) => { readonly overrideUrl?: string } | undefined;
  readonly signal: AbortSignal;
}

export const createGreenDiscovery = (clients: DiscoveryClients, now = () => Date.now()) => {
  const { describeListener, ruleForwards, healthyTargets } = createElbReads(clients, now);
  const groupCache = new Map<string, { at: number; view: GroupView }>();

  const groupOf = async (ref: DeploymentRef, signal: AbortSignal): Promise<GroupView> => {
    const key = `${ref.applicationName}/${ref.deploymentGroupName}`;
    const cached = groupCache.get(key);
    if (cached && now() - cached.at < CONFIG_TTL_MS) return cached.view;
    const view = await readGroup(clients, ref, signal);
    groupCache.set(key, { at: now(), view });
    return view;
  };

  const readTaskSets = async (d: GroupView, signal: AbortSignal): Promise<TaskSetView[]> => {
    const answer = await awsRead(
      'ecs:DescribeServices',
      `the service ${d.cluster}/${d.service}`,
      signal,
      (o) =>
        clients.ecs.send(
          new DescribeServicesCommand({ cluster: d.cluster, services: [d.service] }),
          o,
        ),
    );
    const service = answer.services?.[0];
    if (!service) throw new DiscoveryError(`ECS service ${d.cluster}/${d.service} was not found`);
    return (service.taskSets ?? []).map((t) => ({
      taskDefinition: t.taskDefinition ?? '',
      status: t.status ?? '',
      targetGroupArns: (t.loadBalancers ?? []).flatMap((lb) =>
        lb.targetGroupArn ? [lb.targetGroupArn] : [],
      ),
    }));
  };

  const readTaskDefinition = async (arn: string | undefined, signal: AbortSignal) => {
    if (!arn) return undefined;
    const answer = await awsRead('ecs:DescribeTaskDefinition', '"*"', signal, (o) =>
      clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: arn }), o),
    );
    return answer.taskDefinition;
  };

  const checkOverride = (override: string, test: ListenerView, prod: ListenerView) => {
    const url = new URL(override);
    const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
    if (port === prod.port && port !== test.port) {
      throw new DiscoveryError(
        `TEST_LISTENER_URL ${url.origin} uses port ${port}, the production listener's, not the test listener's (:${test.port}): the hook would test blue; use port ${test.port}`,
      );
    }
  };

  return async (options: DiscoverOptions): Promise<GreenTarget> => {
    // Reads run concurrently; when one fails (or all are done) the others are cancelled, so no
    // SDK retry outlives the invocation. Both signals are held here, so `any` cannot lose them.
    const done = new AbortController();
    const signal = AbortSignal.any([options.signal, done.signal]);
    try {
      return await discover(options, signal);
    } finally {
      done.abort();
    }
  };

  async function discover(options: DiscoverOptions, signal: AbortSignal): Promise<GreenTarget> {
    const { revision: location, ...ref } = await getDeploymentRef(
      clients,
      options.deploymentId,
      signal,
    );
    // Refused before anything of the group is read (IAM would deny it for an unmapped group).
    const overrideUrl = options.select?.(ref)?.overrideUrl ?? options.overrideUrl;
    const groupP = groupOf(ref, signal);
    const revisionP = readRevision(clients, ref.applicationName, location, signal);
    const forwardsP = options.routingProof
      ? groupP.then((g) => ruleForwards(g.testListenerArn, signal))
      : Promise.resolve([]);
    const healthP = forwardsP.then(async (forwards) => {
      const live = [...new Set(forwards.filter((f) => f.weight > 0).map((f) => f.targetGroupArn))];
      return new Map(
        await Promise.all(
          live.map(async (arn) => [arn, await healthyTargets(arn, signal)] as const),
        ),
      );
    });
    const [group, revision, test, prod, forwards, health, taskSets, taskDefinition] =
      await Promise.all([
        groupP,
        revisionP,
        groupP.then((g) => describeListener(g.testListenerArn, signal)),
        groupP.then((g) => describeListener(g.prodListenerArn, signal)),
        forwardsP,
        healthP,
        options.routingProof || options.metricTargets
          ? groupP.then((g) => readTaskSets(g, signal))
          : [],
        revisionP.then((r) =>
          readTaskDefinition(r.appspec.taskDefinition, signal).catch((error: Error) => error),
        ),
      ]);
    const deployment: DeploymentView = {
      ...ref,
      ...group,
      appspec: revision.appspec,
      ...(revision.problem && { revisionProblem: revision.problem }),
    };
    const greenTd = revision.appspec.taskDefinition;
    if (overrideUrl) checkOverride(overrideUrl, test, prod);
    let routing: string | undefined;
    if (options.routingProof) {
      const verdict = proveRouting({
        testPort: test.port,
        forwards,
        taskSets,
        ...(greenTd && { greenTaskDefinition: greenTd }),
        healthyTargets: health,
      });
      if (!verdict.ok) throw new DiscoveryError(verdict.reason);
      routing = `test listener :${test.port} forwards only to green's target group, with healthy targets`;
    }
    const metricTargets = options.metricTargets
      ? taskSetMetricTargets(taskSets, greenTd, group.prodListenerArn)
      : undefined;
    const baseUrl = overrideUrl ?? `${test.protocol.toLowerCase()}://${test.dnsName}:${test.port}`;
    return {
      baseUrl,
      productionUrl: `${prod.protocol.toLowerCase()}://${prod.dnsName}:${prod.port}`,
      deployment,
      facts: factsOf(deployment, taskDefinition),
      ...(routing && { routing }),
      ...(metricTargets && { metricTargets }),
    };
  }
};

export type GreenDiscovery = ReturnType<typeof createGreenDiscovery>;
