/**
 * Rehearses a whole ECS blue/green deployment run by CodeDeploy on loopback, with no AWS
 * account (the world and its timeline: harness.ts). The hooks get no listener URL: they discover
 * green from the deployment, as deployed. It walks CodeDeploy's ECS lifecycle in order and invokes
 * the project's real handlers as CodeDeploy would: hook event in, status report out through the
 * AWS SDK; and, with `alarm`, an alarm notification at the alarm handler during the wait before
 * blue ends. Users browse the production listener for the whole walk, so AfterAllowTraffic's
 * canary analysis compares green's minutes after the shift with blue's before it (the suite's
 * analysis, or the rehearsal's), on a clock where a minute passes every second.
 */
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createHookHandler } from '../controllers/codedeploy/createHookHandler';
import { cloudWatchMetricReader } from '../discovery/readMetrics';
import { scaledClock } from '../local/scaledClock';
import { startUserTraffic } from '../local/userTraffic';
import type { Log } from '../logging/logger';
import type { HookName, Suite } from '../suite/schema';
import { shiftedAnalysisMinMs } from '../traffic/runShiftedAnalysis';
import {
  analysisTimeline,
  METRIC_TIME_SCALE,
  REHEARSAL_ANALYSIS,
  USER_PATHS,
} from './analysisTimeline';
import { ALARM_NAME, breakIfAsked, shiftTestTraffic } from './greenModes';
import {
  type Rehearsal,
  type RehearsalOptions,
  type RehearsalResult,
  runRehearsal,
  waitOutWithAlarm,
} from './harness';

export { GREEN_BEHAVIOURS, type GreenBehaviour } from './greenModes';
export type { RehearsalEvent, RehearsalOptions, RehearsalResult } from './harness';

export const rehearseDeployment = (options: RehearsalOptions): Promise<RehearsalResult> => {
  const metricClock = scaledClock(METRIC_TIME_SCALE);
  const suite: Suite = {
    ...options.suite,
    analysis: options.suite.analysis ?? REHEARSAL_ANALYSIS,
  };
  return runRehearsal({ ...options, metricClock }, async (r) => {
    // Real users on the production listener for the whole walk: blue's minutes before the shift
    // are the analysis's baseline, green's after it are judged.
    const users = startUserTraffic(r.world.production.url, 8, USER_PATHS);
    try {
      return await walk({ ...options, suite }, metricClock, r);
    } finally {
      await users.stop();
    }
  });
};

const walk = async (
  options: RehearsalOptions,
  metricClock: ReturnType<typeof scaledClock>,
  { world, emit, showListeners, finish, rollBack }: Rehearsal,
): Promise<RehearsalResult> => {
  const walkStarted = metricClock();
  const endpoint = world.codeDeploy;
  const group = world.world.group;
  const showAnalysis = analysisTimeline(emit);
  const log: Log = { info: showAnalysis, warn: () => {}, error: () => {} };
  const deploymentId = world.startDeployment();
  const fail = (reason: string): RehearsalResult => {
    const deployment = endpoint.deployments.get(deploymentId);
    if (deployment && deployment.status !== 'Stopped') deployment.status = 'Failed';
    return rollBack(reason);
  };
  emit({
    type: 'step',
    step: 'Start',
    detail: `deployment ${deploymentId}: blue v1 (task definition :41) serves both listeners`,
  });
  showListeners();
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
      log,
      metricClock,
      readMetrics: cloudWatchMetricReader(),
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
    if (failed) return fail(failed);
  }

  // Blue's baseline: as many whole minutes of users as the analysis needs of green.
  const analysis = options.suite.analysis;
  if (analysis) {
    const baselineEnds = walkStarted + shiftedAnalysisMinMs(analysis);
    while (metricClock() < baselineEnds) await sleep(50);
    emit({
      type: 'step',
      step: '',
      detail: `blue has served users for ${Math.floor((metricClock() - walkStarted) / 60_000)} minutes (rehearsal clock, 60x): the canary analysis's baseline`,
    });
  }
  world.route('production', 'green');
  emit({ type: 'step', step: 'AllowTraffic', detail: 'production listener now routes to green' });
  showListeners();
  breakIfAsked(options.green, world);
  const watchFailed = await runHook('AfterAllowTraffic');
  if (watchFailed) return fail(watchFailed);

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
  if (stopped) return fail(`deployment stopped by the alarm rollback Lambda (${ALARM_NAME})`);

  world.blueApp.setBehaviour('hang');
  const deployment = endpoint.deployments.get(deploymentId);
  if (deployment) deployment.status = 'Succeeded';
  emit({
    type: 'step',
    step: 'End',
    detail: 'blue task set v1 terminated; deployment Succeeded',
  });
  return finish('succeeded');
};
