/**
 * What judging one item of a suite produces: a check's result, with a stream's numbers when it
 * was a load probe or a comparison. Types only, shared by the engine, traffic analysis, the
 * controllers and the CLI; it imports nothing.
 */

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

export interface ComparisonStats {
  readonly green: SampleStats;
  readonly blue: SampleStats;
  readonly percentile: number;
  /** green's percentile over blue's. */
  readonly latencyRatio?: number;
}

export interface CheckResult {
  readonly name: string;
  readonly method: string;
  readonly path: string;
  readonly passed: boolean;
  /** Cancelled because another check had already failed the suite. */
  readonly skipped?: true;
  /** Why it failed (or why it did not finish); absent when passed. */
  readonly reason?: string;
  readonly statusCode?: number;
  readonly latencyMs?: number;
  readonly attempts: number;
  /** Request headers as sent, sensitive values redacted. */
  readonly requestHeaders: Readonly<Record<string, string>>;
  /** A sampled-traffic check's numbers. */
  readonly sample?: SampleStats;
  /** A comparison's numbers, green and blue side by side. */
  readonly comparison?: ComparisonStats;
  /** Canary analysis's verdict and every metric's numbers (CodeDeploy's AfterAllowTraffic). */
  readonly analysis?: AnalysisStats;
}

export interface AnalysisStats {
  readonly verdict: 'pass' | 'fail' | 'inconclusive';
  readonly summary: string;
  readonly metrics: readonly { metric: string; verdict: string; detail: string }[];
}
