/**
 * The load balancer's metrics of one side's target group (AWS/ApplicationELB, one-minute
 * periods): requests, target 5xx and response-time percentiles, with the dimension values
 * CloudWatch uses (`app/<lb>/<id>`, `targetgroup/<tg>/<id>`), taken from the ARNs discovery found.
 */
import type { CustomMetric } from '../suite/analysis';
import type { MetricQuery } from './metricReading';

/** `arn:…:loadbalancer/app/<name>/<id>` → `app/<name>/<id>`; `arn:…:targetgroup/<n>/<id>` → `targetgroup/<n>/<id>`. */
export const albDimensionValue = (arn: string, kind: 'loadbalancer' | 'targetgroup'): string =>
  kind === 'loadbalancer'
    ? (arn.split(':loadbalancer/')[1] ?? arn)
    : `targetgroup/${arn.split(':targetgroup/')[1] ?? arn}`;

export interface SideTarget {
  readonly side: 'green' | 'blue';
  readonly targetGroupArn: string;
  readonly loadBalancerArn: string;
}

export type AlbMetric = 'requests' | 'errors' | 'p50' | 'p95' | 'p99';

const METRICS: Readonly<Record<AlbMetric, { metricName: string; stat: string }>> = {
  requests: { metricName: 'RequestCount', stat: 'Sum' },
  errors: { metricName: 'HTTPCode_Target_5XX_Count', stat: 'Sum' },
  p50: { metricName: 'TargetResponseTime', stat: 'p50' },
  p95: { metricName: 'TargetResponseTime', stat: 'p95' },
  p99: { metricName: 'TargetResponseTime', stat: 'p99' },
};

/** The query id of one metric of one side, e.g. `green_p99`. */
export const queryId = (side: SideTarget['side'], metric: AlbMetric): string => `${side}_${metric}`;

export const albQueries = (target: SideTarget, metrics: readonly AlbMetric[]): MetricQuery[] =>
  metrics.map((metric) => ({
    id: queryId(target.side, metric),
    namespace: 'AWS/ApplicationELB',
    ...METRICS[metric],
    dimensions: {
      TargetGroup: albDimensionValue(target.targetGroupArn, 'targetgroup'),
      LoadBalancer: albDimensionValue(target.loadBalancerArn, 'loadbalancer'),
    },
  }));

/** Ids of the load balancer's own counts: all its requests, and the 5xx it answered itself. */
export const LB_QUERY = { requests: 'lb_requests', errors: 'lb_elb5xx' } as const;

/**
 * The load balancer's requests and its own 5xx (`HTTPCode_ELB_5XX_Count`: a target that dropped
 * the connection or timed out, which no target 5xx counts). CloudWatch has them per load balancer
 * only, so they compare green with blue only across a time-shifted baseline, when green serves
 * every request after the shift and blue every one before it.
 */
export const lbQueries = (loadBalancerArn: string): MetricQuery[] =>
  [
    { id: LB_QUERY.requests, metricName: 'RequestCount' },
    { id: LB_QUERY.errors, metricName: 'HTTPCode_ELB_5XX_Count' },
  ].map((q) => ({
    ...q,
    namespace: 'AWS/ApplicationELB',
    stat: 'Sum',
    dimensions: { LoadBalancer: albDimensionValue(loadBalancerArn, 'loadbalancer') },
  }));

/**
 * The user's own metrics for one side: ids `green_c0`, `blue_c0`, …, and each dimension value
 * with `{{side}}`, `{{targetGroup}}` and `{{loadBalancer}}` filled in for that side.
 */
export const customQueries = (
  target: SideTarget,
  metrics: readonly CustomMetric[],
): MetricQuery[] =>
  metrics.map((m, i) => ({
    id: `${target.side}_c${i}`,
    namespace: m.namespace,
    metricName: m.metricName,
    stat: m.stat,
    dimensions: Object.fromEntries(
      Object.entries(m.dimensions).map(([name, value]) => [
        name,
        value
          .replaceAll('{{side}}', target.side)
          .replaceAll('{{targetGroup}}', albDimensionValue(target.targetGroupArn, 'targetgroup'))
          .replaceAll(
            '{{loadBalancer}}',
            albDimensionValue(target.loadBalancerArn, 'loadbalancer'),
          ),
      ]),
    ),
  }));
