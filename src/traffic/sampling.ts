/**
 * What sampled-traffic and comparison checks share: pacing a bounded stream of requests (a fixed
 * rate, at most `concurrency` in flight, stopping when the signal aborts) and turning what came
 * back into numbers, with latency percentiles from an HDR histogram. hdr-histogram-js is loaded
 * only when a suite has such a check.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { statusMatches } from '../engine/assertions';
import type { SampleStats } from '../engine/checkResult';
import type { ProbeOutcome, ProbeRequest } from '../probe/httpProbe';
import { redactHeaders } from '../probe/redact';
import type { ResolvedHeaders } from '../probe/secrets';
import type { StatusExpectation } from '../suite/schema';

export type { SampleStats } from '../engine/checkResult';

type Histogram = Awaited<ReturnType<typeof loadHistogram>>;

const loadHistogram = async () => {
  const { build } = await import('hdr-histogram-js');
  // Milliseconds, 3 significant digits, up to an hour: plain JS (no WebAssembly start-up).
  return build({
    useWebAssembly: false,
    lowestDiscernibleValue: 1,
    highestTrackableValue: 3_600_000,
    numberOfSignificantValueDigits: 3,
  });
};

/** One side's tally: samples, errors and the latency histogram. */
export class Tally {
  public samples = 0;
  public errors = 0;

  private constructor(private readonly histogram: Histogram) {}

  public static async create(): Promise<Tally> {
    return new Tally(await loadHistogram());
  }

  /** Counts an outcome; a probe cut short by the budget is not a sample. */
  public record(outcome: ProbeOutcome, expected: StatusExpectation): void {
    if (outcome.kind === 'error' && outcome.budgetExhausted) return;
    this.samples++;
    if (outcome.kind === 'response') {
      this.histogram.recordValue(Math.max(1, Math.round(outcome.response.latencyMs)));
      if (!statusMatches(expected, outcome.response.status)) this.errors++;
    } else {
      this.errors++;
    }
  }

  public percentile(p: number): number | undefined {
    return this.histogram.totalCount > 0 ? this.histogram.getValueAtPercentile(p) : undefined;
  }

  /** The numbers, and the histogram's memory released. */
  public finish(planned: number, durationMs: number): SampleStats {
    const [p50Ms, p95Ms, p99Ms] = [50, 95, 99].map((p) => this.percentile(p));
    this.histogram.destroy();
    return {
      planned,
      samples: this.samples,
      errors: this.errors,
      errorRate: this.samples > 0 ? this.errors / this.samples : 0,
      ...(p50Ms !== undefined && { p50Ms, p95Ms, p99Ms }),
      durationMs,
    };
  }
}

/** Fires `planned` requests `1000 / ratePerSecond` ms apart, at most `concurrency` at once. */
export const paceRequests = async (
  plan: { readonly planned: number; readonly ratePerSecond: number; readonly concurrency: number },
  signal: AbortSignal,
  fire: (i: number) => Promise<void>,
): Promise<void> => {
  const started = performance.now();
  const intervalMs = 1000 / plan.ratePerSecond;
  let inFlight = 0;
  const waiters: Array<() => void> = [];
  const pending = new Set<Promise<void>>();
  for (let i = 0; i < plan.planned && !signal.aborted; i++) {
    const wait = started + i * intervalMs - performance.now();
    if (wait > 0) {
      try {
        await sleep(wait, undefined, { signal });
      } catch {
        break;
      }
    }
    // A slow target gets fewer samples: minSamples catches it.
    while (inFlight >= plan.concurrency && !signal.aborted) {
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
};

export const percent = (rate: number) => `${(rate * 100).toFixed(1)} %`;

/** The request template of sampled, comparison and watch checks (schema's requestTemplate). */
export interface RequestTemplate {
  readonly method: string;
  readonly paths: readonly string[];
  readonly body?: unknown;
  readonly timeoutMs?: number;
}

/** Request `i` of a stream against `baseUrl`: paths are taken in turn. */
export const templateRequest = (
  template: RequestTemplate,
  baseUrl: string,
  i: number,
  headers: ResolvedHeaders,
  defaultTimeoutMs: number,
): ProbeRequest => ({
  method: template.method,
  url: baseUrl + (template.paths[i % template.paths.length] as string),
  headers: headers.values,
  body: template.body,
  timeoutMs: template.timeoutMs ?? defaultTimeoutMs,
});

/** The fields every stream check's result shares. */
export const templateResult = (
  name: string,
  template: RequestTemplate,
  headers: ResolvedHeaders,
) => ({
  name,
  method: template.method,
  path: template.paths.join(' '),
  requestHeaders: redactHeaders(headers.values, headers.secretHeaders),
});

/**
 * How a stream check that did not finish ends: skipped when another check had already failed
 * the suite, failed with `budgetReason()` when the time budget ran out; undefined if it finished.
 */
export const unfinishedStream = (
  ctx: { readonly budget: AbortSignal; readonly failFast: AbortSignal },
  budgetReason: () => string,
): { passed: false; skipped?: true; reason: string } | undefined => {
  if (ctx.failFast.aborted && !ctx.budget.aborted) {
    return { passed: false, skipped: true, reason: 'not finished: the suite had already failed' };
  }
  return ctx.budget.aborted ? { passed: false, reason: budgetReason() } : undefined;
};
