/**
 * Rehearses a whole ECS blue/green deployment run by CodeDeploy on loopback, with no AWS
 * account (the world and its timeline: harness.ts). The hooks get no listener URL: they discover
 * green from the deployment, as deployed. It walks CodeDeploy's ECS lifecycle in order and invokes
 * the project's real handlers as CodeDeploy would: hook event in, status report out through the
 * AWS SDK; and, with `alarm`, an alarm notification at the alarm handler during the wait before
 * blue ends.
 */
import { randomUUID } from 'node:crypto';
import { createHookHandler } from '../controllers/codedeploy/createHookHandler';
import { silentLog } from '../logging/logger';
import type { HookName } from '../suite/schema';
import { ALARM_NAME, breakIfAsked, shiftTestTraffic } from './greenModes';
import {
  type RehearsalOptions,
  type RehearsalResult,
  runRehearsal,
  waitOutWithAlarm,
} from './harness';

export { GREEN_BEHAVIOURS, type GreenBehaviour } from './greenModes';
export type { RehearsalEvent, RehearsalOptions, RehearsalResult } from './harness';

export const rehearseDeployment = (options: RehearsalOptions): Promise<RehearsalResult> =>
  runRehearsal(options, async ({ world, emit, showListeners, finish, rollBack }) => {
    const endpoint = world.codeDeploy;
    const group = world.world.group;
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
      if (failed) return fail(failed);
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
  });
