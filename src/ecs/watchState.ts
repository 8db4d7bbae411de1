/**
 * The production watch carried across ECS invocations: each invocation watches one slice and
 * answers IN_PROGRESS with where the watch stands in hookDetails.watch; ECS hands it back on the
 * next invocation. hookDetails is a JSON object, so the sliding window travels as a string of
 * 1 (good) and 0 (failed) answers.
 */
import * as z from 'zod/mini';
import type { WatchProgress } from '../smoke/runProductionWatch';

const count = () => z.int().check(z.minimum(0));

const carried = z.object({
  startedAt: z.iso.datetime(),
  samples: count(),
  errors: count(),
  consecutive: count(),
  recent: z.string().check(z.regex(/^[01]*$/)),
});

export type WatchDetails = z.output<typeof carried>;

/**
 * The watch under way, or undefined for none. A state that does not parse starts a new window:
 * more watching, never less.
 */
export const watchProgressOf = (
  hookDetails: Readonly<Record<string, unknown>> | undefined,
): WatchProgress | undefined => {
  const parsed = carried.safeParse(hookDetails?.watch);
  if (!parsed.success) return undefined;
  const w = parsed.data;
  return {
    startedAt: Date.parse(w.startedAt),
    samples: w.samples,
    errors: w.errors,
    consecutive: w.consecutive,
    recent: [...w.recent].map((c) => c === '1'),
  };
};

export const watchDetailsOf = (progress: WatchProgress): WatchDetails => ({
  startedAt: new Date(progress.startedAt).toISOString(),
  samples: progress.samples,
  errors: progress.errors,
  consecutive: progress.consecutive,
  recent: progress.recent.map((ok) => (ok ? '1' : '0')).join(''),
});
