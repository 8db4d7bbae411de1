/**
 * Deadlines that hold. Combining a parent with a timeout signal through `AbortSignal.any` looks
 * right but is not: nothing references the timeout signal once `any` has it, and Node may collect it at
 * garbage collection, so the deadline silently never fires (nodejs/node issue 57736). Here the
 * timer itself holds the controller until it fires, the parent aborts, or the owner disposes
 * of it. Every place where a deadline meets another signal uses this helper; a test forbids
 * a timeout signal inside `AbortSignal.any` anywhere in src/.
 */

/** Node clamps longer timers to 1 ms (with a warning), which would fire a deadline at once. */
export const MAX_TIMER_MS = 2 ** 31 - 1;

export interface Deadline {
  readonly signal: AbortSignal;
  /** True when it was the deadline (not the parent) that aborted the signal. */
  readonly expired: boolean;
  /** Clears the timer and the parent listener; the signal stays as it is. */
  dispose(): void;
}

/** Whole milliseconds within what a Node timer accepts (AbortSignal.timeout throws on fractions). */
export const timerMs = (ms: number): number =>
  Math.min(MAX_TIMER_MS, Math.max(1, Math.floor(Number.isFinite(ms) ? ms : MAX_TIMER_MS)));

/** A signal that aborts after `ms`, or as soon as `parent` aborts. */
export const deadline = (ms: number, parent?: AbortSignal): Deadline => {
  const controller = new AbortController();
  let expired = false;
  const onParentAbort = () => finish(parent?.reason);
  const timer = setTimeout(() => {
    expired = true;
    finish(new DOMException(`deadline of ${timerMs(ms)} ms passed`, 'TimeoutError'));
  }, timerMs(ms));
  const finish = (reason: unknown) => {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onParentAbort);
    if (!controller.signal.aborted) controller.abort(reason);
  };
  if (parent?.aborted) finish(parent.reason);
  else parent?.addEventListener('abort', onParentAbort, { once: true });
  return {
    signal: controller.signal,
    get expired() {
      return expired;
    },
    dispose: () => {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    },
  };
};

/** Runs `work` under a deadline and disposes of it afterwards, whatever happens. */
export const withDeadline = async <T>(
  ms: number,
  parent: AbortSignal | undefined,
  work: (d: Deadline) => Promise<T>,
): Promise<T> => {
  const d = deadline(ms, parent);
  try {
    return await work(d);
  } finally {
    d.dispose();
  }
};
