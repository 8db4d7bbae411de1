/**
 * A Prober for unit tests of the engine: each probe answers the next scripted outcome (the last
 * one repeats) and is recorded with its time; `before` runs as a probe starts (to abort a signal
 * mid-request, say). Real HTTP is the integration tests' business.
 */
import type { ProbeOutcome, ProbeRequest, Prober } from '../../src/probe/httpProbe';

export const answer = (status: number, over: { body?: string; retryAfterMs?: number } = {}) =>
  ({
    kind: 'response',
    response: { status, headers: {}, body: over.body ?? '', latencyMs: 3 },
    transient: [429, 502, 503, 504].includes(status),
    ...(over.retryAfterMs !== undefined && { retryAfterMs: over.retryAfterMs }),
  }) as const satisfies ProbeOutcome;

export const failure = (
  reason: string,
  over: { transient?: boolean; budgetExhausted?: boolean } = {},
): ProbeOutcome => ({
  kind: 'error',
  reason,
  transient: over.transient ?? true,
  budgetExhausted: over.budgetExhausted ?? false,
  latencyMs: 7,
});

export const scriptedProber = (
  outcomes: readonly ProbeOutcome[],
  before?: (call: number) => void,
) => {
  const calls: { request: ProbeRequest; atMs: number }[] = [];
  const prober: Prober = {
    probe: async (request) => {
      before?.(calls.length);
      calls.push({ request, atMs: performance.now() });
      return outcomes[Math.min(calls.length, outcomes.length) - 1] as ProbeOutcome;
    },
    close: () => undefined,
  };
  return { prober, calls };
};
