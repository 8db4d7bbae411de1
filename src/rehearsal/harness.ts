/**
 * What both rehearsals share: the loopback world with blue and green behind their listeners,
 * the SDK pointed at its local endpoints, the timeline's events, the end of a walk (succeeded or
 * rolled back, production where it ended), and the wait before blue ends with an optional
 * alarm. The CodeDeploy walk (rehearseDeployment.ts) and the ECS walk (rehearseEcsDeployment.ts)
 * differ only in their lifecycle.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createAlarmHandler } from '../alarm/createAlarmHandler';
import type { SuiteProgress } from '../engine/runSmokeSuite';
import { LoopbackDeployment } from '../local/loopbackDeployment';
import { silentLog } from '../logging/logger';
import type { HookName, Suite } from '../suite/schema';
import { ALARM_NAME, BLUE_LATENCY_MS, type GreenBehaviour, greenApp } from './greenModes';

export interface RehearsalOptions {
  readonly suite: Suite;
  readonly green: GreenBehaviour;
  readonly alarm: boolean;
  /** The hook Lambdas' timeout in the rehearsal (the deployed one is longer). */
  readonly hookTimeoutMs: number;
  readonly safetyMarginMs: number;
  /** The wait before the blue task set ends (an hour by default in AWS, seconds here). */
  readonly terminationWaitMs: number;
  /** How long a slow-start green answers 503 after it starts. */
  readonly slowStartMs: number;
  readonly onEvent: (event: RehearsalEvent) => void;
  /** The load balancer metrics' clock (scaledClock: minutes pass in seconds). */
  readonly metricClock?: () => number;
}

export type RehearsalEvent =
  | { readonly type: 'step'; readonly step: string; readonly detail: string }
  | { readonly type: 'listeners'; readonly production: string; readonly test: string }
  | { readonly type: 'suite'; readonly hook: HookName; readonly progress: SuiteProgress }
  | {
      readonly type: 'hook-reported';
      readonly hook: HookName;
      /** CodeDeploy: Succeeded | Failed; ECS: SUCCEEDED | FAILED | IN_PROGRESS. */
      readonly status: string;
      readonly reason?: string;
    }
  | { readonly type: 'waiting'; readonly remainingMs: number }
  | { readonly type: 'rollback'; readonly reason: string };

export interface RehearsalResult {
  readonly outcome: 'succeeded' | 'rolled-back';
  readonly reason?: string;
  /** Which version the production listener serves at the end. */
  readonly production: string;
  readonly durationMs: number;
}

/** One walk's world and timeline. */
export interface Rehearsal {
  readonly world: LoopbackDeployment;
  readonly emit: (event: RehearsalEvent) => void;
  /** Prints where each listener sends its requests now. */
  showListeners(): void;
  /** The walk's result, production where it is now. */
  finish(outcome: RehearsalResult['outcome'], reason?: string): RehearsalResult;
  /** Both listeners back on blue, said on the timeline: the end of a failed walk. */
  rollBack(reason: string): RehearsalResult;
}

/** The SDK finds the local endpoints the way a deployed function finds AWS: in its environment. */
export const withEnvironment = async <T>(
  vars: Record<string, string>,
  work: () => Promise<T>,
): Promise<T> => {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  try {
    return await work();
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
};

/** Starts the world, runs `walk` with the SDK pointed at it, and always stops the world. */
export const runRehearsal = async (
  options: RehearsalOptions,
  walk: (r: Rehearsal) => Promise<RehearsalResult>,
): Promise<RehearsalResult> => {
  const started = performance.now();
  const world = await LoopbackDeployment.start({
    blue: { latencyMs: BLUE_LATENCY_MS },
    green: greenApp(options.green, options.slowStartMs),
    ...(options.metricClock && { metricClock: options.metricClock }),
  });
  const emit = options.onEvent;
  const showListeners = () =>
    emit({
      type: 'listeners',
      production: world.production.routeLabel,
      test: world.test.routeLabel,
    });
  const finish = (outcome: RehearsalResult['outcome'], reason?: string): RehearsalResult => ({
    outcome,
    ...(reason && { reason }),
    production: world.production.routeLabel,
    durationMs: performance.now() - started,
  });
  const rollBack = (reason: string): RehearsalResult => {
    world.route('production', 'blue');
    world.route('test', 'blue');
    emit({ type: 'rollback', reason });
    showListeners();
    return finish('rolled-back', reason);
  };
  try {
    return await withEnvironment(world.awsEnv(), () =>
      walk({ world, emit, showListeners, finish, rollBack }),
    );
  } finally {
    await world.stop();
  }
};

/**
 * The wait before blue ends (CodeDeploy's termination wait, ECS's bake time). With `alarm`, an
 * alarm fires half-way and the real alarm handler is notified; returns whether `stopped()` became
 * true (the deployment was stopped), as soon as it does.
 */
export const waitOutWithAlarm = async (
  options: Pick<RehearsalOptions, 'alarm' | 'terminationWaitMs' | 'onEvent'>,
  alarmEnv: Record<string, string>,
  stopped: () => boolean,
): Promise<boolean> => {
  const alarmAt = performance.now() + options.terminationWaitMs / 2;
  const waitEnds = performance.now() + options.terminationWaitMs;
  let alarmFired = false;
  while (performance.now() < waitEnds) {
    if (options.alarm && !alarmFired && performance.now() >= alarmAt) {
      alarmFired = true;
      options.onEvent({
        type: 'step',
        step: 'Alarm',
        detail: `${ALARM_NAME} went OK -> ALARM; notifying the alarm rollback Lambda`,
      });
      await createAlarmHandler({ env: alarmEnv, log: silentLog })(alarmNotification(ALARM_NAME));
    }
    if (stopped()) return true;
    options.onEvent({ type: 'waiting', remainingMs: waitEnds - performance.now() });
    await sleep(100);
  }
  return false;
};

/** What SNS delivers when an alarm goes to ALARM (the alarm as a JSON string in the message). */
export const alarmNotification = (alarmName: string) => ({
  Records: [
    {
      EventSource: 'aws:sns',
      Sns: {
        Message: JSON.stringify({
          AlarmName: alarmName,
          NewStateValue: 'ALARM',
          OldStateValue: 'OK',
          NewStateReason:
            'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
          StateChangeTime: new Date().toISOString(),
        }),
      },
    },
  ],
});
