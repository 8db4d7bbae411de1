/**
 * What the ECS hook carries from one invocation to the next in hookDetails: the readiness wait,
 * that the stage's checks passed, and the production watch's progress. ECS hands back what an
 * IN_PROGRESS answer returned, merged with the hook definition's static hookDetails, which it
 * passes on every invocation; nothing says which wins. So the state is untrusted input:
 *
 * - it lives under one key and is bound to the service deployment, the stage and the traffic
 *   step (green's weights), so a state from another deployment, stage or step starts over;
 * - a state whose clock is in the future, or older than it could be, starts over;
 * - a state that does not parse starts over.
 *
 * Starting over means more work (a new readiness wait, the checks again, a new window), never
 * less: no carried state can shorten what is judged.
 */
import * as z from 'zod/mini';
import type { WatchProgress } from '../../traffic/runProductionWatch';
import type { EcsHookEvent } from './parseEcsHookEvent';

/** The hookDetails key the hook owns; everything else in hookDetails is the user's. */
export const STATE_KEY = 'bluegreenHooks';

/** Clocks of two Lambda hosts may differ a little; more than this in the future is refused. */
const CLOCK_SKEW_MS = 5_000;

const count = () => z.int().check(z.minimum(0));

const carriedWatch = z.object({
  startedAt: z.iso.datetime(),
  samples: count(),
  errors: count(),
  consecutive: count(),
  recent: z.string().check(z.regex(/^[01]*$/)),
  coveredMs: count(),
  lastSliceEndedAt: z.optional(z.iso.datetime()),
  longestGapMs: count(),
});

const carried = z.object({
  deployment: z.string(),
  stage: z.string(),
  step: z.string(),
  /** When this step's state began (ISO 8601): the readiness budget counts from here. */
  since: z.iso.datetime(),
  readinessAttempts: z._default(count(), 0),
  /** The stage's checks ran and passed, in this deployment, stage and step. */
  checksPassed: z._default(z.array(z.string()), []),
  watch: z.optional(carriedWatch),
  /**
   * The canary analysis of this step: when it began and how many times its metrics were read.
   * `startedAt` is on the metrics' clock, checked where it is used (analysisStage.ts).
   */
  analysis: z.optional(z.object({ startedAt: count(), reads: count() })),
});

type Carried = z.output<typeof carried>;

export interface StepBinding {
  readonly deployment: string;
  readonly stage: string;
  readonly step: string;
}

export interface StepState {
  readonly binding: StepBinding;
  readonly since: number;
  readonly readinessAttempts: number;
  readonly checksPassed: readonly string[];
  readonly watch?: WatchProgress;
  /** The step's canary analysis is under way: since when (metrics' clock, epoch ms), reads made. */
  readonly analysis?: { readonly startedAt: number; readonly reads: number };
}

/** A traffic step, by green's weights: under LINEAR and CANARY each step has its own. */
export const bindingOf = (event: EcsHookEvent): StepBinding => {
  const d = event.executionDetails;
  const weight = (w: Readonly<Record<string, number>> | undefined) =>
    w?.[d.targetServiceRevisionArn] ?? '-';
  return {
    deployment: event.resourceArn,
    stage: event.lifecycleStage,
    step: `test=${weight(d.testTrafficWeights)},production=${weight(d.productionTrafficWeights)}`,
  };
};

export const freshState = (binding: StepBinding, now: number): StepState => ({
  binding,
  since: now,
  readinessAttempts: 0,
  checksPassed: [],
});

export interface StateReading {
  readonly state: StepState;
  /** Why a carried state was not taken up (logged), when there was one. */
  readonly discarded?: string;
}

/**
 * The state this invocation continues, or a fresh one. `maxAgeMs`: the oldest a state of this
 * step can honestly be (the readiness budget plus the watch window plus slack).
 */
export const stepStateOf = (
  hookDetails: Readonly<Record<string, unknown>> | undefined,
  binding: StepBinding,
  now: number,
  maxAgeMs: number,
): StateReading => {
  const raw = hookDetails?.[STATE_KEY];
  if (raw === undefined) return { state: freshState(binding, now) };
  const fresh = (why: string): StateReading => ({
    state: freshState(binding, now),
    discarded: why,
  });
  const parsed = carried.safeParse(raw);
  if (!parsed.success) return fresh('it does not parse');
  const c = parsed.data;
  if (c.deployment !== binding.deployment || c.stage !== binding.stage || c.step !== binding.step) {
    return fresh(
      `it belongs to ${c.deployment} ${c.stage} ${c.step}, not ${binding.deployment} ${binding.stage} ${binding.step}`,
    );
  }
  const times = [c.since, c.watch?.startedAt, c.watch?.lastSliceEndedAt]
    .filter((t): t is string => t !== undefined)
    .map((t) => Date.parse(t));
  if (times.some((t) => t > now + CLOCK_SKEW_MS)) return fresh('its clock is in the future');
  if (times.some((t) => t < now - maxAgeMs)) {
    return fresh(`it is older than ${Math.round(maxAgeMs / 1000)} s`);
  }
  return { state: fromCarried(binding, c) };
};

const fromCarried = (binding: StepBinding, c: Carried): StepState => ({
  binding,
  since: Date.parse(c.since),
  readinessAttempts: c.readinessAttempts,
  checksPassed: c.checksPassed,
  ...(c.watch && {
    watch: {
      startedAt: Date.parse(c.watch.startedAt),
      samples: c.watch.samples,
      errors: c.watch.errors,
      consecutive: c.watch.consecutive,
      recent: [...c.watch.recent].map((ch) => ch === '1'),
      coveredMs: c.watch.coveredMs,
      ...(c.watch.lastSliceEndedAt && { lastSliceEndedAt: Date.parse(c.watch.lastSliceEndedAt) }),
      longestGapMs: c.watch.longestGapMs,
    },
  }),
  ...(c.analysis && { analysis: { startedAt: c.analysis.startedAt, reads: c.analysis.reads } }),
});

const iso = (ms: number) => new Date(ms).toISOString();

/** The hookDetails an IN_PROGRESS answer returns: the state under its one key. */
export const stateDetails = (state: StepState): Record<string, unknown> => ({
  [STATE_KEY]: {
    ...state.binding,
    since: iso(state.since),
    readinessAttempts: state.readinessAttempts,
    checksPassed: [...state.checksPassed],
    ...(state.watch && {
      watch: {
        startedAt: iso(state.watch.startedAt),
        samples: state.watch.samples,
        errors: state.watch.errors,
        consecutive: state.watch.consecutive,
        recent: state.watch.recent.map((ok) => (ok ? '1' : '0')).join(''),
        coveredMs: Math.round(state.watch.coveredMs),
        ...(state.watch.lastSliceEndedAt !== undefined && {
          lastSliceEndedAt: iso(state.watch.lastSliceEndedAt),
        }),
        longestGapMs: Math.round(state.watch.longestGapMs),
      },
    }),
    ...(state.analysis && {
      analysis: { startedAt: state.analysis.startedAt, reads: state.analysis.reads },
    }),
  } satisfies z.input<typeof carried>,
});
