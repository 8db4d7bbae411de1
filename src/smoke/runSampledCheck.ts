/**
 * A sampled-traffic check: requests at a fixed rate (cycling through the paths), at most
 * `concurrency` in flight, for `durationMs`, each probed once (no retries: the distribution is
 * the point). Latency percentiles come from an HDR histogram (hdr-histogram-js, loaded only
 * when a suite has a sampled check). A spent budget or a failed sibling ends it early, and the
 * reason carries the numbers reached so far.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { statusMatches } from './assertions';
import type { Prober } from './httpProbe';
import { redactHeaders } from './redact';
import type { CheckResult } from './runCheck';
import type { SampledCheck } from './schema';
import type { ResolvedHeaders } from './secrets';

export interface SampleStats {
  readonly planned: number;
  readonly samples: number;
  readonly errors: number;
  readonly errorRate: number;
  readonly p50Ms?: number;
  readonly p95Ms?: number;
  readonly p99Ms?: number;
  readonly durationMs: number;
}

export interface SampledContext {
  readonly prober: Prober;
  readonly baseUrl: string;
  readonly budget: AbortSignal;
  readonly failFast: AbortSignal;
  readonly defaultTimeoutMs: number;
}

const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

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
  const { build } = await import('hdr-histogram-js');
  // Milliseconds, 3 significant digits, up to an hour: plain JS (no WebAssembly start-up).
  const histogram = build({
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
  const signal = AbortSignal.any([ctx.budget, ctx.failFast]);
  const planned = Math.floor((check.ratePerSecond * check.durationMs) / 1000);
  const intervalMs = 1000 / check.ratePerSecond;
  const started = performance.now();
  let samples = 0;
  let errors = 0;
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const pending = new Set<Promise<void>>();

  const fire = async (i: number) => {
    const path = check.paths[i % check.paths.length] as string;
    const outcome = await ctx.prober.probe(
      {
        method: check.method,
        url: ctx.baseUrl + path,
        headers: headers.values,
        body: check.body,
        timeoutMs: check.timeoutMs ?? ctx.defaultTimeoutMs,
      },
      signal,
    );
    if (outcome.kind === 'error' && outcome.budgetExhausted) return; // cut short, not a sample
    samples++;
    if (outcome.kind === 'response') {
      histogram.recordValue(Math.max(1, Math.round(outcome.response.latencyMs)));
      if (!statusMatches(check.expect.status, outcome.response.status)) errors++;
    } else {
      errors++;
    }
  };

  for (let i = 0; i < planned && !signal.aborted; i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break;
      }
    }
    // At most `concurrency` in flight: a slow green is sampled less, which minSamples catches.
    while (inFlight >= check.concurrency && !signal.aborted) {
      await new Promise<void>((resolve) => waiters.push(resolve));
    }
    if (signal.aborted) break;
    inFlight++;
    const p = fire(i).finally(() => {
      inFlight--;
      pending.delete(p);
      waiters.shift()?.();
    });
    pending.add(p);
  }
  await Promise.all(pending);

  const has = histogram.totalCount > 0;
  const stats: SampleStats = {
    planned,
    samples,
    errors,
    errorRate: samples > 0 ? errors / samples : 0,
    ...(has && {
      p50Ms: histogram.getValueAtPercentile(50),
      p95Ms: histogram.getValueAtPercentile(95),
      p99Ms: histogram.getValueAtPercentile(99),
    }),
    durationMs: performance.now() - started,
  };
  histogram.destroy();
  const base = {
    name: check.name,
    method: check.method,
    path: check.paths.join(' '),
    attempts: samples,
    requestHeaders: redactHeaders(headers.values, headers.secretHeaders),
    ...(stats.p50Ms !== undefined && { latencyMs: stats.p50Ms }),
    sample: stats,
  };
  if (ctx.failFast.aborted && !ctx.budget.aborted) {
    return {
      ...base,
      passed: false,
      skipped: true,
      reason: 'not finished: the suite had already failed',
    };
  }
  if (ctx.budget.aborted) {
    return {
      ...base,
      passed: false,
      reason: `time budget ran out after ${samples} of ${planned} samples (errors ${stats.errors}${stats.p95Ms !== undefined ? `, p95 ${stats.p95Ms} ms` : ''})`,
    };
  }
  const unmet = judge(check, stats);
  return unmet ? { ...base, passed: false, reason: unmet } : { ...base, passed: true };
};
