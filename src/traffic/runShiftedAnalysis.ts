/**
 * Canary analysis inside one CodeDeploy AfterAllowTraffic invocation (all at once: green took
 * every production request at the shift, so blue's baseline is its minutes before it). CodeDeploy
 * invokes a hook once, so this waits in place, next to the production watch: one GetMetricData
 * read per look, a look every `callBackDelaySeconds` once `minMinutes` can be settled, until the
 * verdict is conclusive, `maxWaitMs` has passed or the hook's budget aborts. Inconclusive is a
 * failure, never a pass.
 */

import type { CheckResult } from '../engine/checkResult';
import { AccessDeniedError } from '../errors';
import type { AnalysisSettings } from '../suite/analysis';
import { ANALYSIS_NAME } from '../suite/itemNames';
import type { SideTarget } from './albMetricQueries';
import { analyseWindow, analysisStats, baselineWindow, type WindowAnalysis } from './canaryWindow';
import type { MetricClock, MetricReader } from './metricReading';

const MINUTE_MS = 60_000;

export interface ShiftedAnalysisContext {
  readonly read: MetricReader;
  /** Green's and blue's target groups behind their load balancer; undefined when not found. */
  readonly sides: { readonly green: SideTarget; readonly blue: SideTarget } | undefined;
  readonly settings: AnalysisSettings;
  /** When production shifted to green, on the metrics' clock (the hook's start). */
  readonly shiftedAtMs: number;
  /** The metrics' clock: the wall clock, unless a rehearsal runs minutes faster. */
  readonly metricNow: MetricClock;
  /** The hook's time budget: ends the wait (inconclusive, so failed). */
  readonly budget: AbortSignal;
  /** Another item of the suite failed: the verdict is decided, the wait is pointless. */
  readonly failFast: AbortSignal;
  readonly onLook?: (look: WindowAnalysis, reads: number) => void;
}

/** The earliest time `minMinutes` whole minutes after the shift can be settled. */
export const firstLookAt = (shiftedAtMs: number, s: AnalysisSettings): number =>
  Math.ceil(shiftedAtMs / MINUTE_MS) * MINUTE_MS + s.minMinutes * MINUTE_MS + s.settleMs;

/** How long the analysis needs at least, from the shift: what the function's timeout must allow. */
export const shiftedAnalysisMinMs = (s: AnalysisSettings): number =>
  (s.minMinutes + 1) * MINUTE_MS + s.settleMs;

/**
 * Sleeps until the metrics' clock reads `atMs` (a rehearsal's runs `factor` times faster), in
 * steps of at most a second, so a clock that drifts is followed. False when aborted first.
 */
const waitUntil = async (metricNow: MetricClock, atMs: number, signal: AbortSignal) => {
  const factor = metricNow.factor ?? 1;
  while (!signal.aborted && metricNow() < atMs) {
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, Math.min(1_000, Math.ceil((atMs - metricNow()) / factor)));
      function done() {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      // No `once`: done() removes the listener whichever of the two wakes it.
      signal.addEventListener('abort', done);
    });
  }
  return !signal.aborted;
};

/** The analysis as one of the suite's results; `reason` is given for a failure only. */
const analysisResult = (
  passed: boolean,
  reason: string | undefined,
  look?: WindowAnalysis,
): CheckResult => ({
  name: ANALYSIS_NAME,
  method: 'GetMetricData',
  path: 'AWS/ApplicationELB',
  passed,
  attempts: 0,
  requestHeaders: {},
  ...(reason !== undefined && { reason }),
  ...(look && {
    analysis: analysisStats(look),
  }),
});

/** An analysis that could not be made: the error names what stopped it (a denied read, say). */
export const analysisFailure = (error: Error): CheckResult =>
  analysisResult(false, `${ANALYSIS_NAME}: ${error.message}`);

export const runShiftedAnalysis = async (ctx: ShiftedAnalysisContext): Promise<CheckResult> => {
  const { settings: s, sides } = ctx;
  if (!sides) {
    return analysisResult(
      false,
      `${ANALYSIS_NAME}: the ECS service's task sets name no pair of target groups (green's, from the appspec's task definition, and blue's), so there are no load balancer metrics to compare`,
    );
  }
  const since = ctx.shiftedAtMs;
  const giveUpAt = since + s.maxWaitMs;
  let lookAt = Math.min(firstLookAt(since, s), giveUpAt);
  let reads = 0;
  let last: WindowAnalysis | undefined;
  let readError: Error | undefined;
  const signal = AbortSignal.any([ctx.budget, ctx.failFast]);
  while (await waitUntil(ctx.metricNow, lookAt, signal)) {
    const nowMs = ctx.metricNow();
    let look: WindowAnalysis | undefined;
    try {
      look = await analyseWindow({
        read: ctx.read,
        green: sides.green,
        blue: sides.blue,
        window: { startMs: since, endMs: nowMs },
        blueWindow: baselineWindow(since, s),
        settings: s,
        nowMs,
        signal,
      });
      readError = undefined;
    } catch (error) {
      if (signal.aborted) break;
      // A denied read stays denied; a timeout or an outage may pass before the next look, and
      // CodeDeploy will not invoke this hook again to try.
      if (error instanceof AccessDeniedError) {
        return analysisFailure(error);
      }
      readError = error as Error;
    }
    if (look) {
      last = look;
      reads++;
      ctx.onLook?.(look, reads);
      if (look.verdict === 'pass') return analysisResult(true, undefined, look);
      if (look.verdict === 'fail') return analysisResult(false, look.summary, look);
    }
    if (nowMs >= giveUpAt) break;
    // The last look is at maxWaitMs itself, so the whole wait is used.
    lookAt = Math.min(giveUpAt, nowMs + s.callBackDelaySeconds * 1_000);
  }
  const waited = Math.round((ctx.metricNow() - since) / 1_000);
  if (ctx.failFast.aborted) {
    return analysisResult(
      false,
      `${ANALYSIS_NAME}: stopped after ${waited} s, another item failed`,
    );
  }
  const why = ctx.budget.aborted
    ? `the hook's time ran out after ${waited} s (raise afterAllowTraffic's timeout, at most 900 s, or lower analysis.minMinutes)`
    : `still inconclusive after ${waited} s (analysis.maxWaitMs ${s.maxWaitMs / 1000} s)`;
  const seen = last?.summary ?? `${ANALYSIS_NAME}: no look was made`;
  const failedRead = readError ? `; the last read failed: ${readError.message}` : '';
  return analysisResult(
    false,
    `${seen}${failedRead}; ${why}, and too little traffic is never a pass`,
    last,
  );
};
