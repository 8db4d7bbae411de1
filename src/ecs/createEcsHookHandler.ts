/**
 * Builds the ECS native blue/green lifecycle hook handler: the same suites and engine as the
 * CodeDeploy hooks, answered the way ECS wants, `{ hookStatus, callBackDelay?, hookDetails? }`.
 *
 * It never throws and never returns an invalid status: a thrown error or a bad status makes ECS
 * roll back with a poor message, so every path (malformed event, bad configuration, crash,
 * spent budget) is a FAILED with its reason in hookDetails and the log. A rollback
 * re-invocation (green's weight 0) and a stage the suite does not list return SUCCEEDED at once.
 */

import type { Context } from 'aws-lambda';
import { createEcsReadClients, type EcsReadClients } from '../aws/clients';
import { ENV_DEFAULTS, type HookSettings, readHookSettings } from '../config/env';
import { createEcsGreenDiscovery, type EcsGreenDiscovery } from '../discovery/discoverEcsGreen';
import type { AlarmReader } from '../discovery/readAlarmStates';
import { DiscoveryError, describeError } from '../errors';
import { attachLambdaContext, createLogger, type Log } from '../logging/logger';
import { parseBaseUrl } from '../smoke/baseUrl';
import type { WatchProgress } from '../smoke/runProductionWatch';
import { runSmokeSuite } from '../smoke/runSmokeSuite';
import {
  checksForHook,
  comparisonsForHook,
  type Suite,
  sampledForHook,
  type WatchSettings,
  watchForHook,
} from '../smoke/schema';
import type { SecretReader } from '../smoke/secrets';
import { withDeadline } from '../time/deadline';
import { type EcsHookResponse, failed, RETURN_MARGIN_MS } from './hookResponse';
import { type EcsHookEvent, parseEcsHookEvent } from './parseEcsHookEvent';
import { budgetSpent, readinessStateOf } from './readinessState';
import { createServiceDeploymentReads } from './serviceDeployment';
import { answerWatchSlice } from './watchStage';
import { watchProgressOf } from './watchState';

export type { EcsHookResponse, HookStatus } from './hookResponse';

export interface EcsHookHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly clients?: EcsReadClients;
  readonly discovery?: EcsGreenDiscovery;
  readonly now?: () => Date;
  /** Reads CloudWatch alarm states for the production watch; CloudWatch unless given. */
  readonly readAlarms?: AlarmReader;
  /** Reads the suite's secrets; SSM and Secrets Manager unless given. */
  readonly readSecret?: SecretReader;
}

const ROLLBACK_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** At a rollback ECS invokes these stages again with green's weight at 0. */
const isRollbackInvocation = (event: EcsHookEvent): boolean => {
  if (!ROLLBACK_STAGES.has(event.lifecycleStage)) return false;
  const d = event.executionDetails;
  const weights =
    event.lifecycleStage === 'TEST_TRAFFIC_SHIFT'
      ? d.testTrafficWeights
      : d.productionTrafficWeights;
  return weights?.[d.targetServiceRevisionArn] === 0;
};

export const createEcsHookHandler = (load: () => Suite, options: EcsHookHandlerOptions = {}) => {
  const log = options.log ?? createLogger();
  const now = options.now ?? (() => new Date());
  let suite: Suite | undefined;
  let settings: HookSettings | undefined;
  let configError: string | undefined;
  try {
    settings = readHookSettings(options.env);
    suite = load();
  } catch (error) {
    configError = `Invalid configuration, fix it and redeploy. ${(error as Error).message}`;
    log.error('Cold start: invalid configuration; every invocation will answer FAILED', { error });
  }
  const clients =
    options.clients ??
    createEcsReadClients(settings?.sdk ?? { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS });
  const discovery = options.discovery ?? createEcsGreenDiscovery(clients);

  const serviceDeployment = createServiceDeploymentReads(clients);

  const judge = async (
    event: EcsHookEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<EcsHookResponse> => {
    if (configError || !suite || !settings) return failed(configError ?? 'no configuration');
    const stage = event.lifecycleStage;
    const watch = watchForHook(suite, stage);
    const selected =
      checksForHook(suite, stage).length +
      sampledForHook(suite, stage).length +
      comparisonsForHook(suite, stage).length +
      (watch ? 1 : 0);
    if (selected === 0) {
      log.info('No checks for this stage in the suite: SUCCEEDED', { stage });
      return { hookStatus: 'SUCCEEDED' };
    }
    if (isRollbackInvocation(event)) {
      log.info('Rollback re-invocation (green weight 0): SUCCEEDED, never blocking a rollback', {
        stage,
      });
      return { hookStatus: 'SUCCEEDED' };
    }
    const budgetMs = Math.max(0, Math.floor(context.getRemainingTimeInMillis() - RETURN_MARGIN_MS));
    if (budgetMs === 0) return failed('no time left for the suite: raise the function timeout');
    const state = readinessStateOf(event.hookDetails, suite.ecs.overallBudgetMs, now());
    const testUrl = event.hookDetails?.testUrl;
    const override =
      typeof testUrl === 'string' ? parseBaseUrl(testUrl, 'hookDetails.testUrl') : undefined;
    if (override && !override.ok) return failed(override.problem);
    const overrideUrl = override?.url ?? settings.testListenerUrl;
    const activeSuite = suite;
    const watching = watch && watchProgressOf(event.hookDetails);
    const deadlineAt = performance.now() + budgetMs;

    return withDeadline(budgetMs, undefined, async ({ signal }) => {
      if (
        activeSuite.ecs.skipOnServiceCreation &&
        (await serviceDeployment.isServiceCreation(event.resourceArn, signal))
      ) {
        log.info('First deployment of the service, and the suite skips it: SUCCEEDED', { stage });
        return { hookStatus: 'SUCCEEDED' } satisfies EcsHookResponse;
      }
      const green = await discovery({
        serviceDeploymentArn: event.resourceArn,
        targetServiceRevisionArn: event.executionDetails.targetServiceRevisionArn,
        stage,
        routingProof: settings?.routingProof ?? true,
        ...(overrideUrl && { overrideUrl }),
        signal,
      });
      log.info('Green discovered', {
        baseUrl: green.baseUrl,
        ...(green.routing && { routing: green.routing }),
      });
      // The checks run once, in the first invocation; later ones carry on watching.
      const watchSlice = async (progress?: WatchProgress) =>
        answerWatchSlice({
          suite: activeSuite,
          watch: watch as WatchSettings,
          ...(progress && { progress }),
          ...(green.productionUrl && { productionUrl: green.productionUrl }),
          deploymentAlarms: watch?.deploymentAlarms
            ? await serviceDeployment.alarmNames(event.resourceArn, signal)
            : [],
          ...(options.readAlarms && { readAlarms: options.readAlarms }),
          ...(options.readSecret && { readSecret: options.readSecret }),
          deadlineAt,
          signal,
          now,
          log,
        });
      if (watch && watching) return watchSlice(watching);
      const result = await runSmokeSuite({
        suite: activeSuite,
        hook: stage,
        baseUrl: green.baseUrl,
        ...(green.productionUrl && { productionUrl: green.productionUrl }),
        budget: signal,
        facts: green.facts,
        ...(options.readSecret && { readSecret: options.readSecret }),
        // One probe per invocation: a green that is still starting is asked again later.
        gateAttempts: 1,
        ...(green.testHeader && {
          defaultHeaders: { [green.testHeader.name]: green.testHeader.value },
        }),
        watchProduction: false,
        onProgress: (p) => {
          if (p.type === 'check') log.info('Smoke check', { ...p.result });
        },
      });
      if (result.verdict === 'Succeeded') {
        if (watch) return watchSlice();
        return { hookStatus: 'SUCCEEDED' } satisfies EcsHookResponse;
      }
      if (result.readiness?.waiting) {
        const attempts = state.readinessAttempts + 1;
        if (budgetSpent(state, now())) {
          return failed(
            `green never became ready within ${Math.round(state.overallBudgetMs / 1000)} s (${attempts} invocations; ${result.reason})`,
          );
        }
        return {
          hookStatus: 'IN_PROGRESS',
          callBackDelay: activeSuite.ecs.callBackDelaySeconds,
          hookDetails: {
            readinessAttempts: attempts,
            firstSeenAt: state.firstSeenAt,
            overallBudgetMs: state.overallBudgetMs,
          },
        } satisfies EcsHookResponse;
      }
      return failed(result.reason ?? 'the suite failed');
    });
  };

  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<EcsHookResponse> => {
    attachLambdaContext(log, context);
    const started = performance.now();
    let response: EcsHookResponse;
    try {
      const parsed = parseEcsHookEvent(event);
      if (!parsed.ok) {
        response = failed(parsed.reason);
      } else {
        log.appendKeys?.({
          serviceDeployment: parsed.event.resourceArn,
          stage: parsed.event.lifecycleStage,
          executionId: parsed.event.executionId,
        });
        response = await judge(parsed.event, context);
      }
    } catch (error) {
      response =
        error instanceof DiscoveryError
          ? failed(`discovery: ${error.message}`)
          : failed(`hook crashed: ${describeError(error)}`);
      if (!(error instanceof DiscoveryError))
        log.error('Hook crashed; answering FAILED', { error });
    }
    log[response.hookStatus === 'FAILED' ? 'error' : 'info']('Hook verdict', {
      hookStatus: response.hookStatus,
      ...(response.hookDetails && { hookDetails: response.hookDetails }),
      durationMs: Math.round(performance.now() - started),
    });
    log.resetKeys?.();
    return response;
  };
};
