/**
 * Rehearses a whole ECS blue/green deployment on loopback, with no AWS account: a blue (v1) and
 * a green (v2) sample app, a production and a test listener (switchable proxies), and local
 * CodeDeploy, ELBv2 and ECS endpoints describing them (src/local/loopbackDeployment.ts). The
 * hooks get no listener URL: they discover green from the deployment, as deployed. It walks CodeDeploy's ECS lifecycle in order and invokes the project's
 * real handlers as CodeDeploy would: hook event in, status report out through the AWS SDK; and,
 * with `alarm`, an alarm notification at the alarm handler during the wait before blue ends.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createAlarmHandler } from '../alarm/createAlarmHandler';
import { createHookHandler } from '../controllers/codedeploy/createHookHandler';
import type { SuiteProgress } from '../engine/runSmokeSuite';
import { LoopbackDeployment } from '../local/loopbackDeployment';
import type { SampleAppOptions } from '../local/sampleApp';
import { silentLog } from '../logging/logger';
import type { HookName, Suite } from '../suite/schema';

export const GREEN_BEHAVIOURS = [
  'healthy',
  'broken',
  'slow-start',
  'hang',
  // The test listener is left on blue: the routing proof must catch it.
  'misrouted',
  // Green answers healthy but runs the old version: the suite's image-tag check must catch it.
  'wrong-version',
  // Healthy, but 3x blue's latency: the comparison with blue must catch it.
  'slow',
  // Healthy to a few checks, but 5 % of its answers are errors: the sampled check must catch it.
  'flaky',
  // Healthy until production moves to it, then 500s: the production watch must catch it.
  'breaks-after-shift',
] as const;
export type GreenBehaviour = (typeof GREEN_BEHAVIOURS)[number];

export const ALARM_NAME = 'sample-website-rehearsal-target-5xx';

/** Blue's latency in the rehearsal; a healthy green answers as fast. */
export const BLUE_LATENCY_MS = 20;

/** How the green sample app behaves for each rehearsal mode. */
export const greenApp = (green: GreenBehaviour, startupMs: number): Partial<SampleAppOptions> => {
  const latencyMs = BLUE_LATENCY_MS;
  switch (green) {
    case 'misrouted':
      return { latencyMs };
    case 'wrong-version':
      return { version: 'v1', latencyMs };
    case 'slow':
      return { latencyMs: 3 * BLUE_LATENCY_MS };
    case 'flaky':
      return { behaviour: 'errors-5pct', latencyMs };
    case 'breaks-after-shift':
      return { latencyMs };
    default:
      return { behaviour: green, startupMs, latencyMs };
  }
};

/**
 * Moves the test listener to green, except for `--green misrouted`, whose rule is left on blue
 * (the routing proof must catch it). Returns what happened, for the timeline.
 */
export const shiftTestTraffic = (green: GreenBehaviour, world: LoopbackDeployment): string => {
  if (green === 'misrouted') {
    return 'the test listener rule was not switched: it still forwards to tg-1 (blue)';
  }
  world.route('test', 'green');
  return 'test listener now routes to green';
};

/** `--green breaks-after-shift`: healthy until production moves to it, then it answers 500. */
export const breakIfAsked = (green: GreenBehaviour, world: LoopbackDeployment): void => {
  if (green === 'breaks-after-shift') {
    setTimeout(() => world.greenApp.setBehaviour('broken'), 500).unref();
  }
};

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

export const rehearseDeployment = async (options: RehearsalOptions): Promise<RehearsalResult> => {
  const started = performance.now();
  const emit = options.onEvent;
  const world = await LoopbackDeployment.start({
    blue: { latencyMs: BLUE_LATENCY_MS },
    green: greenApp(options.green, options.slowStartMs),
  });
  const { codeDeploy: endpoint, production, test } = world;
  const group = world.world.group;
  try {
    return await withEnvironment(world.awsEnv(), async () => {
      const deploymentId = world.startDeployment();
      emit({
        type: 'step',
        step: 'Start',
        detail: `deployment ${deploymentId}: blue v1 (task definition :41) serves both listeners`,
      });
      const showListeners = () =>
        emit({ type: 'listeners', production: production.target.label, test: test.target.label });
      showListeners();

      const finish = (outcome: RehearsalResult['outcome'], reason?: string): RehearsalResult => ({
        outcome,
        ...(reason && { reason }),
        production: production.target.label,
        durationMs: performance.now() - started,
      });
      const rollBack = (reason: string): RehearsalResult => {
        world.route('production', 'blue');
        world.route('test', 'blue');
        const deployment = endpoint.deployments.get(deploymentId);
        if (deployment && deployment.status !== 'Stopped') deployment.status = 'Failed';
        emit({ type: 'rollback', reason });
        showListeners();
        return finish('rolled-back', reason);
      };

      emit({
        type: 'step',
        step: 'Install',
        detail: `green task set v2 (task definition :42, ${options.green}) registered on tg-2`,
      });
      emit({
        type: 'step',
        step: 'AllowTestTraffic',
        detail: shiftTestTraffic(options.green, world),
      });
      showListeners();

      /** Invokes a hook Lambda as CodeDeploy does; the reason it failed, or undefined. */
      const runHook = async (hook: HookName): Promise<string | undefined> => {
        emit({
          type: 'step',
          step: hook,
          detail: `invoking the ${hook} hook Lambda (deadline ${options.hookTimeoutMs / 1000} s); it finds green from the deployment`,
        });
        const handler = createHookHandler(hook, () => options.suite, {
          env: {
            CODEDEPLOY_APPLICATION_NAME: group.applicationName,
            CODEDEPLOY_DEPLOYMENT_GROUP_NAME: group.deploymentGroupName,
            HOOK_SAFETY_MARGIN_MS: String(options.safetyMarginMs),
          },
          log: silentLog,
          onProgress: (progress) => emit({ type: 'suite', hook, progress }),
        });
        const executionId = randomUUID();
        const deadline = Date.now() + options.hookTimeoutMs;
        let reason: string | undefined;
        try {
          const result = await handler(
            { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
            { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) },
          );
          reason = result.reason;
        } catch {
          // What CodeDeploy received is what counts, read below.
        }
        const status = endpoint.hookStatuses.get(executionId) ?? 'no report';
        const failed = status === 'Succeeded' ? undefined : `${hook} hook reported ${status}`;
        const why = failed && (reason ? `${failed}: ${reason}` : failed);
        emit({ type: 'hook-reported', hook, status, ...(why && { reason: why }) });
        return why;
      };

      for (const hook of ['AfterAllowTestTraffic', 'BeforeAllowTraffic'] as const) {
        const failed = await runHook(hook);
        if (failed) return rollBack(failed);
      }

      world.route('production', 'green');
      emit({
        type: 'step',
        step: 'AllowTraffic',
        detail: 'production listener now routes to green',
      });
      showListeners();
      breakIfAsked(options.green, world);
      const watchFailed = await runHook('AfterAllowTraffic');
      if (watchFailed) return rollBack(watchFailed);

      emit({
        type: 'step',
        step: 'Wait',
        detail: `blue keeps running for ${options.terminationWaitMs / 1000} s before it ends`,
      });
      const stopped = await waitOutWithAlarm(
        options,
        {
          CODEDEPLOY_APPLICATION_NAME: group.applicationName,
          CODEDEPLOY_DEPLOYMENT_GROUP_NAME: group.deploymentGroupName,
        },
        () => endpoint.deployments.get(deploymentId)?.status === 'Stopped',
      );
      if (stopped)
        return rollBack(`deployment stopped by the alarm rollback Lambda (${ALARM_NAME})`);

      world.blueApp.setBehaviour('hang');
      const deployment = endpoint.deployments.get(deploymentId);
      if (deployment) deployment.status = 'Succeeded';
      emit({
        type: 'step',
        step: 'End',
        detail: 'blue task set v1 terminated; deployment Succeeded',
      });
      return finish('succeeded');
    });
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
