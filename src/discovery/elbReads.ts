/**
 * The ELBv2 reads both controllers' discovery makes: a listener's port, protocol and DNS name
 * (cached per container: configuration), a listener's or a rule's forward actions, and a target
 * group's healthy targets (read afresh: they change during a deployment).
 */
import {
  type Action,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { DiscoveryClients } from '../aws/clients';
import { DiscoveryError } from '../errors';
import { awsRead } from './awsRead';
import type { ForwardView } from './routingProof';

export const CONFIG_TTL_MS = 60_000;

export interface ListenerView {
  readonly port: number;
  readonly protocol: string;
  readonly dnsName: string;
}

/** `…:listener/app/<lb>/<lb-id>/<listener-id>` → `…:loadbalancer/app/<lb>/<lb-id>`. */
export const loadBalancerArnOf = (listenerArn: string): string =>
  listenerArn.replace(':listener/', ':loadbalancer/').replace(/\/[^/]+$/, '');

/** A rule ARN (`…:listener-rule/…/<rule-id>`) → its listener; a listener ARN stays as it is. */
export const listenerArnOf = (ruleOrListenerArn: string): string =>
  ruleOrListenerArn.includes(':listener-rule/')
    ? ruleOrListenerArn.replace(':listener-rule/', ':listener/').replace(/\/[^/]+$/, '')
    : ruleOrListenerArn;

export const forwardsOf = (actions: readonly Action[] | undefined): ForwardView[] =>
  (actions ?? [])
    .filter((a) => a.Type === 'forward')
    .flatMap((a) =>
      a.ForwardConfig?.TargetGroups?.length
        ? a.ForwardConfig.TargetGroups.map((t) => ({
            targetGroupArn: t.TargetGroupArn ?? '',
            weight: t.Weight ?? 1,
          }))
        : a.TargetGroupArn
          ? [{ targetGroupArn: a.TargetGroupArn, weight: 1 }]
          : [],
    );

export const createElbReads = (clients: Pick<DiscoveryClients, 'elb'>, now: () => number) => {
  const listenerCache = new Map<string, { at: number; view: ListenerView }>();

  const describeListener = async (arn: string, signal: AbortSignal): Promise<ListenerView> => {
    const cached = listenerCache.get(arn);
    if (cached && now() - cached.at < CONFIG_TTL_MS) return cached.view;
    const [listeners, balancers] = await Promise.all([
      awsRead('elasticloadbalancing:DescribeListeners', '"*"', signal, (o) =>
        clients.elb.send(new DescribeListenersCommand({ ListenerArns: [arn] }), o),
      ),
      awsRead('elasticloadbalancing:DescribeLoadBalancers', '"*"', signal, (o) =>
        clients.elb.send(
          new DescribeLoadBalancersCommand({ LoadBalancerArns: [loadBalancerArnOf(arn)] }),
          o,
        ),
      ),
    ]);
    const listener = listeners.Listeners?.[0];
    const dnsName = balancers.LoadBalancers?.[0]?.DNSName;
    if (!listener?.Port || !listener.Protocol || !dnsName) {
      throw new DiscoveryError(`listener ${arn} or its load balancer could not be described`);
    }
    const view = { port: listener.Port, protocol: listener.Protocol, dnsName };
    listenerCache.set(arn, { at: now(), view });
    return view;
  };

  /** Forwards of every rule of a listener, or of one rule (`ruleArn`; a listener ARN: its default rule). */
  const ruleForwards = async (
    listenerArn: string,
    signal: AbortSignal,
    ruleArn?: string,
  ): Promise<ForwardView[]> => {
    const answer = await awsRead('elasticloadbalancing:DescribeRules', '"*"', signal, (o) =>
      clients.elb.send(new DescribeRulesCommand({ ListenerArn: listenerArn }), o),
    );
    const rules = answer.Rules ?? [];
    const chosen = !ruleArn
      ? rules
      : ruleArn === listenerArn
        ? rules.filter((r) => r.IsDefault)
        : rules.filter((r) => r.RuleArn === ruleArn);
    if (ruleArn && chosen.length === 0) {
      throw new DiscoveryError(`listener rule ${ruleArn} was not found on its listener`);
    }
    return chosen.flatMap((r) => forwardsOf(r.Actions));
  };

  const healthyTargets = async (arn: string, signal: AbortSignal): Promise<number> => {
    const answer = await awsRead('elasticloadbalancing:DescribeTargetHealth', '"*"', signal, (o) =>
      clients.elb.send(new DescribeTargetHealthCommand({ TargetGroupArn: arn }), o),
    );
    return (answer.TargetHealthDescriptions ?? []).filter(
      (t) => t.TargetHealth?.State === 'healthy',
    ).length;
  };

  return { describeListener, ruleForwards, healthyTargets };
};
