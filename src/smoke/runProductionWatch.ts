/**
 * The production watch: once green serves production, sample the production listener at a low
 * rate for a window, and fail as soon as a sustained failure shows (N failures in a row, or an
 * error rate over the last M requests), which makes the controller roll back at once instead of
 * waiting minutes for an alarm's periods. A clean window passes.
 *
 * The window may be watched in slices (ECS: one slice per invocation, IN_PROGRESS in between):
 * a slice starts from the progress the last one ended with, so the streak and the sliding window
 * carry over, and the window is measured on the wall clock from its start.
 */

import { setTimeout as sleep } from 'node:timers/promises';
import { type AlarmReader, type AlarmReading, awsAlarmReader } from '../discovery/readAlarmStates';
import { statusMatches } from './assertions';
import type { Prober } from './httpProbe';
import type { CheckResult } from './runCheck';
import { paceRequests, percent, Tally, templateRequest, templateResult } from './sampling';
import type { WatchSettings } from './schema';
import type { ResolvedHeaders } from './secrets';

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
  readAlarms: o.readAlarms ?? awsAlarmReader,
  ...(o.deploymentAlarms && { deploymentAlarms: o.deploymentAlarms }),
});

/** The alarms a watch checks: its own list, and the deployment's when it asks for them. */
export const watchedAlarms = (watch: WatchSettings, deploymentAlarms: readonly string[] = []) => [
  ...new Set([...watch.alarms, ...(watch.deploymentAlarms ? deploymentAlarms : [])]),
];

/** Polls the alarms until `signal` aborts; resolves with the first reason to fail, if any. */
const watchAlarms = async (
  read: AlarmReader,
  names: readonly string[],
  intervalMs: number,
  signal: AbortSignal,
): Promise<string | undefined> => {
  while (!signal.aborted) {
    let reading: AlarmReading;
    try {
      reading = await read(names, signal);
    } catch (error) {
      return signal.aborted ? undefined : `production watch: ${(error as Error).message}`;
    }
    const firing = reading.firing[0];
    if (firing) {
      return `production watch: alarm ${firing.name} is in ALARM${firing.reason ? ` (${firing.reason})` : ''}`;
    }
    if (reading.missing.length > 0) {
      return `production watch: no CloudWatch alarm is named ${reading.missing.join(', ')} in this account and region; fix watch.alarms (or the deployment's alarm configuration)`;
    }
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return undefined;
    }
  }
  return undefined;
};

/** Where a watch stands between slices. */
export interface WatchProgress {
  /** When the window started (epoch ms, wall clock: slices run in different processes). */
  readonly startedAt: number;
  readonly samples: number;
  readonly errors: number;
  readonly consecutive: number;
  /** The last `slidingWindow` outcomes, oldest first; true is a good answer. */
  readonly recent: readonly boolean[];
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
  /** The window is over: a passing result is the final verdict. */
  readonly windowOver: boolean;
}

export const newWatchProgress = (now: number): WatchProgress => ({
  startedAt: now,
  samples: 0,
  errors: 0,
  consecutive: 0,
  recent: [],
});

export const runProductionWatch = async (
  ctx: WatchContext,
  watch: WatchSettings,
  headers: ResolvedHeaders,
  slice: WatchSlice = {},
): Promise<WatchOutcome> => {
  const now = slice.now ?? Date.now;
  const start = slice.progress ?? newWatchProgress(now());
  const base = templateResult('production watch', watch, headers);
  const productionUrl = ctx.productionUrl;
  if (watchedAlarms(watch, ctx.deploymentAlarms).length > 0 && !ctx.readAlarms) {
    return {
      result: { ...base, passed: false, attempts: 0, reason: 'production watch: no alarm reader' },
      progress: start,
      windowOver: true,
    };
  }
  if (!productionUrl) {
    return {
      result: {
        ...base,
        passed: false,
        attempts: 0,
        reason: 'production watch: no production URL (discovery gives it)',
      },
      progress: start,
      windowOver: true,
    };
  }
  // A new window is whole (a millisecond gone by would cost it its last request).
  const leftMs = slice.progress ? start.startedAt + watch.windowMs - now() : watch.windowMs;
  const sliceMs = Math.max(0, Math.min(leftMs, slice.maxSliceMs ?? leftMs));
  const tally = await Tally.create();
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.budget, stop.signal]);
  const planned = Math.floor((watch.ratePerSecond * sliceMs) / 1000);
  const recent = [...start.recent];
  let consecutive = start.consecutive;
  let failure: string | undefined;
  let last = '';
  const sliceStarted = performance.now();
  const names = watchedAlarms(watch, ctx.deploymentAlarms);
  const sampled = new AbortController();
  const alarmCheck =
    names.length > 0 && ctx.readAlarms && sliceMs > 0
      ? watchAlarms(
          ctx.readAlarms,
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
  await paceRequests(
    { planned, ratePerSecond: watch.ratePerSecond, concurrency: 2 },
    signal,
    async (i) => {
      const outcome = await ctx.prober.probe(
        templateRequest(watch, productionUrl, start.samples + i, headers, ctx.defaultTimeoutMs),
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
      if (!failure && consecutive >= watch.expect.maxConsecutiveFailures) {
        failure = `production watch: ${consecutive} failures in a row (last: ${last}), ${after}`;
      } else if (
        !failure &&
        recent.length >= watch.expect.slidingWindow &&
        errors / recent.length > watch.expect.maxErrorRate
      ) {
        failure = `production watch: error rate ${percent(errors / recent.length)} over the last ${recent.length} requests (last: ${last}), ${after}`;
      }
      if (failure) stop.abort();
    },
  );
  sampled.abort();
  await alarmCheck;
  const stats = tally.finish(planned, performance.now() - sliceStarted);
  const progress: WatchProgress = {
    startedAt: start.startedAt,
    samples: start.samples + stats.samples,
    errors: start.errors + stats.errors,
    consecutive,
    recent,
  };
  const result = { ...base, attempts: stats.samples, sample: stats };
  const windowOver = now() >= start.startedAt + watch.windowMs || sliceMs >= leftMs;
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
  return { result: { ...result, passed: true }, progress, windowOver };
};
