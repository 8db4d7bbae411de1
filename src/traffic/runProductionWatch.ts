/**
 * The production watch: once green serves production, sample the production listener at a low
 * rate for a window, and fail as soon as a sustained failure shows (N failures in a row, or an
 * error rate over the last M requests), which makes the controller roll back at once instead of
 * waiting minutes for an alarm's periods. A clean window passes.
 *
 * The window may be watched in slices (ECS: one slice per invocation, IN_PROGRESS in between):
 * a slice starts from the progress the last one ended with, so the streak and the sliding window
 * carry over. The window counts as watched only for the time a slice watched (see coveredMs), and
 * it ends with a final look made after its end. A clean window passes; nothing else does.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { statusMatches } from '../engine/assertions';
import type { CheckResult } from '../engine/checkResult';
import type { Prober } from '../probe/httpProbe';
import type { ResolvedHeaders } from '../probe/secrets';
import type { WatchSettings } from '../suite/schema';
import { WATCH_NAME } from '../suite/selection';
import type { AlarmReader } from './alarmReading';
import { paceRequests, percent, Tally, templateRequest, templateResult } from './sampling';
import { pollAlarms, readAlarmsOnce } from './watchAlarms';

export interface WatchContext {
  readonly prober: Prober;
  readonly productionUrl?: string;
  readonly budget: AbortSignal;
  readonly defaultTimeoutMs: number;
  /** Reads alarm states, for `watch.alarms` and `watch.deploymentAlarms`. */
  readonly readAlarms?: AlarmReader;
  /** The deployment's own alarms (its group's or service's), for `watch.deploymentAlarms`. */
  readonly deploymentAlarms?: readonly string[];
}

/** What a suite run or a slice knows, as the watch's context (the alarm reader: CloudWatch's). */
export const watchContextOf = (
  prober: Prober,
  suite: { readonly timeoutMs: number },
  o: {
    readonly productionUrl?: string | undefined;
    readonly budget: AbortSignal;
    readonly readAlarms?: AlarmReader | undefined;
    readonly deploymentAlarms?: readonly string[] | undefined;
  },
): WatchContext => ({
  prober,
  ...(o.productionUrl && { productionUrl: o.productionUrl }),
  budget: o.budget,
  defaultTimeoutMs: suite.timeoutMs,
  ...(o.readAlarms && { readAlarms: o.readAlarms }),
  ...(o.deploymentAlarms && { deploymentAlarms: o.deploymentAlarms }),
});

/** The alarms a watch checks: its own list, and the deployment's when it asks for them. */
export const watchedAlarms = (watch: WatchSettings, deploymentAlarms: readonly string[] = []) => [
  ...new Set([...watch.alarms, ...(watch.deploymentAlarms ? deploymentAlarms : [])]),
];

/** Where a watch stands between slices. */
export interface WatchProgress {
  /** When the window started (epoch ms, wall clock: slices run in different processes). */
  readonly startedAt: number;
  readonly samples: number;
  readonly errors: number;
  readonly consecutive: number;
  /** The last `slidingWindow` outcomes, oldest first; true is a good answer. */
  readonly recent: readonly boolean[];
  /**
   * Milliseconds of the window actually watched: the union of the slices. The window is over
   * when this reaches windowMs, so a long pause between slices (ECS documents no minimum
   * callBackDelay) extends the window instead of counting as watched.
   */
  readonly coveredMs: number;
  /** When the last slice ended (epoch ms), to measure the gap before the next. */
  readonly lastSliceEndedAt?: number;
  /** The longest pause between two slices so far (ms): reported, and made up for. */
  readonly longestGapMs: number;
}

export interface WatchSlice {
  /** Where to pick up; a new window when absent. */
  readonly progress?: WatchProgress;
  /** Watch at most this long now (the rest of the window by default). */
  readonly maxSliceMs?: number;
  readonly now?: () => number;
}

export interface WatchOutcome {
  readonly result: CheckResult;
  readonly progress: WatchProgress;
  /**
   * The window is over: watched in full and ended with the final look (passed), or failed.
   * A passing result with windowOver false is progress, never a verdict.
   */
  readonly windowOver: boolean;
}

export const newWatchProgress = (now: number): WatchProgress => ({
  startedAt: now,
  samples: 0,
  errors: 0,
  consecutive: 0,
  recent: [],
  coveredMs: 0,
  longestGapMs: 0,
});

export const runProductionWatch = async (
  ctx: WatchContext,
  watch: WatchSettings,
  headers: ResolvedHeaders,
  slice: WatchSlice = {},
): Promise<WatchOutcome> => {
  const now = slice.now ?? Date.now;
  const start = slice.progress ?? newWatchProgress(now());
  const base = templateResult(WATCH_NAME, watch, headers);
  const productionUrl = ctx.productionUrl;
  const names = watchedAlarms(watch, ctx.deploymentAlarms);
  const readAlarms = ctx.readAlarms;
  const refuse = (reason: string): WatchOutcome => ({
    result: { ...base, passed: false, attempts: 0, reason },
    progress: start,
    windowOver: true,
  });
  if (names.length > 0 && !readAlarms) return refuse('production watch: no alarm reader');
  if (!productionUrl) {
    return refuse(
      'production watch: no production URL (discovery gives it, or the productionListenerUrl param)',
    );
  }
  const sliceStartedAt = now();
  const gapMs =
    start.lastSliceEndedAt === undefined ? 0 : Math.max(0, sliceStartedAt - start.lastSliceEndedAt);
  const leftMs = Math.max(0, watch.windowMs - start.coveredMs);
  const sliceMs = Math.max(0, Math.min(leftMs, slice.maxSliceMs ?? leftMs));
  const tally = await Tally.create();
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.budget, stop.signal]);
  const planned = Math.floor((watch.ratePerSecond * sliceMs) / 1000);
  const recent = [...start.recent];
  let consecutive = start.consecutive;
  let failure: string | undefined;
  // What the last failed request got; a failure carried in `progress` happened in an earlier slice.
  let last = 'in an earlier slice';
  const sliceStarted = performance.now();
  const sampled = new AbortController();
  const alarmCheck =
    names.length > 0 && readAlarms && sliceMs > 0
      ? pollAlarms(
          readAlarms,
          names,
          watch.alarmIntervalMs,
          AbortSignal.any([signal, sampled.signal]),
        ).then((reason) => {
          if (reason && !failure) {
            failure = reason;
            stop.abort();
          }
        })
      : Promise.resolve();
  let index = start.samples;
  const probe = async (final: boolean) => {
    const outcome = await ctx.prober.probe(
      templateRequest(watch, productionUrl, index++, headers, ctx.defaultTimeoutMs),
      signal,
    );
    if (outcome.kind === 'error' && outcome.budgetExhausted) return;
    tally.record(outcome, watch.expect.status);
    const ok =
      outcome.kind === 'response' && statusMatches(watch.expect.status, outcome.response.status);
    if (!ok)
      last = outcome.kind === 'response' ? `status ${outcome.response.status}` : outcome.reason;
    consecutive = ok ? 0 : consecutive + 1;
    recent.push(ok);
    if (recent.length > watch.expect.slidingWindow) recent.shift();
    const errors = recent.filter((r) => !r).length;
    const after = `${((now() - start.startedAt) / 1000).toFixed(1)} s into the window`;
    if (failure) return;
    if (final && !ok) {
      failure = `production watch: the final look at the window's end failed (${last})`;
    } else if (consecutive >= watch.expect.maxConsecutiveFailures) {
      failure = `production watch: ${consecutive} failures in a row (last: ${last}), ${after}`;
    } else if (
      recent.length >= watch.expect.slidingWindow &&
      errors / recent.length > watch.expect.maxErrorRate
    ) {
      failure = `production watch: error rate ${percent(errors / recent.length)} over the last ${recent.length} requests (last: ${last}), ${after}`;
    }
    if (failure) stop.abort();
  };
  await paceRequests({ planned, ratePerSecond: watch.ratePerSecond, concurrency: 2 }, signal, () =>
    probe(false),
  );
  // The slice lasts its length even when its last request came back early (or it had none): a
  // window is covered by time watched, never by time credited.
  // (A loop: a timer may fire a little early by the high-resolution clock.)
  for (
    let rest = sliceMs - (performance.now() - sliceStarted);
    rest > 0 && !signal.aborted;
    rest = sliceMs - (performance.now() - sliceStarted)
  ) {
    await sleep(Math.ceil(rest), undefined, { signal }).catch(() => {});
  }
  sampled.abort();
  await alarmCheck;
  const coveredMs = start.coveredMs + Math.min(sliceMs, performance.now() - sliceStarted);
  const covered = coveredMs >= watch.windowMs;
  // The window ends with a final look made at or after its end: a probe round (one request per
  // path) and an alarm read, so no pass rests on a sample taken before the window closed.
  if (covered && !failure && !ctx.budget.aborted) {
    for (let i = 0; i < watch.paths.length && !failure && !signal.aborted; i++) await probe(true);
    if (!failure && readAlarms && names.length > 0) {
      failure = await readAlarmsOnce(readAlarms, names, signal);
    }
  }
  const stats = tally.finish(planned, performance.now() - sliceStarted);
  const progress: WatchProgress = {
    startedAt: start.startedAt,
    samples: start.samples + stats.samples,
    errors: start.errors + stats.errors,
    consecutive,
    recent,
    coveredMs,
    lastSliceEndedAt: now(),
    longestGapMs: Math.max(start.longestGapMs, gapMs),
  };
  const result = { ...base, attempts: stats.samples, sample: stats };
  if (failure) {
    return { result: { ...result, passed: false, reason: failure }, progress, windowOver: true };
  }
  if (ctx.budget.aborted) {
    return {
      result: {
        ...result,
        passed: false,
        reason: `production watch: the time budget ran out ${progress.samples} requests into a ${watch.windowMs / 1000} s window; raise the function timeout or shorten watch.windowMs`,
      },
      progress,
      windowOver: true,
    };
  }
  return { result: { ...result, passed: true }, progress, windowOver: covered };
};
