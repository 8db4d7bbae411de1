/**
 * The readiness gate: before judging green, wait while its answers are transient (refused,
 * reset, timeout, 429/502/503/504), because fresh tasks often need a few seconds. A definite
 * answer ends the wait at once: an HTTP response opens the gate (or, with `status`, only that
 * status does), and a definite error (DNS name that does not resolve, TLS certificate, invalid
 * request) fails it with that error, since waiting cannot change it.
 */

import type { ProbeOutcome, Prober } from '../probe/httpProbe';
import type { Suite } from '../suite/schema';
import { withDeadline } from '../time/deadline';
import { statusMatches } from './assertions';
import { backoffDelay, pause } from './pacing';

export interface ReadinessResult {
  readonly passed: boolean;
  readonly path: string;
  readonly attempts: number;
  readonly waitedMs: number;
  readonly reason?: string;
  /** Stopped at the attempt limit while the answers were still transient: worth asking later. */
  readonly waiting?: true;
}

export interface GateProgress {
  readonly type: 'readiness-attempt';
  readonly attempt: number;
  readonly outcome: string;
}

export const describeOutcome = (outcome: ProbeOutcome): string =>
  outcome.kind === 'response' ? `status ${outcome.response.status}` : outcome.reason;

export const runReadinessGate = (
  options: {
    readonly prober: Prober;
    readonly url: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly timeoutMs: number;
    readonly budget: AbortSignal;
    /** Stop after this many transient answers (ECS hooks come back later instead of waiting). */
    readonly maxAttempts?: number;
  },
  gate: NonNullable<Suite['readiness']>,
  onProgress?: (event: GateProgress) => void,
): Promise<ReadinessResult> =>
  withDeadline(gate.budgetMs, options.budget, async ({ signal }) => {
    const started = performance.now();
    const result = (passed: boolean, attempts: number, reason?: string): ReadinessResult => ({
      passed,
      path: gate.path,
      attempts,
      waitedMs: performance.now() - started,
      ...(reason && { reason }),
    });
    let attempts = 0;
    let last = 'no answer yet';
    while (!signal.aborted) {
      attempts++;
      const outcome = await options.prober.probe(
        {
          method: 'GET',
          url: options.url,
          headers: options.headers,
          timeoutMs: gate.timeoutMs ?? options.timeoutMs,
        },
        signal,
      );
      if (outcome.kind === 'response') {
        const open = gate.status
          ? statusMatches(gate.status, outcome.response.status)
          : !outcome.transient;
        if (open) return result(true, attempts);
      } else if (!outcome.transient && !outcome.budgetExhausted) {
        return result(
          false,
          attempts,
          `readiness gate: GET ${gate.path} failed: ${outcome.reason}`,
        );
      }
      if (!(outcome.kind === 'error' && outcome.budgetExhausted)) last = describeOutcome(outcome);
      onProgress?.({ type: 'readiness-attempt', attempt: attempts, outcome: last });
      if (options.maxAttempts !== undefined && attempts >= options.maxAttempts && !signal.aborted) {
        return {
          ...result(
            false,
            attempts,
            `readiness gate: GET ${gate.path} not ready yet (last: ${last})`,
          ),
          waiting: true,
        };
      }
      const retryAfter = outcome.kind === 'response' ? (outcome.retryAfterMs ?? 0) : 0;
      await pause(
        Math.max(retryAfter, backoffDelay(attempts, gate.intervalMs, gate.maxIntervalMs)),
        signal,
      );
    }
    const why = options.budget.aborted ? 'the time budget ran out' : `within ${gate.budgetMs} ms`;
    return result(
      false,
      attempts,
      `readiness gate: GET ${gate.path} never ${gate.status ? `answered ${gate.status.text}` : 'gave a definite answer'} (${why}; last: ${last})`,
    );
  });
