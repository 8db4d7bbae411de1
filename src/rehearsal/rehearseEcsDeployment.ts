/**
 * Rehearses an ECS native blue/green deployment on loopback: the same world as the CodeDeploy
 * rehearsal (blue :41 and green :42 behind a production and a test listener, local ECS and ELBv2
 * endpoints), walked through ECS's lifecycle stages. At each hookable stage the real ECS hook
 * handler is invoked as ECS invokes it; IN_PROGRESS is honoured by invoking again after the
 * callback delay (scaled down here); FAILED rolls back, and on rollback the hooks of
 * TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT are invoked again with green's weight at 0.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createEcsHookHandler, type EcsHookResponse } from '../ecs/createEcsHookHandler';
import { LoopbackDeployment } from '../local/loopbackDeployment';
import type { Log } from '../logging/logger';
import type { CheckResult } from '../smoke/runSmokeSuite';
import type { EcsStage } from '../smoke/schema';
import {
  ALARM_NAME,
  BLUE_LATENCY_MS,
  breakIfAsked,
  greenApp,
  type RehearsalOptions,
  type RehearsalResult,
  shiftTestTraffic,
  waitOutWithAlarm,
  withEnvironment,
} from './rehearseDeployment';

/** ECS's callback delays are seconds; the rehearsal waits this fraction of them. */
const CALLBACK_SCALE = 0.1;

type Step = { readonly stage: string; readonly hook?: EcsStage; readonly detail: string };

export const rehearseEcsDeployment = async (
  options: RehearsalOptions,
): Promise<RehearsalResult> => {
  const started = performance.now();
  const emit = options.onEvent;
  const world = await LoopbackDeployment.start({
    blue: { latencyMs: BLUE_LATENCY_MS },
    green: greenApp(options.green, options.slowStartMs),
  });
  const deployment = world.world.startServiceDeployment();
  // The rehearsal's overall readiness budget is short, so a hanging green ends in seconds.
  const suite = {
    ...options.suite,
    ecs: { ...options.suite.ecs, overallBudgetMs: options.hookTimeoutMs },
  };
  try {
    return await withEnvironment(world.awsEnv(), async () => {
      let stage: EcsStage = 'PRE_SCALE_UP';
      // The handler's check lines become the rehearsal's timeline (pass or fail alike).
      const showCheck = (message: string, ...extra: object[]) => {
        if (message !== 'Smoke check') return;
        const result = Object.assign({}, ...extra) as CheckResult;
        emit({ type: 'suite', hook: stage, progress: { type: 'check', result } });
      };
      const log: Log = { info: showCheck, warn: () => {}, error: showCheck };
      const handler = createEcsHookHandler(() => suite, { log });
      const showListeners = () =>
        emit({
          type: 'listeners',
          production: world.production.target.label,
          test: world.test.target.label,
        });
      const finish = (outcome: RehearsalResult['outcome'], reason?: string): RehearsalResult => ({
        outcome,
        ...(reason && { reason }),
        production: world.production.target.label,
        durationMs: performance.now() - started,
      });
      const eventFor = (
        hook: EcsStage,
        weights: { test?: number; production?: number } = {},
        hookDetails?: Record<string, unknown>,
      ) => ({
        executionId: randomUUID(),
        lifecycleStage: hook,
        resourceArn: deployment.arn,
        executionDetails: {
          serviceArn: world.world.serviceArn,
          targetServiceRevisionArn: world.world.greenRevisionArn,
          testTrafficWeights:
            weights.test === undefined ? {} : { [world.world.greenRevisionArn]: weights.test },
          productionTrafficWeights:
            weights.production === undefined
              ? {}
              : { [world.world.greenRevisionArn]: weights.production },
        },
        ...(hookDetails && { hookDetails }),
      });
      /** Invokes a stage's hook as ECS does: again after callBackDelay while IN_PROGRESS. */
      const invoke = async (
        hook: EcsStage,
        weights?: { test?: number; production?: number },
      ): Promise<EcsHookResponse> => {
        stage = hook;
        let details: Record<string, unknown> | undefined;
        for (;;) {
          const deadline = Date.now() + options.hookTimeoutMs;
          const response = await handler(eventFor(hook, weights, details), {
            getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
          });
          emit({
            type: 'hook-reported',
            hook,
            status: response.hookStatus,
            ...(response.hookStatus === 'FAILED' && {
              reason: String(response.hookDetails?.reason),
            }),
            ...(response.hookStatus === 'IN_PROGRESS' && {
              reason: `again in ${response.callBackDelay ?? 30} s`,
            }),
          });
          if (response.hookStatus !== 'IN_PROGRESS') return response;
          details = { ...details, ...response.hookDetails };
          await sleep((response.callBackDelay ?? 30) * 1000 * CALLBACK_SCALE);
        }
      };
      const rollBack = async (reason: string): Promise<RehearsalResult> => {
        deployment.status = 'ROLLBACK_IN_PROGRESS';
        emit({
          type: 'step',
          step: 'Rollback',
          detail: 'ECS invokes the traffic-shift hooks again with green at weight 0',
        });
        await invoke('TEST_TRAFFIC_SHIFT', { test: 0 });
        await invoke('PRODUCTION_TRAFFIC_SHIFT', { production: 0 });
        world.route('production', 'blue');
        world.route('test', 'blue');
        deployment.status = 'ROLLBACK_SUCCESSFUL';
        emit({ type: 'rollback', reason });
        showListeners();
        return finish('rolled-back', reason);
      };

      emit({
        type: 'step',
        step: 'Start',
        detail: `service deployment of revision :42 (${options.green}); blue :41 serves both listeners`,
      });
      showListeners();
      const steps: Step[] = [
        { stage: 'PRE_SCALE_UP', hook: 'PRE_SCALE_UP', detail: 'green is not started yet' },
        { stage: 'SCALE_UP', detail: 'green tasks start on the alternate target group tg-2' },
        {
          stage: 'POST_SCALE_UP',
          hook: 'POST_SCALE_UP',
          detail: 'green is running; no test traffic yet',
        },
        {
          stage: 'TEST_TRAFFIC_SHIFT',
          hook: 'TEST_TRAFFIC_SHIFT',
          detail: 'the test listener rule moves to green',
        },
        {
          stage: 'POST_TEST_TRAFFIC_SHIFT',
          hook: 'POST_TEST_TRAFFIC_SHIFT',
          detail: 'the suite runs against green through the test rule',
        },
        {
          stage: 'PRODUCTION_TRAFFIC_SHIFT',
          hook: 'PRODUCTION_TRAFFIC_SHIFT',
          detail: 'the production listener rule moves to green',
        },
        {
          stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
          hook: 'POST_PRODUCTION_TRAFFIC_SHIFT',
          detail: 'green serves production',
        },
      ];
      for (const step of steps) {
        emit({ type: 'step', step: step.stage, detail: step.detail });
        if (step.stage === 'TEST_TRAFFIC_SHIFT') {
          const shifted = shiftTestTraffic(options.green, world);
          // Only the exception is news here: the step line already says the rule moves.
          if (options.green === 'misrouted') emit({ type: 'step', step: '', detail: shifted });
          showListeners();
        }
        if (step.stage === 'PRODUCTION_TRAFFIC_SHIFT') {
          world.route('production', 'green');
          showListeners();
          breakIfAsked(options.green, world);
        }
        if (!step.hook) continue;
        const weights =
          step.stage === 'TEST_TRAFFIC_SHIFT'
            ? { test: 100 }
            : step.stage === 'PRODUCTION_TRAFFIC_SHIFT'
              ? { production: 100 }
              : {};
        const response = await invoke(step.hook, weights);
        if (response.hookStatus === 'FAILED') {
          return rollBack(
            `${step.hook} hook answered FAILED: ${String(response.hookDetails?.reason)}`,
          );
        }
      }

      emit({
        type: 'step',
        step: 'BAKE_TIME',
        detail: `blue keeps running for ${options.terminationWaitMs / 1000} s`,
      });
      const stopped = await waitOutWithAlarm(
        options,
        {
          ECS_CLUSTER_NAME: world.world.group.cluster,
          ECS_SERVICE_NAME: world.world.group.service,
        },
        () => deployment.status === 'ROLLBACK_REQUESTED',
      );
      if (stopped) {
        return rollBack(
          `service deployment stopped with ROLLBACK by the alarm rollback Lambda (${ALARM_NAME})`,
        );
      }
      deployment.status = 'SUCCESSFUL';
      world.blueApp.setBehaviour('hang');
      emit({
        type: 'step',
        step: 'CLEAN_UP',
        detail: 'blue revision scaled down; deployment SUCCESSFUL',
      });
      return finish('succeeded');
    });
  } finally {
    await world.stop();
  }
};
