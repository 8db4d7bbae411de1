/**
 * The production watch: once green serves production, sample the production listener at a low
 * rate for a window, and fail as soon as a sustained failure shows (N failures in a row, or an
 * error rate over the last M requests), which makes CodeDeploy roll back at once instead of
 * waiting minutes for an alarm's periods. A clean window passes.
 */

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
}

export const runProductionWatch = async (
  ctx: WatchContext,
  watch: WatchSettings,
  headers: ResolvedHeaders,
): Promise<CheckResult> => {
  const base = templateResult('production watch', watch, headers);
  const productionUrl = ctx.productionUrl;
  if (!productionUrl) {
    return {
      ...base,
      passed: false,
      attempts: 0,
      reason: 'production watch: no production URL (discovery gives it)',
    };
  }
  const tally = await Tally.create();
  const stop = new AbortController();
  const signal = AbortSignal.any([ctx.budget, stop.signal]);
  const planned = Math.floor((watch.ratePerSecond * watch.windowMs) / 1000);
  const recent: boolean[] = [];
  let consecutive = 0;
  let failure: string | undefined;
  let last = '';
  const started = performance.now();
  await paceRequests(
    { planned, ratePerSecond: watch.ratePerSecond, concurrency: 2 },
    signal,
    async (i) => {
      const outcome = await ctx.prober.probe(
        templateRequest(watch, productionUrl, i, headers, ctx.defaultTimeoutMs),
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
      const after = `${((performance.now() - started) / 1000).toFixed(1)} s into the window`;
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
  const stats = tally.finish(planned, performance.now() - started);
  const result = { ...base, attempts: stats.samples, sample: stats };
  if (failure) return { ...result, passed: false, reason: failure };
  if (ctx.budget.aborted) {
    return {
      ...result,
      passed: false,
      reason: `production watch: the time budget ran out ${stats.samples} requests into a ${watch.windowMs / 1000} s window; raise the function timeout or shorten watch.windowMs`,
    };
  }
  return { ...result, passed: true };
};
