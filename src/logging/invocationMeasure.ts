/**
 * What one hook invocation measured on its way to a verdict: the time spent in discovery and in
 * the suite, the checks that failed, the production watch's samples. The meter turns it into
 * metrics once the answer is given (src/logging/metrics.ts).
 */
import type { CheckResult } from '../engine/checkResult';
import { WATCH_NAME } from '../suite/selection';
import type { Measured, MeasuredPhase } from './metrics';

/** What one hook invocation measured on its way to a verdict. */
export class InvocationMeasure implements Measured {
  readonly #started = performance.now();
  readonly phaseMs = new Map<MeasuredPhase, number>();
  readonly failedChecks: string[] = [];
  watchSamples = 0;
  watchFailures = 0;
  /** The deployment's description carried the suite's skip marker: no check ran. */
  skipped = false;

  /** Runs `work`, adding its duration to `phase`, whether it returns or throws. */
  async timed<T>(phase: MeasuredPhase, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work();
    } finally {
      this.phaseMs.set(phase, (this.phaseMs.get(phase) ?? 0) + performance.now() - started);
    }
  }

  /** Records judged items: the failed ones by name, and the production watch's samples. */
  checks(results: readonly CheckResult[]): void {
    for (const r of results) {
      if (!r.passed && !r.skipped) this.failedChecks.push(r.name);
      if (r.name === WATCH_NAME && r.sample) {
        this.watchSamples += r.sample.samples;
        this.watchFailures += r.sample.errors;
      }
    }
  }

  elapsedMs(): number {
    return performance.now() - this.#started;
  }
}
