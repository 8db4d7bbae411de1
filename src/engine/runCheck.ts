/**
 * One check: probe, judge, and retry only what may change on another try (transient errors and
 * statuses, honouring Retry-After). The first definite failure is final.
 */

import type { Prober } from '../probe/httpProbe';
import { redactHeaders } from '../probe/redact';
import type { ResolvedHeaders } from '../probe/secrets';
import { type Facts, withFacts } from '../suite/facts';
import type { Check, Suite } from '../suite/schema';
import { findUnmetExpectation } from './assertions';
import type { CheckResult } from './checkResult';
import { backoffDelay, pause } from './pacing';
import { describeOutcome } from './readinessGate';

export type { CheckResult } from './checkResult';

export const NOT_FINISHED = 'not finished: the suite had already failed';

export const skippedCheck = (check: Check): CheckResult => ({
  name: check.name,
  method: check.method,
  path: check.path,
  passed: false,
  skipped: true,
  reason: NOT_FINISHED,
  attempts: 0,
  requestHeaders: {},
});

export interface CheckContext {
  readonly prober: Prober;
  readonly suite: Suite;
  readonly baseUrl: string;
  readonly budget: AbortSignal;
  /** Aborts when another check has failed the suite. */
  readonly failFast: AbortSignal;
  /** Revision facts that expectations may reference. */
  readonly facts: Facts;
}

export const runCheck = async (
  ctx: CheckContext,
  check: Check,
  headers: ResolvedHeaders,
): Promise<CheckResult> => {
  const base = {
    name: check.name,
    method: check.method,
    path: check.path,
    requestHeaders: redactHeaders(headers.values, headers.secretHeaders),
  };
  // Both signals are held by their owners for the whole suite, so `any` cannot lose them.
  const expected = withFacts(check.expect, ctx.facts);
  if (!expected.ok) return { ...base, passed: false, reason: expected.reason, attempts: 0 };
  const signal = AbortSignal.any([ctx.budget, ctx.failFast]);
  const cancelled = () => ctx.failFast.aborted && !ctx.budget.aborted;
  const { attempts: maxAttempts, backoffMs, maxBackoffMs } = ctx.suite.retry;
  for (let attempt = 1; ; attempt++) {
    const outcome = await ctx.prober.probe(
      {
        method: check.method,
        url: ctx.baseUrl + check.path,
        headers: headers.values,
        body: check.body,
        timeoutMs: check.timeoutMs ?? ctx.suite.timeoutMs,
      },
      signal,
    );
    if (cancelled()) return { ...skippedCheck(check), ...base, attempts: attempt };
    const observed =
      outcome.kind === 'response'
        ? { statusCode: outcome.response.status, latencyMs: outcome.response.latencyMs }
        : { latencyMs: outcome.latencyMs };
    if (outcome.kind === 'response') {
      const unmet = findUnmetExpectation(expected.expect, outcome.response);
      // Even a transient status passes when the check expects it (a maintenance page's 503).
      if (!unmet) return { ...base, ...observed, passed: true, attempts: attempt };
      if (!outcome.transient) {
        return { ...base, ...observed, passed: false, reason: unmet, attempts: attempt };
      }
    }
    const retryAfter = outcome.kind === 'response' ? (outcome.retryAfterMs ?? 0) : 0;
    const delay = Math.max(retryAfter, backoffDelay(attempt, backoffMs, maxBackoffMs));
    const retryable = outcome.transient && attempt < maxAttempts;
    if (!retryable || !(await pause(delay, signal))) {
      if (cancelled()) return { ...skippedCheck(check), ...base, ...observed, attempts: attempt };
      const reason =
        outcome.kind === 'error' && outcome.budgetExhausted
          ? 'time budget exhausted'
          : `${describeOutcome(outcome)}${attempt > 1 ? ` after ${attempt} attempts` : ''}`;
      return { ...base, ...observed, passed: false, reason, attempts: attempt };
    }
  }
};
