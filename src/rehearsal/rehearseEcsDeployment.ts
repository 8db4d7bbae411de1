/**
 * Rehearses an ECS native blue/green deployment on loopback: the same world as the CodeDeploy
 * rehearsal (blue :41 and green :42 behind a production and a test listener, local ECS and ELBv2
 * endpoints), walked through ECS's lifecycle stages. At each hookable stage the real ECS hook
 * handler is invoked as ECS invokes it; IN_PROGRESS is honoured by invoking again after the
 * callback delay (scaled down here); FAILED rolls back, and on rollback the hooks of
 * TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT are invoked again with green's weight at 0.
 *
 * The service lists, in its lifecycleHooks, the stages at which the suite selects something
 * (a stage that selects nothing would answer FAILED). Under LINEAR and CANARY the production
 * rule splits traffic between blue and green at each step, and PRE_PRODUCTION_TRAFFIC_SHIFT and
 * PRODUCTION_TRAFFIC_SHIFT run at every step, each with that step's weights.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  createEcsHookHandler,
  type EcsHookResponse,
} from '../controllers/ecs/createEcsHookHandler';
import type { CheckResult } from '../engine/runSmokeSuite';
import { LoopbackDeployment } from '../local/loopbackDeployment';
import type { Log } from '../logging/logger';
import { ECS_STAGES, type EcsStage } from '../suite/schema';
import { selectedItems } from '../suite/selection';
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

/** The bake between two traffic steps (stepBakeTimeInMinutes / canaryBakeTimeInMinutes). */
const STEP_BAKE_MS = 1_000;

export const ECS_STRATEGIES = ['blue-green', 'linear', 'canary'] as const;
export type EcsStrategy = (typeof ECS_STRATEGIES)[number];

/** Green's share of production after each traffic step (LINEAR: 4 x 25 %; CANARY: 10 % first). */
export const TRAFFIC_STEPS: Readonly<Record<EcsStrategy, readonly number[]>> = {
  'blue-green': [100],
  linear: [25, 50, 75, 100],
  canary: [10, 100],
};

export const rehearseEcsDeployment = async (
  options: RehearsalOptions & { readonly strategy?: EcsStrategy },
): Promise<RehearsalResult> => {
  const strategy = options.strategy ?? 'blue-green';
  // The stages the service's lifecycleHooks list: those where the suite selects something.
  const listed = new Set(ECS_STAGES.filter((s) => selectedItems(options.suite, s).length > 0));
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
          production: world.production.routeLabel,
          test: world.test.routeLabel,
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
      /**
       * Invokes a stage's hook as ECS does, when the service lists the stage: again after
       * callBackDelay while IN_PROGRESS. Returns undefined for a stage it does not list.
       */
      const invoke = async (
        hook: EcsStage,
        weights?: { test?: number; production?: number },
      ): Promise<EcsHookResponse | undefined> => {
        if (!listed.has(hook)) return undefined;
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
        detail: `service deployment of revision :42 (${options.green}), strategy ${strategy.toUpperCase().replace('-', '_')}; blue :41 serves both listeners`,
      });
      emit({
        type: 'step',
        step: '',
        detail: `the service's lifecycle hook lists ${[...listed].join(', ')}`,
      });
      showListeners();
      /** Runs a stage: its line, what changes in the world, then its hook if listed. */
      const at = async (
        name: string,
        detail: string,
        change?: () => void,
        weights?: { test?: number; production?: number },
      ): Promise<RehearsalResult | undefined> => {
        emit({ type: 'step', step: name, detail });
        change?.();
        if (!(ECS_STAGES as readonly string[]).includes(name)) return undefined;
        const response = await invoke(name as EcsStage, weights);
        if (response?.hookStatus === 'FAILED') {
          return rollBack(`${name} hook answered FAILED: ${String(response.hookDetails?.reason)}`);
        }
        return undefined;
      };
      const walk: Array<() => Promise<RehearsalResult | undefined>> = [
        () => at('PRE_SCALE_UP', 'green is not started yet'),
        () => at('SCALE_UP', 'green tasks start on the alternate target group tg-2'),
        () => at('POST_SCALE_UP', 'green is running; no test traffic yet'),
        () =>
          at(
            'TEST_TRAFFIC_SHIFT',
            'the test listener rule moves to green',
            () => {
              const shifted = shiftTestTraffic(options.green, world);
              // Only the exception is news here: the step line already says the rule moves.
              if (options.green === 'misrouted') emit({ type: 'step', step: '', detail: shifted });
              showListeners();
            },
            { test: 100 },
          ),
        () => at('POST_TEST_TRAFFIC_SHIFT', 'the suite runs against green through the test rule'),
      ];
      let before = 0;
      for (const percent of TRAFFIC_STEPS[strategy]) {
        const from = before;
        walk.push(
          () =>
            at(
              'PRE_PRODUCTION_TRAFFIC_SHIFT',
              `green serves ${from} % of production; next step: ${percent} %`,
              undefined,
              { production: from },
            ),
          () =>
            at(
              'PRODUCTION_TRAFFIC_SHIFT',
              percent === 100
                ? 'the production listener rule moves to green'
                : `the production rule splits: green ${percent} %, blue ${100 - percent} %; checks still go through the test rule (green alone)`,
              () => {
                if (percent === 100) world.route('production', 'green');
                else world.split('production', percent);
                showListeners();
                if (from === 0) breakIfAsked(options.green, world);
              },
              { production: percent },
            ),
        );
        if (percent < 100) {
          walk.push(async () => {
            emit({
              type: 'step',
              step: 'step bake',
              detail: `green serves ${percent} % of production for ${STEP_BAKE_MS / 1000} s before the next step`,
            });
            await sleep(STEP_BAKE_MS);
            return undefined;
          });
        }
        before = percent;
      }
      walk.push(() => at('POST_PRODUCTION_TRAFFIC_SHIFT', 'green serves production'));
      for (const step of walk) {
        const ended = await step();
        if (ended) return ended;
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
