/**
 * What canary analysis asks of CloudWatch: per-minute values of a few metrics over a window. The
 * reader itself (discovery/readMetrics.ts) calls GetMetricData; the controllers hand it in.
 */

/** One metric and statistic, as GetMetricData's MetricStat names it. */
export interface MetricQuery {
  /** GetMetricData's query id: a lowercase letter, then letters, digits or underscores. */
  readonly id: string;
  readonly namespace: string;
  readonly metricName: string;
  readonly dimensions: Readonly<Record<string, string>>;
  /** Sum, Average, p99, ... */
  readonly stat: string;
}

/** Minutes as epoch ms: `startMs` inclusive, `endMs` exclusive, both on a whole minute. */
export interface MetricWindow {
  readonly startMs: number;
  readonly endMs: number;
}

/** Each query's value per minute start; a minute without a datapoint is absent, not zero. */
export type MetricValues = ReadonlyMap<string, ReadonlyMap<number, number>>;

export type MetricReader = (
  queries: readonly MetricQuery[],
  window: MetricWindow,
  signal: AbortSignal,
) => Promise<MetricValues>;

export const MINUTE_MS = 60_000;

/**
 * The metrics' clock (epoch ms): the wall clock in Lambda; a rehearsal's runs `factor` times
 * faster (scaledClock), and a hook that weighs its own time against metric minutes divides by it.
 */
export type MetricClock = (() => number) & { readonly factor?: number };
