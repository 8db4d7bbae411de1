/**
 * Streams of requests a suite may ask for: sampled checks (a load probe on green), comparisons
 * (green against blue) and the production watch; their limits bound the load on production.
 */
import * as z from 'zod/mini';
import {
  headers,
  milliseconds,
  nonEmpty,
  path,
  positiveInt,
  statusExpectation,
} from './primitives';

/** The requests of sampled and comparison checks: they cycle through `paths`. */
const requestTemplate = () => ({
  method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), 'GET'),
  paths: z.array(path()).check(z.minLength(1)),
  headers: headers(),
  body: z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])),
});

/** Requests a stream plans: its rate over its duration. */
export const plannedSamples = (s: {
  readonly ratePerSecond: number;
  readonly durationMs: number;
}): number => Math.floor((s.ratePerSecond * s.durationMs) / 1000);

/** Refuses a stream whose plan cannot reach its minSamples: it could only ever fail. */
const minSamplesReachable = (what: string) =>
  z.superRefine(
    (s: { ratePerSecond: number; durationMs: number; expect: { minSamples: number } }, ctx) => {
      const planned = plannedSamples(s);
      if (planned < s.expect.minSamples) {
        ctx.addIssue({
          code: 'custom',
          input: s,
          path: ['expect', 'minSamples'],
          message: `${s.expect.minSamples} ${what} cannot be reached: ratePerSecond x durationMs plans ${planned}`,
        });
      }
    },
  );

/** A stream's expectations: what counts as a good answer (2xx/3xx unless set), and its own. */
const streamExpect = <T extends z.core.$ZodLooseShape>(fields: T) =>
  z.prefault(
    z.strictObject({
      /** What counts as a good answer; anything else, or no answer, is an error. */
      status: z.prefault(statusExpectation, '200-399'),
      ...fields,
    }),
    // Every field has a default, so an absent `expect:` is an empty one (typed loosely: T is generic).
    {} as never,
  );

/** Requests a sampled check may send at most: bounded in count, whatever the settings. */
export const MAX_SAMPLES = 10_000;

/**
 * A sampled-traffic check: a bounded stream of requests at a set rate, judged on the
 * distribution (error rate, latency percentiles, samples reached) rather than on one answer.
 */
export const sampled = z
  .strictObject({
    name: nonEmpty(),
    ...requestTemplate(),
    ratePerSecond: z._default(z.number().check(z.positive(), z.maximum(200)), 5),
    durationMs: z._default(milliseconds(), 10_000),
    concurrency: z._default(positiveInt().check(z.maximum(64)), 4),
    timeoutMs: z.optional(milliseconds()),
    expect: streamExpect({
      maxErrorRate: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0),
      latencyMs: z.optional(
        z.strictObject({
          p50: z.optional(milliseconds()),
          p95: z.optional(milliseconds()),
          p99: z.optional(milliseconds()),
        }),
      ),
      minSamples: z._default(positiveInt(), 1),
    }),
  })
  .check(
    minSamplesReachable('samples'),
    z.superRefine((s, ctx) => {
      const planned = plannedSamples(s);
      if (planned > MAX_SAMPLES) {
        ctx.addIssue({
          code: 'custom',
          input: s,
          path: ['durationMs'],
          message: `ratePerSecond x durationMs plans ${planned} requests; at most ${MAX_SAMPLES}`,
        });
      }
    }),
  );

export type SampledCheck = z.output<typeof sampled>;

/** Load on production from a comparison is bounded: at most this rate and duration. */
export const COMPARE_LIMITS = { ratePerSecond: 5, durationMs: 30_000 } as const;

/**
 * Green against blue: the same request sequence to the test listener (green) and the production
 * listener (blue), at the same moments, judged on the difference.
 */
export const compare = z
  .strictObject({
    name: nonEmpty(),
    ...requestTemplate(),
    ratePerSecond: z._default(
      z
        .number()
        .check(
          z.positive(),
          z.maximum(
            COMPARE_LIMITS.ratePerSecond,
            `at most ${COMPARE_LIMITS.ratePerSecond} requests/s: the blue side is production`,
          ),
        ),
      COMPARE_LIMITS.ratePerSecond,
    ),
    durationMs: z._default(
      milliseconds().check(
        z.maximum(
          COMPARE_LIMITS.durationMs,
          `at most ${COMPARE_LIMITS.durationMs} ms: the blue side is production`,
        ),
      ),
      10_000,
    ),
    concurrency: z._default(positiveInt().check(z.maximum(8)), 2),
    timeoutMs: z.optional(milliseconds()),
    expect: streamExpect({
      /** Green's error rate may exceed blue's by at most this much (0.01 = one point). */
      maxErrorRateIncrease: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.01),
      percentile: z._default(z.union([z.literal(50), z.literal(95), z.literal(99)]), 95),
      /**
       * Green's percentile may be at most this many times blue's. 1.25, not 1.5: a limit equal
       * to the slowdown to catch is crossed by a 1.5x slower green only half the time (the
       * measured ratio scatters around 1.5). `npm run bench` measures both sides of the choice:
       * identical sides stay near 1.0x, a 1.5x slower green above 1.4x.
       */
      maxLatencyRatio: z._default(z.number().check(z.gt(1)), 1.25),
      /**
       * …and is judged slower only when it is also this much slower in absolute terms: on a
       * fast service 1.5x of 4 ms is scheduling noise, not a regression.
       */
      minLatencyDifferenceMs: z._default(z.int().check(z.minimum(0)), 25),
      /** Samples each side must reach before the ratio is judged. */
      minSamples: z._default(positiveInt(), 20),
      /** Also compare the JSON shape (keys and types, not values) of each path's answer. */
      jsonShape: z._default(z.boolean(), false),
    }),
  })
  .check(minSamplesReachable('samples per side'));

export type CompareCheck = z.output<typeof compare>;

/**
 * The production watch (CodeDeploy's AfterAllowTraffic): green now serves production; sample the
 * production listener at a low rate for a window and fail as soon as a sustained failure shows.
 */
export const watch = z.strictObject({
  ...requestTemplate(),
  ratePerSecond: z._default(
    z
      .number()
      .check(
        z.positive(),
        z.maximum(COMPARE_LIMITS.ratePerSecond, 'at most 5 requests/s: this is production'),
      ),
    2,
  ),
  windowMs: z._default(
    milliseconds().check(z.maximum(840_000, 'at most 14 minutes: it must fit the Lambda')),
    300_000,
  ),
  timeoutMs: z.optional(milliseconds()),
  /**
   * CloudWatch alarms that fail the watch while in ALARM: checked when the watch starts (an alarm
   * already firing sends no state-change event) and every `alarmIntervalMs` after.
   */
  alarms: z._default(
    z
      .array(z.string().check(z.minLength(1), z.maxLength(255)))
      .check(z.maxLength(100, 'at most 100 alarms')),
    [],
  ),
  /** Also the deployment's own alarms: the CodeDeploy group's, or the ECS service's. */
  deploymentAlarms: z._default(z.boolean(), false),
  alarmIntervalMs: z._default(
    milliseconds().check(z.minimum(1_000, 'at least 1000 ms: alarms change at most every 10 s')),
    10_000,
  ),
  expect: z.prefault(
    z.strictObject({
      status: z.prefault(statusExpectation, '200-399'),
      /** This many failures in a row fail the watch at once. */
      maxConsecutiveFailures: z._default(positiveInt(), 3),
      /** Or an error rate above this over the last `slidingWindow` requests. */
      maxErrorRate: z._default(z.number().check(z.minimum(0), z.maximum(1)), 0.25),
      slidingWindow: z._default(positiveInt().check(z.maximum(1000, 'at most 1000 requests')), 20),
    }),
    {},
  ),
});

export type WatchSettings = z.output<typeof watch>;
