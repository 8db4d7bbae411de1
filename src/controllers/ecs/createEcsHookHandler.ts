/**
 * Builds the ECS native blue/green lifecycle hook handler: the same suites and engine as the
 * CodeDeploy hooks, answered the way ECS wants, `{ hookStatus, callBackDelay?, hookDetails? }`.
 *
 * It never throws and never returns an invalid status: a thrown error or a bad status makes ECS
 * roll back with a poor message, so every path (malformed event, bad configuration, crash,
 * spent budget) is a FAILED with its reason in hookDetails and the log. The work runs under the
 * same hard stop as the CodeDeploy hooks: work that ignores its abort signal cannot keep the
 * answer past the Lambda deadline. Only a rollback re-invocation (green's weight 0) answers
 * SUCCEEDED without judging green, at once.
 */

import type { Context } from 'aws-lambda';
import { createEcsReadClients, type EcsReadClients } from '../../aws/clients';
import { awsSecretReader } from '../../aws/secretReader';
import { traceStep } from '../../aws/tracing';
import { ENV_DEFAULTS, type HookSettings, readHookSettings } from '../../config/env';
import { createEcsGreenDiscovery, type EcsGreenDiscovery } from '../../discovery/discoverEcsGreen';
import type { AlarmReader } from '../../discovery/readAlarmStates';
import { awsAlarmReader } from '../../discovery/readAlarmStates';
import { awsMetricReader } from '../../discovery/readMetrics';
import { exempt } from '../../engine/verdict';
import { DiscoveryError, describeError, TimeBudgetError } from '../../errors';
import { InvocationMeasure } from '../../logging/invocationMeasure';
import { createLogger, invocationLog, type Log } from '../../logging/logger';
import { type Meter, noMeter } from '../../logging/metrics';
import { parseBaseUrl } from '../../probe/baseUrl';
import type { SecretReader } from '../../probe/secrets';
import type { Suite } from '../../suite/schema';
import { analysisForHook, selectedItems, watchForHook } from '../../suite/selection';
import { type Phase, runWithDeadline } from '../../time/timeBudget';
import type { MetricReader } from '../../traffic/metricReading';
import { answerOf, type EcsHookResponse, failed, RETURN_MARGIN_MS } from './hookResponse';
import { judgeStage, nothingSelectedReason } from './judgeStage';
import { type EcsHookEvent, parseEcsHookEvent } from './parseEcsHookEvent';
import { createServiceDeploymentReads } from './serviceDeployment';
import { bindingOf, stepStateOf } from './stepState';

export type { EcsHookResponse, HookStatus } from './hookResponse';

export interface EcsHookHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly clients?: EcsReadClients;
  readonly discovery?: EcsGreenDiscovery;
  readonly now?: () => Date;
  /** Reads CloudWatch alarm states for the production watch; CloudWatch unless given. */
  readonly readAlarms?: AlarmReader;
  /** Reads the load balancer's metrics for canary analysis; CloudWatch by default. */
  readonly readMetrics?: MetricReader;
  /** The metrics' clock (epoch ms): the wall clock, unless a rehearsal runs minutes faster. */
  readonly metricClock?: () => number;
  /** Reads the suite's secrets; SSM and Secrets Manager unless given. */
  readonly readSecret?: SecretReader;
  /** Where verdicts go as metrics (the Lambda handler passes the EMF meter); none unless given. */
  readonly meter?: Meter;
  /** Time the hard stop gives work that ignores its abort signal (ms). */
  readonly graceMs?: number;
}

const ROLLBACK_STAGES = new Set(['TEST_TRAFFIC_SHIFT', 'PRODUCTION_TRAFFIC_SHIFT']);

/** At a rollback ECS invokes these stages again with green's weight at 0. */
export const isRollbackInvocation = (event: EcsHookEvent): boolean => {
  if (!ROLLBACK_STAGES.has(event.lifecycleStage)) return false;
  const d = event.executionDetails;
  const weights =
    event.lifecycleStage === 'TEST_TRAFFIC_SHIFT'
      ? d.testTrafficWeights
      : d.productionTrafficWeights;
  return weights?.[d.targetServiceRevisionArn] === 0;
};

/** Lambda's longest timeout: the most one invocation can add between two callbacks. */
const LAMBDA_MAX_MS = 900_000;

/**
 * The oldest a step's carried state can honestly be: the readiness budget and the watch window,
 * plus room for the pauses between invocations (a callback delay and an invocation each way).
 * Older, it belongs to something else and the step starts over; a readiness state past its
 * budget but within this is judged (FAILED), never restarted.
 */
export const maxStateAgeMs = (suite: Suite, event: EcsHookEvent): number => {
  const analysis = analysisForHook(suite, event.lifecycleStage);
  const delays = [
    suite.ecs.callBackDelaySeconds,
    suite.ecs.watchCallBackDelaySeconds,
    analysis?.callBackDelaySeconds ?? 0,
  ];
  return (
    suite.ecs.overallBudgetMs +
    (watchForHook(suite, event.lifecycleStage)?.windowMs ?? 0) +
    // An analysis that waited its whole maxWaitMs must still be judged (FAILED), not restarted.
    (analysis?.maxWaitMs ?? 0) +
    2 * Math.max(...delays) * 1000 +
    LAMBDA_MAX_MS
  );
};

export const createEcsHookHandler = (load: () => Suite, options: EcsHookHandlerOptions = {}) => {
  const baseLog = options.log ?? createLogger();
  const meter = options.meter ?? noMeter;
  const now = options.now ?? (() => new Date());
  let suite: Suite | undefined;
  let settings: HookSettings | undefined;
  let configError: string | undefined;
  try {
    settings = readHookSettings(options.env);
    suite = load();
  } catch (error) {
    configError = `Invalid configuration, fix it and redeploy. ${(error as Error).message}`;
    baseLog.error('Cold start: invalid configuration; every invocation will answer FAILED', {
      error,
    });
  }
  const clients =
    options.clients ??
    createEcsReadClients(settings?.sdk ?? { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS });
  const discovery = traceStep('discovery', options.discovery ?? createEcsGreenDiscovery(clients));
  const serviceDeployment = createServiceDeploymentReads(clients);

  const judge = async (
    event: EcsHookEvent,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
    log: Log,
    measure: InvocationMeasure,
  ): Promise<EcsHookResponse> => {
    const stage = event.lifecycleStage;
    // Before anything else, even a configuration error: a rollback must never wait on, or be
    // blocked by, this hook.
    if (isRollbackInvocation(event)) {
      log.info('Rollback re-invocation (green weight 0): SUCCEEDED, never blocking a rollback', {
        stage,
      });
      return answerOf(exempt('rollback re-invocation', "green's weight is 0"));
    }
    if (configError || !suite || !settings) return failed(configError ?? 'no configuration');
    if (selectedItems(suite, stage).length === 0) return failed(nothingSelectedReason(stage));
    const budgetMs = Math.max(0, Math.floor(context.getRemainingTimeInMillis() - RETURN_MARGIN_MS));
    if (budgetMs === 0) return failed('no time left for the suite: raise the function timeout');
    const testUrl = event.hookDetails?.testUrl;
    const override =
      typeof testUrl === 'string' ? parseBaseUrl(testUrl, 'hookDetails.testUrl') : undefined;
    if (override && !override.ok) return failed(override.problem);
    const reading = stepStateOf(
      event.hookDetails,
      bindingOf(event),
      now().getTime(),
      maxStateAgeMs(suite, event),
    );
    if (reading.discarded) {
      log.warn('Carried hookDetails state not taken up; this step starts over', {
        why: reading.discarded,
      });
    }
    const phase: Phase = { current: 'the start' };
    const grace = options.graceMs ?? 250;
    const j = {
      suite,
      settings,
      discovery,
      serviceDeployment,
      // The AWS readers unless a test or the rehearsal hands in its own.
      readAlarms: options.readAlarms ?? awsAlarmReader,
      readMetrics: options.readMetrics ?? awsMetricReader,
      metricNow: options.metricClock ?? Date.now,
      readSecret: options.readSecret ?? awsSecretReader,
      now,
      log,
      phase,
      measure,
      deadlineAt: performance.now() + budgetMs,
    };
    return runWithDeadline(
      Math.max(1, budgetMs - grace),
      (signal) =>
        judgeStage(j, event, reading.state, override?.url ?? settings?.testListenerUrl, signal),
      grace,
      phase,
    );
  };

  return async (
    event: unknown,
    context: Pick<Context, 'getRemainingTimeInMillis'>,
  ): Promise<EcsHookResponse> => {
    const measure = new InvocationMeasure();
    let response: EcsHookResponse;
    let stage = 'unreadable event';
    let log = invocationLog(baseLog, context, {});
    try {
      const parsed = parseEcsHookEvent(event);
      if (!parsed.ok) {
        response = failed(parsed.reason);
      } else {
        log = invocationLog(baseLog, context, {
          serviceDeployment: parsed.event.resourceArn,
          stage: parsed.event.lifecycleStage,
          executionId: parsed.event.executionId,
        });
        stage = parsed.event.lifecycleStage;
        response = await judge(parsed.event, context, log, measure);
      }
    } catch (error) {
      if (error instanceof DiscoveryError) response = failed(`discovery: ${error.message}`);
      else if (error instanceof TimeBudgetError) response = failed(error.message);
      else {
        response = failed(`hook crashed: ${describeError(error)}`);
        log.error('Hook crashed; answering FAILED', { error });
      }
    }
    log[response.hookStatus === 'FAILED' ? 'error' : 'info']('Hook verdict', {
      hookStatus: response.hookStatus,
      ...(response.hookDetails && { hookDetails: response.hookDetails }),
      durationMs: Math.round(measure.elapsedMs()),
    });
    log.close();
    meter.verdict({ controller: 'ECS', step: stage, outcome: response.hookStatus, measure });
    return response;
  };
};
