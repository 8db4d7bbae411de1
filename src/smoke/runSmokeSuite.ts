/**
 * The smoke suite engine shared by the hook Lambdas and the CLI: secrets, readiness gate, then
 * the hook's checks with bounded concurrency. Transient failures are retried with backoff;
 * the first definite failure decides the verdict at once and cancels the checks still running.
 * Everything stops when `budget` aborts.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { findUnmetExpectation, statusMatches } from './assertions';
import { createProber, type ProbeOutcome, type Prober } from './httpProbe';
import { redactHeaders } from './redact';
import { type Check, checksForHook, type HookName, type Suite } from './schema';
import {
  awsSecretReader,
  type ResolvedHeaders,
  resolveHeaders,
  type SecretReader,
} from './secrets';

export type Verdict = 'Succeeded' | 'Failed';

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
}

export interface ReadinessResult {
  readonly passed: boolean;
  readonly path: string;
  readonly attempts: number;
  readonly waitedMs: number;
  readonly reason?: string;
}

export interface SuiteResult {
  readonly suite: string;
  readonly hook: HookName;
  readonly baseUrl: string;
  readonly verdict: Verdict;
  /** The first reason for a Failed verdict. */
  readonly reason?: string;
  readonly readiness?: ReadinessResult;
  readonly checks: readonly CheckResult[];
  readonly durationMs: number;
}

export type SuiteProgress =
  | { readonly type: 'readiness-attempt'; readonly attempt: number; readonly outcome: string }
  | { readonly type: 'check'; readonly result: CheckResult };

export interface SuiteRunOptions {
  readonly suite: Suite;
  readonly hook: HookName;
  /** Base URL of the listener under test, without a trailing slash. */
  readonly baseUrl: string;
  /** Aborts when the time budget is spent. */
  readonly budget: AbortSignal;
  readonly readSecret?: SecretReader;
  readonly onProgress?: (event: SuiteProgress) => void;
}

const NOT_FINISHED = 'not finished: the suite had already failed';

const describeOutcome = (outcome: ProbeOutcome): string =>
  outcome.kind === 'response' ? `status ${outcome.response.status}` : outcome.reason;

/** Exponential backoff with jitter, so probes of several checks do not move in lockstep. */
export const backoffDelay = (attempt: number, baseMs: number, maxMs: number): number => {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + Math.random() * (ceiling / 2);
};

/** Waits, unless the signal aborts first; returns whether the full wait happened. */
const pause = async (ms: number, signal: AbortSignal): Promise<boolean> => {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
};

/** Runs `work` over `items` with at most `limit` in flight, results in input order. */
const mapWithConcurrency = async <T, R>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<R>,
): Promise<R[]> => {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
};

interface RunContext {
  readonly prober: Prober;
  readonly suite: Suite;
  readonly baseUrl: string;
  readonly budget: AbortSignal;
  readonly headers: ReadonlyMap<Check, ResolvedHeaders>;
}

const runReadinessGate = async (
  ctx: RunContext,
  gate: NonNullable<Suite['readiness']>,
  headers: ResolvedHeaders,
  onProgress: SuiteRunOptions['onProgress'],
): Promise<ReadinessResult> => {
  const started = performance.now();
  const gateSignal = AbortSignal.any([ctx.budget, AbortSignal.timeout(gate.budgetMs)]);
  let attempts = 0;
  let last = 'no answer yet';
  while (!gateSignal.aborted) {
    attempts++;
    const outcome = await ctx.prober.probe(
      {
        method: 'GET',
        url: ctx.baseUrl + gate.path,
        headers: headers.values,
        timeoutMs: gate.timeoutMs ?? ctx.suite.timeoutMs,
      },
      gateSignal,
    );
    const open =
      outcome.kind === 'response' &&
      (gate.status ? statusMatches(gate.status, outcome.response.status) : !outcome.transient);
    if (open) {
      return { passed: true, path: gate.path, attempts, waitedMs: performance.now() - started };
    }
    if (!(outcome.kind === 'error' && outcome.budgetExhausted)) last = describeOutcome(outcome);
    onProgress?.({ type: 'readiness-attempt', attempt: attempts, outcome: last });
    await pause(backoffDelay(attempts, gate.intervalMs, gate.maxIntervalMs), gateSignal);
  }
  const waitedMs = performance.now() - started;
  const why = ctx.budget.aborted ? 'the time budget ran out' : `within ${gate.budgetMs} ms`;
  return {
    passed: false,
    path: gate.path,
    attempts,
    waitedMs,
    reason: `readiness gate: GET ${gate.path} never ${gate.status ? `answered ${gate.status.text}` : 'gave a definite answer'} (${why}; last: ${last})`,
  };
};

const runCheck = async (
  ctx: RunContext,
  check: Check,
  failFast: AbortSignal,
): Promise<CheckResult> => {
  const resolved = ctx.headers.get(check) ?? { values: {}, secretHeaders: new Set<string>() };
  const base = {
    name: check.name,
    method: check.method,
    path: check.path,
    requestHeaders: redactHeaders(resolved.values, resolved.secretHeaders),
  };
  const signal = AbortSignal.any([ctx.budget, failFast]);
  const { attempts: maxAttempts, backoffMs, maxBackoffMs } = ctx.suite.retry;
  for (let attempt = 1; ; attempt++) {
    const outcome = await ctx.prober.probe(
      {
        method: check.method,
        url: ctx.baseUrl + check.path,
        headers: resolved.values,
        body: check.body,
        timeoutMs: check.timeoutMs ?? ctx.suite.timeoutMs,
      },
      signal,
    );
    if (failFast.aborted && !ctx.budget.aborted) {
      return { ...base, passed: false, skipped: true, reason: NOT_FINISHED, attempts: attempt };
    }
    const observed =
      outcome.kind === 'response'
        ? { statusCode: outcome.response.status, latencyMs: outcome.response.latencyMs }
        : { latencyMs: outcome.latencyMs };
    if (outcome.kind === 'response') {
      const unmet = findUnmetExpectation(check.expect, outcome.response);
      // Even a transient status passes when the check expects it (a maintenance page's 503).
      if (!unmet) return { ...base, ...observed, passed: true, attempts: attempt };
      if (!outcome.transient) {
        return { ...base, ...observed, passed: false, reason: unmet, attempts: attempt };
      }
    }
    const retryable = outcome.transient && attempt < maxAttempts;
    if (!retryable || !(await pause(backoffDelay(attempt, backoffMs, maxBackoffMs), signal))) {
      const reason =
        outcome.kind === 'error' && outcome.budgetExhausted
          ? 'time budget exhausted'
          : `${describeOutcome(outcome)}${attempt > 1 ? ` after ${attempt} attempts` : ''}`;
      if (failFast.aborted && !ctx.budget.aborted) {
        return {
          ...base,
          ...observed,
          passed: false,
          skipped: true,
          reason: NOT_FINISHED,
          attempts: attempt,
        };
      }
      return { ...base, ...observed, passed: false, reason, attempts: attempt };
    }
  }
};

/** Runs the hook's checks of `suite` against `baseUrl` and decides the verdict. */
export const runSmokeSuite = async (options: SuiteRunOptions): Promise<SuiteResult> => {
  const { suite, hook, baseUrl, budget, onProgress } = options;
  const started = performance.now();
  const checks = checksForHook(suite, hook);
  const finish = (fields: Partial<SuiteResult> & Pick<SuiteResult, 'verdict' | 'checks'>) => ({
    suite: suite.name,
    hook,
    baseUrl,
    durationMs: performance.now() - started,
    ...fields,
  });

  const readSecret = options.readSecret ?? awsSecretReader;
  let headers: Map<Check, ResolvedHeaders>;
  let readinessHeaders: ResolvedHeaders;
  try {
    headers = new Map(
      await Promise.all(
        checks.map(async (c) => [c, await resolveHeaders(c.headers, readSecret)] as const),
      ),
    );
    readinessHeaders = await resolveHeaders(suite.readiness?.headers ?? {}, readSecret);
  } catch (error) {
    return finish({ verdict: 'Failed', reason: (error as Error).message, checks: [] });
  }

  const prober = createProber();
  try {
    const ctx: RunContext = { prober, suite, baseUrl, budget, headers };
    let readiness: ReadinessResult | undefined;
    if (suite.readiness) {
      readiness = await runReadinessGate(ctx, suite.readiness, readinessHeaders, onProgress);
      if (!readiness.passed) {
        return finish({ verdict: 'Failed', reason: readiness.reason, readiness, checks: [] });
      }
    }

    const failFast = new AbortController();
    const results = await mapWithConcurrency(checks, suite.concurrency, async (check) => {
      if (failFast.signal.aborted) {
        return {
          name: check.name,
          method: check.method,
          path: check.path,
          passed: false,
          skipped: true,
          reason: NOT_FINISHED,
          attempts: 0,
          requestHeaders: {},
        } satisfies CheckResult;
      }
      const result = await runCheck(ctx, check, failFast.signal);
      if (!result.passed && !failFast.signal.aborted) failFast.abort();
      onProgress?.({ type: 'check', result });
      return result;
    });
    const firstFailure =
      results.find((r) => !r.passed && !r.skipped) ?? results.find((r) => !r.passed);
    return finish({
      verdict: firstFailure ? 'Failed' : 'Succeeded',
      ...(firstFailure && {
        reason: `check "${firstFailure.name}" failed: ${firstFailure.reason}`,
      }),
      ...(readiness && { readiness }),
      checks: results,
    });
  } finally {
    prober.close();
  }
};
