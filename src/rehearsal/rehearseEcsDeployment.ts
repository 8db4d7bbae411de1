/**
 * Rehearses an ECS native blue/green deployment on loopback: the same world as the CodeDeploy
 * rehearsal (harness.ts), walked through ECS's lifecycle stages. At each stage the service lists
 * the real ECS hook handler is invoked as ECS invokes it (ecsInvoker.ts); FAILED rolls back, and
 * on rollback the hooks of TEST_TRAFFIC_SHIFT and PRODUCTION_TRAFFIC_SHIFT are invoked again
 * with green's weight at 0.
 *
 * The service lists, in its lifecycleHooks, the stages at which the suite selects something
 * (a stage that selects nothing would answer FAILED). Under LINEAR and CANARY the production
 * rule splits traffic between blue and green at each step, and PRE_PRODUCTION_TRAFFIC_SHIFT and
 * PRODUCTION_TRAFFIC_SHIFT run at every step, each with that step's weights.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createEcsHookHandler } from '../controllers/ecs/createEcsHookHandler';
import { cloudWatchMetricReader } from '../discovery/readMetrics';
import type { CheckResult } from '../engine/checkResult';
import { scaledClock } from '../local/scaledClock';
import { startUserTraffic } from '../local/userTraffic';
import type { Log } from '../logging/logger';
import { ECS_STAGES, type EcsStage, type Suite } from '../suite/schema';
import { selectedItems } from '../suite/selection';
import {
  analysisTimeline,
  METRIC_TIME_SCALE,
  REHEARSAL_ANALYSIS,
  USER_PATHS,
} from './analysisTimeline';
import { ecsInvoker } from './ecsInvoker';
import { ALARM_NAME, breakIfAsked, shiftTestTraffic } from './greenModes';
import {
  type Rehearsal,
  type RehearsalOptions,
  type RehearsalResult,
  runRehearsal,
  waitOutWithAlarm,
} from './harness';

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

export const rehearseEcsDeployment = (
  options: RehearsalOptions & { readonly strategy?: EcsStrategy },
): Promise<RehearsalResult> => {
  const strategy = options.strategy ?? 'blue-green';
  const metricClock = scaledClock(METRIC_TIME_SCALE);
  return runRehearsal({ ...options, metricClock }, async (r) => {
    // Real users through the production listener for the whole walk: the load balancer's
    // metrics count what they got, from blue and, at each traffic step, from green.
    const users = startUserTraffic(r.world.production.url, 8, USER_PATHS);
    try {
      return await walkEcs(options, strategy, metricClock, r);
    } finally {
      await users.stop();
    }
  });
};

const walkEcs = async (
  options: RehearsalOptions,
  strategy: EcsStrategy,
  metricClock: () => number,
  { world, emit, showListeners, finish, rollBack: backToBlue }: Rehearsal,
): Promise<RehearsalResult> => {
  // The rehearsal's overall readiness budget is short, so a hanging green ends in seconds;
  // LINEAR and CANARY steps are judged by canary analysis (the suite's, or the rehearsal's).
  const suite: Suite = {
    ...options.suite,
    ecs: { ...options.suite.ecs, overallBudgetMs: options.hookTimeoutMs },
    ...(strategy !== 'blue-green' && {
      analysis: options.suite.analysis ?? REHEARSAL_ANALYSIS,
    }),
  };
  // The stages the service's lifecycleHooks list: those where the suite selects something.
  const listed = new Set(ECS_STAGES.filter((s) => selectedItems(suite, s).length > 0));
  const deployment = world.world.startServiceDeployment();
  let stage: EcsStage = 'PRE_SCALE_UP';
  // The handler's check lines become the rehearsal's timeline (pass or fail alike).
  const showCheck = (message: string, ...extra: object[]) => {
    if (message !== 'Smoke check') return;
    const result = Object.assign({}, ...extra) as CheckResult;
    emit({ type: 'suite', hook: stage, progress: { type: 'check', result } });
  };
  const showAnalysis = analysisTimeline(emit);
  const log: Log = {
    info: (message, ...extra) => {
      showCheck(message, ...extra);
      showAnalysis(message, ...extra);
    },
    warn: () => {},
    error: showCheck,
  };
  const invoke = ecsInvoker({
    world,
    deploymentArn: deployment.arn,
    listed,
    handler: createEcsHookHandler(() => suite, {
      log,
      metricClock,
      readMetrics: cloudWatchMetricReader(),
    }),
    hookTimeoutMs: options.hookTimeoutMs,
    emit,
    onStage: (s) => {
      stage = s;
    },
  });
  const rollBack = async (reason: string): Promise<RehearsalResult> => {
    deployment.status = 'ROLLBACK_IN_PROGRESS';
    emit({
      type: 'step',
      step: 'Rollback',
      detail: 'ECS invokes the traffic-shift hooks again with green at weight 0',
    });
    await invoke('TEST_TRAFFIC_SHIFT', { test: 0 });
    await invoke('PRODUCTION_TRAFFIC_SHIFT', { production: 0 });
    deployment.status = 'ROLLBACK_SUCCESSFUL';
    return backToBlue(reason);
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
};
