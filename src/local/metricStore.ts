/**
 * CloudWatch metrics as the local world records them (canary analysis, issue 20): raw samples
 * per metric and period, answered the way GetMetricData answers. Two behaviours a judge can get
 * wrong are modelled: a period with no samples has **no datapoint** (not a zero), and a period is
 * visible only `lagMs` after it ends (ALB metrics arrive a minute or two late).
 */

export interface Dimension {
  readonly Name: string;
  readonly Value: string;
}

export interface MetricId {
  readonly namespace: string;
  readonly name: string;
  readonly dimensions: readonly Dimension[];
}

const keyOf = (m: MetricId) =>
  JSON.stringify([
    m.namespace,
    m.name,
    [...m.dimensions].sort((a, b) => a.Name.localeCompare(b.Name)).map((d) => [d.Name, d.Value]),
  ]);

/** Statistics GetMetricData accepts that the judge uses: Sum, SampleCount, Average, Min, Max, pNN. */
export const statistic = (samples: readonly number[], stat: string): number | undefined => {
  if (samples.length === 0) return undefined;
  const sorted = [...samples].sort((a, b) => a - b);
  const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
  if (percentile) {
    // Nearest rank: the smallest sample with at least p % of the samples at or below it.
    const rank = Math.ceil((Number(percentile[1]) / 100) * sorted.length);
    return sorted[Math.max(0, rank - 1)];
  }
  const sum = samples.reduce((a, b) => a + b, 0);
  switch (stat) {
    case 'Sum':
      return sum;
    case 'SampleCount':
      return samples.length;
    case 'Average':
      return sum / samples.length;
    case 'Minimum':
      return sorted[0];
    case 'Maximum':
      return sorted.at(-1);
    default:
      throw new RangeError(`statistic ${stat} is not modelled`);
  }
};

export class MetricStore {
  private readonly series = new Map<string, Array<{ at: number; value: number }>>();

  /** @param lagMs how long after a period ends its datapoint becomes visible. */
  public constructor(
    private readonly now: () => number = Date.now,
    public lagMs = 0,
  ) {}

  public record(metric: MetricId, value: number, at = this.now()): void {
    const key = keyOf(metric);
    const list = this.series.get(key) ?? [];
    list.push({ at, value });
    this.series.set(key, list);
  }

  /**
   * Datapoints of `metric` for periods starting in [startMs, endMs), oldest first: one per period
   * that has samples and has become visible.
   */
  public query(
    metric: MetricId,
    periodS: number,
    stat: string,
    startMs: number,
    endMs: number,
  ): Array<{ at: number; value: number }> {
    const periodMs = periodS * 1000;
    const buckets = new Map<number, number[]>();
    for (const s of this.series.get(keyOf(metric)) ?? []) {
      const start = Math.floor(s.at / periodMs) * periodMs;
      if (start < startMs || start >= endMs) continue;
      if (start + periodMs + this.lagMs > this.now()) continue;
      buckets.set(start, [...(buckets.get(start) ?? []), s.value]);
    }
    return [...buckets.entries()]
      .sort((a, b) => a[0] - b[0])
      .map(([at, samples]) => ({ at, value: statistic(samples, stat) as number }));
  }
}
