/**
 * Invokes the ECS hook as ECS does in the rehearsal: events shaped as ECS sends them (green's
 * weights at the step), only at the stages the service lists, and again after each
 * IN_PROGRESS's callBackDelay (scaled down) with the returned hookDetails merged into the next.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { EcsHookResponse } from '../controllers/ecs/createEcsHookHandler';
import type { LoopbackDeployment } from '../local/loopbackDeployment';
import type { EcsStage } from '../suite/schema';
import type { RehearsalEvent } from './harness';

/** ECS's callback delays are seconds; the rehearsal waits this fraction of them. */
const CALLBACK_SCALE = 0.1;

export interface Weights {
  readonly test?: number;
  readonly production?: number;
}

export interface EcsInvokerOptions {
  readonly world: LoopbackDeployment;
  readonly deploymentArn: string;
  /** The stages the service's lifecycleHooks list. */
  readonly listed: ReadonlySet<EcsStage>;
  readonly handler: (
    event: unknown,
    context: { getRemainingTimeInMillis(): number },
  ) => Promise<EcsHookResponse>;
  readonly hookTimeoutMs: number;
  readonly emit: (event: RehearsalEvent) => void;
  /** Told which stage is being invoked (the timeline's check lines name it). */
  readonly onStage: (stage: EcsStage) => void;
}

/** Returns `invoke(stage, weights)`: the final answer, or undefined for a stage not listed. */
export const ecsInvoker = (o: EcsInvokerOptions) => {
  const green = o.world.world.greenRevisionArn;
  const weightsOf = (w: number | undefined) => (w === undefined ? {} : { [green]: w });
  const eventFor = (stage: EcsStage, weights: Weights, hookDetails?: Record<string, unknown>) => ({
    executionId: randomUUID(),
    lifecycleStage: stage,
    resourceArn: o.deploymentArn,
    executionDetails: {
      serviceArn: o.world.world.serviceArn,
      targetServiceRevisionArn: green,
      testTrafficWeights: weightsOf(weights.test),
      productionTrafficWeights: weightsOf(weights.production),
    },
    ...(hookDetails && { hookDetails }),
  });
  return async (stage: EcsStage, weights: Weights = {}): Promise<EcsHookResponse | undefined> => {
    if (!o.listed.has(stage)) return undefined;
    o.onStage(stage);
    let details: Record<string, unknown> | undefined;
    for (;;) {
      const deadline = Date.now() + o.hookTimeoutMs;
      const response = await o.handler(eventFor(stage, weights, details), {
        getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
      });
      o.emit({
        type: 'hook-reported',
        hook: stage,
        status: response.hookStatus,
        ...(response.hookStatus === 'FAILED' && { reason: String(response.hookDetails?.reason) }),
        ...(response.hookStatus === 'IN_PROGRESS' && {
          reason: `again in ${response.callBackDelay ?? 30} s`,
        }),
      });
      if (response.hookStatus !== 'IN_PROGRESS') return response;
      details = { ...details, ...response.hookDetails };
      await sleep((response.callBackDelay ?? 30) * 1000 * CALLBACK_SCALE);
    }
  };
};
