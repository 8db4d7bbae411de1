/**
 * Builds a CodeDeploy lifecycle hook Lambda handler. Configuration is read once, at cold start;
 * a bad configuration is logged then and turned into a Failed report on every invocation,
 * because a function that crashes before reporting leaves the deployment hanging for an hour.
 *
 * Every path ends in a report before the deadline (runWithDeadline keeps a safety margin); only a
 * failed report is thrown (Lambda retries), and a duplicate report is logged and accepted.
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { Context } from 'aws-lambda';
import { createCodeDeployClient, createDiscoveryClients } from '../../aws/codeDeployClients';
import { awsSecretReader } from '../../aws/secretReader';
import { traceStep } from '../../aws/tracing';
import { ENV_DEFAULTS } from '../../config/env';
import { createGreenDiscovery, type GreenDiscovery } from '../../discovery/discoverGreen';
import type { AlarmReader } from '../../discovery/readAlarmStates';
import { awsAlarmReader } from '../../discovery/readAlarmStates';
import { awsMetricReader } from '../../discovery/readMetrics';
import { runSmokeSuite, type SuiteResult, type Verdict } from '../../engine/runSmokeSuite';
import { exempt } from '../../engine/verdict';
import { DiscoveryError, describeError, TimeBudgetError } from '../../errors';
import { InvocationMeasure } from '../../logging/invocationMeasure';
import { createLogger, invocationLog, type Log } from '../../logging/logger';
import { type Meter, noMeter } from '../../logging/metrics';
import type { SecretReader } from '../../probe/secrets';
import type { HookName, Suite } from '../../suite/schema';
import { analysisForHook } from '../../suite/selection';
import { type Phase, runWithDeadline, suiteBudgetMs } from '../../time/timeBudget';
import type { MetricClock, MetricReader } from '../../traffic/metricReading';
import { findGreen, greenFromSettings } from './findGreen';
import type { HookCatalog } from './hookCatalog';
import { analysesAt, loadConfiguration, needsDiscovery } from './hookConfiguration';
import { parseHookEvent } from './parseHookEvent';
import { deliverVerdict, type ReportOutcome } from './reportHookStatus';
import { analysisTimeProblem, shiftedAnalysisRunner } from './shiftedAnalysis';
import { catalogSkips, deploymentSkip } from './skipMarker';
import { VerdictMemory } from './verdictMemory';

export type HookContext = Pick<Context, 'getRemainingTimeInMillis'>;

export interface HookInvocationResult {
  readonly status: Verdict;
  readonly report: ReportOutcome;
  readonly reason?: string;
  readonly suite?: SuiteResult;
  /** The verdict was reached by an earlier invocation for the same execution and re-reported. */
  readonly remembered?: true;
}

export interface HookHandlerOptions {
  readonly env?: Readonly<Record<string, string | undefined>>;
  readonly log?: Log;
  readonly codeDeploy?: CodeDeployClient;
  readonly readSecret?: SecretReader;
  /** Reads CloudWatch alarm states for the production watch; CloudWatch unless given. */
  readonly readAlarms?: AlarmReader;
  /** Reads the load balancer's metrics for canary analysis; CloudWatch by default. */
  readonly readMetrics?: MetricReader;
  /** The metrics' clock (epoch ms): the wall clock, unless a rehearsal runs minutes faster. */
  readonly metricClock?: MetricClock;
  /** Reads green from the deployment; built from the SDK clients unless given. */
  readonly discovery?: GreenDiscovery;
  /** Where verdicts go as metrics (the Lambda handlers pass the EMF meter); none unless given. */
  readonly meter?: Meter;
  /** Receives each check result as it lands (the CLI's live timeline). */
  readonly onProgress?: Parameters<typeof runSmokeSuite>[0]['onProgress'];
}

type Judgement = Pick<HookInvocationResult, 'status' | 'reason' | 'suite'>;

export const createHookHandler = (
  hook: HookName,
  load: () => Suite | HookCatalog,
  options: HookHandlerOptions = {},
) => {
  const baseLog = options.log ?? createLogger();
  const meter = options.meter ?? noMeter;
  const config = loadConfiguration(load, options.env);
  if (!config.ok)
    baseLog.error('Cold start: invalid configuration; every invocation will report Failed', {
      hook,
      error: config.error,
    });
  const codeDeploy =
    options.codeDeploy ??
    createCodeDeployClient(
      config.ok ? config.settings.sdk : { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS },
    );
  const safetyMarginMs = config.ok
    ? config.settings.safetyMarginMs
    : ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS;
  const discovery = traceStep(
    'discovery',
    options.discovery ??
      createGreenDiscovery(
        createDiscoveryClients(
          config.ok ? config.settings.sdk : { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS },
          codeDeploy,
        ),
      ),
  );
  const discoveryNeeded = needsDiscovery(config, hook);
  const metricNow = options.metricClock ?? Date.now;
  // A verdict that could not be delivered is re-reported as it was, never recomputed: Lambda
  // retries the invocation, and a second run of the suite could turn Failed into Succeeded.
  const verdicts = new VerdictMemory<Judgement>();

  const judge = async (
    deploymentId: string | undefined,
    problems: readonly string[],
    context: HookContext,
    log: Log,
    measure: InvocationMeasure,
  ): Promise<Judgement> => {
    if (problems.length > 0) return { status: 'Failed', reason: problems.join('; ') };
    if (!config.ok) return { status: 'Failed', reason: config.error };
    const suiteMs = suiteBudgetMs(context.getRemainingTimeInMillis(), safetyMarginMs);
    if (suiteMs === 0) {
      return {
        status: 'Failed',
        reason: `no time for the suite: the Lambda has ${context.getRemainingTimeInMillis()} ms left and keeps ${safetyMarginMs} ms to report; raise the function timeout`,
      };
    }
    // CodeDeploy shifted production to green just before it invoked this hook.
    const shiftedAtMs = metricNow();
    try {
      const { catalog, settings } = config;
      const phase: Phase = { current: 'the start' };
      return await runWithDeadline(
        suiteMs,
        async (signal): Promise<Judgement> => {
          if (deploymentId && catalogSkips(catalog)) {
            phase.current = 'reading the skip marker';
            const skip = await deploymentSkip(codeDeploy, catalog, deploymentId, signal, log);
            if (skip) {
              measure.skipped = true;
              log.warn('Smoke checks skipped by the operator', { why: skip });
              return { status: 'Succeeded', reason: exempt('operator skip marker', skip).reason };
            }
          }
          if (discoveryNeeded) phase.current = 'discovery';
          const green = discoveryNeeded
            ? await measure.timed('Discovery', () =>
                findGreen({
                  discovery,
                  catalog,
                  settings,
                  deploymentId: deploymentId as string,
                  metricTargets: analysesAt(config, hook),
                  signal,
                  log,
                }),
              )
            : greenFromSettings(catalog, settings);
          if (!green.suite) throw new DiscoveryError('no suite was selected for this deployment');
          const selected = green.suite;
          const analysis = analysisForHook(selected, hook);
          const tooShort = analysis && analysisTimeProblem(analysis, suiteMs, options.metricClock);
          if (tooShort) return { status: 'Failed', reason: tooShort };
          phase.current = 'the suite';
          const result = await measure.timed('Suite', () =>
            runSmokeSuite({
              suite: selected,
              hook,
              baseUrl: green.baseUrl,
              ...(green.productionUrl && { productionUrl: green.productionUrl }),
              deploymentAlarms: green.deploymentAlarms,
              budget: signal,
              facts: green.facts,
              readSecret: options.readSecret ?? awsSecretReader,
              readAlarms: options.readAlarms ?? awsAlarmReader,
              ...(analysis && {
                analyse: shiftedAnalysisRunner({
                  analysis,
                  targets: green.metricTargets,
                  read: options.readMetrics ?? awsMetricReader,
                  metricNow,
                  shiftedAtMs,
                  log,
                }),
              }),
              onProgress: (progress) => {
                if (progress.type === 'check') log.info('Smoke check', { ...progress.result });
                options.onProgress?.(progress);
              },
            }),
          );
          measure.checks(result.checks);
          return {
            status: result.verdict,
            ...(result.reason && { reason: result.reason }),
            suite: result,
          };
        },
        undefined,
        phase,
      );
    } catch (error) {
      if (error instanceof DiscoveryError) {
        return { status: 'Failed', reason: `discovery: ${error.message}` };
      }
      if (error instanceof TimeBudgetError) return { status: 'Failed', reason: error.message };
      log.error('Hook crashed; reporting Failed', { deploymentId, error });
      return { status: 'Failed', reason: `hook crashed: ${describeError(error)}` };
    }
  };

  return async (event: unknown, context: HookContext): Promise<HookInvocationResult> => {
    const measure = new InvocationMeasure();
    const { executionId, deploymentId, problems } = parseHookEvent(event);
    // Its own log: work cut off by the hard stop never logs under the next invocation's keys.
    const log = invocationLog(baseLog, context, { deploymentId, hook });
    let verdict: Verdict | undefined;
    try {
      const remembered = verdicts.get(executionId);
      const judgement = remembered ?? (await judge(deploymentId, problems, context, log, measure));
      verdict = judgement.status;
      verdicts.remember(executionId, judgement);
      const { status, reason, suite } = judgement;

      log[status === 'Succeeded' ? 'info' : 'error']('Hook verdict', {
        verdict: status,
        ...(reason && { reason }),
        ...(suite && { suite: suite.suite, checks: suite.checks.length }),
        ...(remembered && { remembered: true }),
        durationMs: Math.round(measure.elapsedMs()),
      });

      const report = await deliverVerdict(
        codeDeploy,
        { deploymentId, executionId, status },
        context.getRemainingTimeInMillis(),
        log,
      );
      return {
        status,
        report,
        ...(reason && { reason }),
        ...(suite && { suite }),
        ...(remembered && { remembered: true as const }),
      };
    } finally {
      log.close();
      // After the report: a metric never delays the answer.
      if (verdict)
        meter.verdict({ controller: 'CodeDeploy', step: hook, outcome: verdict, measure });
    }
  };
};
