/**
 * The load balancer's own metrics, from the requests the local listeners actually forwarded:
 * per target group `RequestCount`, `HTTPCode_Target_5XX_Count` (only when a 5xx happened, as the
 * ALB reports nothing for a minute without one) and `TargetResponseTime` in seconds, with the
 * dimensions CloudWatch uses; per load balancer `RequestCount` and `HTTPCode_ELB_5XX_Count` (the
 * 502s it answers itself). Every listener counts, the test listener too, as on a real ALB.
 */
import { albDimensionValue } from '../traffic/albMetricQueries';
import type { LocalAwsWorld } from './awsWorld';
import type { MetricStore } from './metricStore';
import type { ProxyTarget, SwitchableProxy } from './switchableProxy';

export const recordAlbMetrics = (
  world: LocalAwsWorld,
  store: MetricStore,
  listeners: readonly SwitchableProxy[],
  /** Which app URL serves which target group. */
  targetGroupOf: (target: ProxyTarget) => string | undefined,
): void => {
  const lb = albDimensionValue(world.loadBalancerArn, 'loadbalancer');
  const lbMetric = (name: string) => ({
    namespace: 'AWS/ApplicationELB',
    name,
    dimensions: [{ Name: 'LoadBalancer', Value: lb }],
  });
  for (const listener of listeners) {
    listener.onForwarded = (target, status, latencyMs) => {
      const tgArn = targetGroupOf(target);
      if (!tgArn) return;
      const dimensions = [
        { Name: 'TargetGroup', Value: albDimensionValue(tgArn, 'targetgroup') },
        { Name: 'LoadBalancer', Value: lb },
      ];
      const metric = (name: string) => ({ namespace: 'AWS/ApplicationELB', name, dimensions });
      store.record(metric('RequestCount'), 1);
      store.record(lbMetric('RequestCount'), 1);
      if (status >= 500) store.record(metric('HTTPCode_Target_5XX_Count'), 1);
      store.record(metric('TargetResponseTime'), latencyMs / 1000);
    };
    // The load balancer's own answers (a 502 when a target drops the connection) have only the
    // LoadBalancer dimension, as in CloudWatch: HTTPCode_ELB_5XX_Count is not per target group.
    listener.onElbError = () => {
      store.record(lbMetric('RequestCount'), 1);
      store.record(lbMetric('HTTPCode_ELB_5XX_Count'), 1);
    };
  }
};
