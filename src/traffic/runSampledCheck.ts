/**
 * A sampled-traffic check: requests at a fixed rate (cycling through the paths), at most
 * `concurrency` in flight, for `durationMs`, each probed once (no retries: the distribution is
 * the point), judged on error rate, latency percentiles and samples reached. A spent budget or
 * a failed sibling ends it early, and the reason carries the numbers reached so far.
 */

import type { CheckResult } from '../engine/checkResult';
import type { Prober } from '../probe/httpProbe';
import type { ResolvedHeaders } from '../probe/secrets';
import type { SampledCheck } from '../suite/schema';
import { plannedSamples } from '../suite/streams';
import {
  paceRequests,
  percent,
  type SampleStats,
  Tally,
  templateRequest,
  templateResult,
  unfinishedStream,
} from './sampling';

export type { SampleStats } from './sampling';

export interface SampledContext {
  readonly prober: Prober;
  readonly baseUrl: string;
  readonly budget: AbortSignal;
  readonly failFast: AbortSignal;
  readonly defaultTimeoutMs: number;
}

/** The first limit the stats break, or undefined. */
const judge = (check: SampledCheck, stats: SampleStats): string | undefined => {
  const e = check.expect;
  if (stats.samples < e.minSamples) {
    return `${stats.samples} samples, expected at least ${e.minSamples}`;
  }
  if (stats.errorRate > e.maxErrorRate) {
    return `error rate ${percent(stats.errorRate)} (${stats.errors} of ${stats.samples}), expected at most ${percent(e.maxErrorRate)}`;
  }
  for (const [key, limit] of Object.entries(e.latencyMs ?? {})) {
    const value = stats[`${key}Ms` as 'p50Ms' | 'p95Ms' | 'p99Ms'];
    if (limit !== undefined && value !== undefined && value > limit) {
      return `${key} ${value} ms, expected at most ${limit} ms`;
    }
  }
  return undefined;
};

export const runSampledCheck = async (
  ctx: SampledContext,
  check: SampledCheck,
  headers: ResolvedHeaders,
): Promise<CheckResult> => {
  const tally = await Tally.create();
  const signal = AbortSignal.any([ctx.budget, ctx.failFast]);
  const planned = plannedSamples(check);
  const started = performance.now();
  await paceRequests({ ...check, planned }, signal, async (i) => {
    const outcome = await ctx.prober.probe(
      templateRequest(check, ctx.baseUrl, i, headers, ctx.defaultTimeoutMs),
      signal,
    );
    tally.record(outcome, check.expect.status);
  });
  const stats = tally.finish(planned, performance.now() - started);
  const base = {
    ...templateResult(check.name, check, headers),
    attempts: stats.samples,
    ...(stats.p50Ms !== undefined && { latencyMs: stats.p50Ms }),
    sample: stats,
  };
  const cut = unfinishedStream(
    ctx,
    () =>
      `time budget ran out after ${stats.samples} of ${planned} samples (errors ${stats.errors}${stats.p95Ms !== undefined ? `, p95 ${stats.p95Ms} ms` : ''})`,
  );
  if (cut) return { ...base, ...cut };
  const unmet = judge(check, stats);
  return unmet ? { ...base, passed: false, reason: unmet } : { ...base, passed: true };
};
