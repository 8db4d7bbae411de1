/** Figures of the benchmark: medians with min–max, each next to its reference. */
export interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number[];
}

export interface Figure {
  readonly name: string;
  readonly ours: Stats;
  readonly reference?: Stats;
  readonly referenceName?: string;
  readonly unit: 'ms' | 'MiB' | 's' | '%' | 'req/s' | 'req';
  readonly goal: string;
  readonly goalMet: boolean;
  readonly note?: string;
}

export const stats = (samples: number[]): Stats => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, samples };
};

export const repeat = async <T>(n: number, fn: () => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
};

export const formatValue = (value: number, unit: Figure['unit']) =>
  unit === 'ms' || unit === 'req' ? `${value.toFixed(0)} ${unit}` : `${value.toFixed(1)} ${unit}`;

/** Everything a run measured, filled in by the steps. */
export interface BenchRun {
  readonly runs: number;
  readonly figures: Figure[];
  readonly extra: Record<string, unknown>;
}
