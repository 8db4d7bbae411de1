/**
 * The smoke suite engine shared by the hook Lambdas and the CLI: secrets, readiness gate, then
 * the hook's checks with bounded concurrency. Transient failures are retried with backoff;
 * the first definite failure decides the verdict at once and cancels the checks still running.
 * Everything stops when `budget` aborts.
 */

import { createProber } from '../probe/httpProbe';
import { noSecretReader, type ResolvedHeaders, type SecretReader } from '../probe/secrets';
import { type Facts, NO_FACTS } from '../suite/facts';
import type { HookName, Suite } from '../suite/schema';
import {
  ANALYSIS_NAME,
  analysisForHook,
  checksForHook,
  comparisonsForHook,
  sampledForHook,
  WATCH_NAME,
  watchForHook,
} from '../suite/selection';
import type { AlarmReader } from '../traffic/alarmReading';
import { runComparison } from '../traffic/runComparison';
import { runProductionWatch, watchContextOf } from '../traffic/runProductionWatch';
import { runSampledCheck } from '../traffic/runSampledCheck';
import { analysisFailure } from '../traffic/runShiftedAnalysis';
import { mapWithConcurrency } from './pacing';
import { type GateProgress, type ReadinessResult, runReadinessGate } from './readinessGate';
import { type CheckResult, runCheck, skippedCheck } from './runCheck';
import { resolveSuiteHeaders, type SuiteHeaders } from './suiteHeaders';
import { decide, type VerdictStatus } from './verdict';

export { backoffDelay } from './pacing';
export type { ReadinessResult } from './readinessGate';
export type { CheckResult } from './runCheck';

export type Verdict = VerdictStatus;

export interface SuiteResult {
  readonly suite: string;
  readonly hook: HookName;
  readonly baseUrl: string;
  readonly verdict: Verdict;
  /** The first reason for a Failed verdict. */
  readonly reason?: string;
  readonly readiness?: ReadinessResult;
  readonly checks: readonly CheckResult[];
  readonly durationMs: number;
}

export type SuiteProgress = GateProgress | { readonly type: 'check'; readonly result: CheckResult };

export interface SuiteRunOptions {
  readonly suite: Suite;
  readonly hook: HookName;
  /** Base URL of the listener under test, without a trailing slash. */
  readonly baseUrl: string;
  /** Aborts when the time budget is spent. */
  readonly budget: AbortSignal;
  /** Reads the suite's secret header values (the controllers hand in the AWS reader). */
  readonly readSecret?: SecretReader;
  readonly onProgress?: (event: SuiteProgress) => void;
  /** Connection reuse between probes; on unless measuring the alternative. */
  readonly keepAlive?: boolean;
  /** Facts of the deployment under test, for `{{…}}` in expectations. */
  readonly facts?: Facts;
  /** Stop the readiness gate after this many transient answers (ECS: ask again later). */
  readonly gateAttempts?: number;
  /** Blue: the production listener, for comparisons (and green's, for the production watch). */
  readonly productionUrl?: string;
  /**
   * Run the suite's production watch after the checks, at the stages that have one (the whole
   * window: AfterAllowTraffic). The ECS adapter watches in slices with runWatchSlice instead.
   */
  readonly watchProduction?: boolean;
  /** Reads alarm states for the watch; CloudWatch by default. */
  readonly readAlarms?: AlarmReader;
  /** The deployment's own alarms, for `watch.deploymentAlarms`. */
  readonly deploymentAlarms?: readonly string[];
  /**
   * Sent with every request to green unless the check sets the header (Service Connect's test
   * header: without it a request reaches blue), and never with a request to blue.
   */
  readonly greenHeaders?: Readonly<Record<string, string>>;
  /**
   * Runs the suite's canary analysis at the stages that have one (AfterAllowTraffic), from the
   * end of the readiness gate, next to the checks and the watch. `false`: the caller analyses on
   * its own (the ECS adapter, one look per invocation). Absent where the stage selects one: the
   * analysis is not judged, so the verdict fails.
   */
  readonly analyse?: AnalysisRunner | false;
}

export type AnalysisRunner = (signals: {
  readonly budget: AbortSignal;
  readonly failFast: AbortSignal;
}) => Promise<CheckResult>;

/** Runs the hook's checks of `suite` against `baseUrl` and decides the verdict. */
export const runSmokeSuite = async (options: SuiteRunOptions): Promise<SuiteResult> => {
  const { suite, hook, baseUrl, budget, onProgress } = options;
  const started = performance.now();
  const checks = checksForHook(suite, hook);
  const sampled = sampledForHook(suite, hook);
  const comparisons = comparisonsForHook(suite, hook);
  const watch = options.watchProduction === false ? undefined : watchForHook(suite, hook);
  const analysis = options.analyse === false ? undefined : analysisForHook(suite, hook);
  const finish = (fields: Partial<SuiteResult> & Pick<SuiteResult, 'verdict' | 'checks'>) => ({
    suite: suite.name,
    hook,
    baseUrl,
    durationMs: performance.now() - started,
    ...fields,
  });

  let headers: SuiteHeaders;
  try {
    headers = await resolveSuiteHeaders({
      suite,
      checks,
      sampled,
      comparisons,
      watch,
      readSecret: options.readSecret ?? noSecretReader,
      budget,
      greenHeaders: options.greenHeaders,
    });
  } catch (error) {
    return finish({ verdict: 'Failed', reason: (error as Error).message, checks: [] });
  }
  const green = options.greenHeaders;

  const prober = createProber(suite.tls, { keepAlive: options.keepAlive ?? true });
  const failFast = new AbortController();
  try {
    let readiness: ReadinessResult | undefined;
    if (suite.readiness) {
      readiness = await runReadinessGate(
        {
          prober,
          url: baseUrl + suite.readiness.path,
          headers: headers.readiness.values,
          timeoutMs: suite.timeoutMs,
          budget,
          ...(options.gateAttempts !== undefined && { maxAttempts: options.gateAttempts }),
        },
        suite.readiness,
        onProgress,
      );
      if (!readiness.passed) {
        return finish({ verdict: 'Failed', reason: readiness.reason, readiness, checks: [] });
      }
    }

    // Analysis reads the minutes since the shift: it starts now and runs beside the rest.
    const analysed =
      analysis && options.analyse
        ? options
            .analyse({ budget, failFast: failFast.signal })
            .catch((error: Error) => analysisFailure(error))
        : undefined;
    const facts = options.facts ?? NO_FACTS;
    const ctx = { prober, suite, baseUrl, budget, failFast: failFast.signal, facts };
    const results = await mapWithConcurrency(checks, suite.concurrency, async (check) => {
      if (failFast.signal.aborted) return skippedCheck(check);
      const result = await runCheck(ctx, check, headers.checks.get(check) as ResolvedHeaders);
      if (!result.passed && !failFast.signal.aborted) failFast.abort();
      onProgress?.({ type: 'check', result });
      return result;
    });
    // Sampled checks run after the checks pass, one at a time: their load is the measurement.
    for (const check of sampled) {
      if (failFast.signal.aborted) break;
      const result = await runSampledCheck(
        { prober, baseUrl, budget, failFast: failFast.signal, defaultTimeoutMs: suite.timeoutMs },
        check,
        headers.sampled.get(check) as ResolvedHeaders,
      );
      if (!result.passed) failFast.abort();
      onProgress?.({ type: 'check', result });
      results.push(result);
    }
    for (const check of comparisons) {
      if (failFast.signal.aborted) break;
      const result = await runComparison(
        {
          prober,
          baseUrl,
          ...(options.productionUrl && { productionUrl: options.productionUrl }),
          budget,
          failFast: failFast.signal,
          defaultTimeoutMs: suite.timeoutMs,
          ...(green && { greenHeaders: green }),
        },
        check,
        headers.compare.get(check) as ResolvedHeaders,
      );
      if (!result.passed) failFast.abort();
      onProgress?.({ type: 'check', result });
      results.push(result);
    }
    if (watch && !failFast.signal.aborted) {
      const { result } = await runProductionWatch(
        watchContextOf(prober, suite, options),
        watch,
        headers.watch,
      );
      if (!result.passed) failFast.abort();
      onProgress?.({ type: 'check', result });
      results.push(result);
    }
    if (analysed) {
      // Last to finish: nothing runs after it for a failure to stop.
      const result = await analysed;
      onProgress?.({ type: 'check', result });
      results.push(result);
    }
    // The single verdict: a pass only when every selected item was judged and passed.
    const selected = [
      ...[...checks, ...sampled, ...comparisons].map((c) => c.name),
      ...(watch ? [WATCH_NAME] : []),
      ...(analysis ? [ANALYSIS_NAME] : []),
    ];
    const verdict = decide(selected, results, hook);
    return finish({
      verdict: verdict.status,
      ...(verdict.status === 'Failed' && { reason: verdict.reason }),
      ...(readiness && { readiness }),
      checks: results,
    });
  } finally {
    // Nothing outlives the suite: an analysis still waiting stops here.
    failFast.abort();
    prober.close();
  }
};
