/**
 * Whose load balancer metrics canary analysis reads: green's target group, blue's, and the load
 * balancer in front of both (CloudWatch's `TargetGroup` and `LoadBalancer` dimensions).
 */
import { loadBalancerArnOf } from './elbReads';
import type { TaskSetView } from './routingProof';

export interface MetricTargets {
  readonly greenTargetGroupArn: string;
  readonly blueTargetGroupArn: string;
  readonly loadBalancerArn: string;
}

/**
 * Under CodeDeploy: green's target group is the one green's task set (the appspec's task
 * definition) registers in, blue's the one another task set registers in. Task sets are read
 * afresh, so this holds whichever of the pair a deployment started on. Undefined when either
 * side cannot be named: the analysis then fails, never compares a group with itself.
 */
export const taskSetMetricTargets = (
  taskSets: readonly TaskSetView[],
  greenTaskDefinition: string | undefined,
  productionListenerArn: string,
): MetricTargets | undefined => {
  if (!greenTaskDefinition) return undefined;
  const greenSets = taskSets.filter((t) => t.taskDefinition === greenTaskDefinition);
  const green = new Set(greenSets.flatMap((t) => t.targetGroupArns));
  if (green.size !== 1) return undefined;
  const [greenTg] = green as Set<string>;
  const blue = new Set(
    taskSets
      .filter((t) => t.taskDefinition !== greenTaskDefinition)
      .flatMap((t) => t.targetGroupArns)
      .filter((arn) => arn !== greenTg),
  );
  if (blue.size !== 1) return undefined;
  const [blueTg] = blue as Set<string>;
  return {
    greenTargetGroupArn: greenTg as string,
    blueTargetGroupArn: blueTg as string,
    loadBalancerArn: loadBalancerArnOf(productionListenerArn),
  };
};
