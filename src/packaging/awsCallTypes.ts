/** An AWS call a function makes, and the names its resources are built from. */
import type { DeploymentGroupRef } from '../config/env';
import type { SecretRef } from '../suite/schema';

export interface AwsCall {
  /** service:Action, as IAM spells it. */
  readonly action: string;
  /** The request's resource: an ARN, or "*" for an action with no resource type. */
  readonly resource: string;
  /** Who makes the call and why. */
  readonly why: string;
}

export interface CallTargets {
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  readonly functionName: string;
  /** The groups the alarm function lists (its default group and every routed one). */
  readonly deploymentGroups: readonly DeploymentGroupRef[];
  /** The secrets the suite's headers reference (hooks). */
  readonly secrets: readonly SecretRef[];
  /** The ECS services whose deployments the hooks discover. */
  readonly ecsServices?: ReadonlyArray<{ readonly cluster: string; readonly service: string }>;
  /** Buckets of S3 revisions (hooks). */
  readonly revisionBuckets?: readonly string[];
  /** ECS services the alarm function stops (ECS native blue/green). */
  readonly alarmEcsServices?: ReadonlyArray<{ readonly cluster: string; readonly service: string }>;
  /** The alarm function's on-failure destination. */
  readonly failedDeliveryQueue?: string;
  /** The suite's production watch reads CloudWatch alarms (hooks). */
  readonly watchesAlarms?: boolean;
  /** A suite asks for canary analysis, which reads CloudWatch metrics (both hooks). */
  readonly analysesMetrics?: boolean;
}
