/**
 * The time a hook may spend on its suite: what Lambda gives it, minus a margin kept for
 * reporting the status (SDK retries included) before the function is killed.
 */
import { TimeBudgetError } from '../errors';

/** Time kept back for Lambda to return after the report is sent. */
const RETURN_MS = 200;

/** Milliseconds the suite may run; 0 when the margin eats everything. */
export const suiteBudgetMs = (remainingMs: number, safetyMarginMs: number): number =>
  Math.max(0, Math.floor(remainingMs - safetyMarginMs));

/**
 * Milliseconds the report may take, measured when it starts: all that is left but the time to
 * return. At least 1, and whole, as AbortSignal.timeout requires.
 */
export const reportTimeoutMs = (remainingMs: number): number =>
  Math.max(1, Math.floor(remainingMs - RETURN_MS));

/** What an invocation is doing now, for the reason a hard stop gives. */
export interface Phase {
  current: string;
}

/**
 * Runs `work` with a signal that aborts after `ms`, and stops waiting for it shortly after even
 * if it ignores the signal: the deadline is enforced here, not trusted to the work. Both
 * controllers' hooks run under it; the hard stop throws a TimeBudgetError naming the phase.
 */
export const runWithDeadline = async <T>(
  ms: number,
  work: (signal: AbortSignal) => Promise<T>,
  graceMs = 250,
  phase: Phase = { current: 'the work' },
): Promise<T> => {
  const controller = new AbortController();
  const soft = setTimeout(() => controller.abort(), ms);
  let hard: NodeJS.Timeout | undefined;
  const hardStop = new Promise<never>((_, reject) => {
    hard = setTimeout(() => reject(new TimeBudgetError(ms, phase.current)), ms + graceMs);
  });
  try {
    return await Promise.race([work(controller.signal), hardStop]);
  } finally {
    clearTimeout(soft);
    clearTimeout(hard);
  }
};
