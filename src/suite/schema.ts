/**
 * The smoke suite language: what a suite file may say, its defaults, and the typed values the
 * engine runs on. Validation happens once, at the edge (package time, cold start, CLI start).
 *
 * Written with zod/mini: the same validation as classic zod at ~12 KB instead of ~450 KB in the
 * Lambda bundle, which is loaded on every cold start.
 */
import * as z from 'zod/mini';
import { MAX_TIMER_MS } from '../time/deadline';
import { closeMatches } from './closeMatches';
import { factNameProblem, referencesIn, stringsIn } from './facts';
import './zodMessages';

/** CodeDeploy lifecycle hooks: a hook not listed in `hooks:` runs every check. */
export const CODEDEPLOY_HOOKS = [
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
/**
 * ECS native blue/green lifecycle stages. A stage not listed in `hooks:` takes the selection of
 * its CodeDeploy equivalent (ECS_EQUIVALENTS); any other unlisted stage selects nothing, and the
 * ECS hook answers FAILED there rather than pass without looking.
 */
export const ECS_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export const HOOK_NAMES = [...CODEDEPLOY_HOOKS, ...ECS_STAGES] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export type EcsStage = (typeof ECS_STAGES)[number];

/** Defaults of the suite language, written once. */
export const SUITE_DEFAULTS = {
  concurrency: 4,
  timeoutMs: 5_000,
  retry: { attempts: 3, backoffMs: 250, maxBackoffMs: 2_000 },
  readiness: { budgetMs: 60_000, intervalMs: 500, maxIntervalMs: 5_000 },
  ecs: {
    overallBudgetMs: 600_000,
    callBackDelaySeconds: 10,
    skipOnServiceCreation: false,
    watchSliceMs: 40_000,
    watchCallBackDelaySeconds: 1,
  },
} as const;

const positiveInt = () => z.int().check(z.positive());
/** Milliseconds a Node timer can hold: longer ones are clamped to 1 ms (or throw). */
const milliseconds = () =>
  positiveInt().check(
    z.maximum(MAX_TIMER_MS, `at most ${MAX_TIMER_MS} ms (2^31-1, the longest timer Node can set)`),
  );
const nonEmpty = () => z.string().check(z.minLength(1));

/** "pattern" or "/pattern/flags" (for flags such as i). */
const regex = z.pipe(
  z.string(),
  z.transform((source: string, ctx) => {
    const literal = /^\/(.+)\/([dgimsuvy]*)$/s.exec(source);
    if (literal && /[gy]/.test(literal[2] as string)) {
      // lastIndex would carry over between tests, so the same response would pass, then fail.
      ctx.issues.push({
        code: 'custom',
        input: source,
        message:
          'the g and y flags make a regular expression remember where its last match ended, so the same response would pass and fail in turn; remove them (a check only asks whether the text matches)',
      });
      return z.NEVER;
    }
    try {
      return literal ? new RegExp(literal[1] as string, literal[2]) : new RegExp(source);
    } catch (error) {
      ctx.issues.push({
        code: 'custom',
        input: source,
        message: `not a valid regular expression: ${String(error)}`,
      });
      return z.NEVER;
    }
  }),
);

interface StatusRange {
  readonly min: number;
  readonly max: number;
  readonly text: string;
}
interface StatusList {
  readonly oneOf: readonly number[];
  readonly text: string;
}

const statusCode = () => z.int().check(z.minimum(100), z.maximum(599));

/** 200, [200, 204] or "200-299". */
const statusExpectation = z.pipe(
  z.union([
    statusCode(),
    z.array(statusCode()).check(z.minLength(1)),
    z.string().check(z.regex(/^[1-5]\d\d-[1-5]\d\d$/, 'a status range is written "200-299"')),
  ]),
  z
    .transform((value: number | number[] | string): StatusRange | StatusList => {
      if (typeof value === 'number') return { min: value, max: value, text: String(value) };
      if (Array.isArray(value)) return { oneOf: value, text: value.join(' or ') };
      const [min, max] = value.split('-').map(Number) as [number, number];
      return { min, max, text: value };
    })
    .check(z.refine((s) => !('min' in s) || s.min <= s.max, 'range start is above its end')),
);

export type StatusExpectation = z.output<typeof statusExpectation>;

const headerExpectation = z.union([
  z.pipe(
    z.string(),
    z.transform((equals: string) => ({ equals })),
  ),
  z.strictObject({ equals: z.string() }),
  z.strictObject({ contains: z.string() }),
  z.strictObject({ matches: regex }),
  z.strictObject({ present: z.boolean() }),
]);

const jsonExpectation = z.union([
  z.strictObject({ path: nonEmpty(), equals: z.unknown() }),
  z.strictObject({ path: nonEmpty(), exists: z.boolean() }),
]);

const expectation = z.strictObject({
  status: z.prefault(statusExpectation, 200),
  headers: z._default(z.record(z.string(), headerExpectation), {}),
  bodyContains: z._default(
    z.pipe(
      z.union([z.string(), z.array(z.string())]),
      z.transform((v: string | string[]) => (Array.isArray(v) ? v : [v])),
    ),
    [],
  ),
  bodyMatches: z.optional(regex),
  json: z._default(z.array(jsonExpectation), []),
  maxLatencyMs: z.optional(milliseconds()),
});

export type Expectation = z.output<typeof expectation>;

/** RFC 9110 token: what Node (and HTTP) accepts as a header name. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const headerName = z
  .string()
  .check(z.regex(HEADER_NAME, "a header name is letters, digits and !#$%&'*+-.^_`|~ only"));

/** Why a header value cannot be sent as written, or undefined. */
export const headerValueProblem = (value: string): string | undefined => {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: CR, LF and NUL are what is refused
  if (/[\r\n\u0000]/.test(value)) {
    return 'a header value cannot contain CR, LF or NUL (they would split or end the header)';
  }
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the Latin-1 range is the point
  if (/[^\u0000-\u00ff]/.test(value)) {
    return "a header value is sent as Latin-1 and this one has other characters; percent-encode them (e.g. encodeURIComponent) or use the RFC 8187 form your app reads (name*=UTF-8''...)";
  }
  return undefined;
};

const plainHeaderValue = z.string().check(
  z.superRefine((value, ctx) => {
    const problem = headerValueProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
  }),
);

/** A header value: plain text, or a reference to a secret read at run time. */
const headerValue = z.union([
  plainHeaderValue,
  z.strictObject({
    secret: z.union([
      z.strictObject({ ssm: nonEmpty() }),
      z.strictObject({ secretsManager: nonEmpty(), jsonKey: z.optional(nonEmpty()) }),
    ]),
  }),
]);

export type HeaderValue = z.output<typeof headerValue>;
export type SecretRef = Exclude<HeaderValue, string>['secret'];

const headers = () => z._default(z.record(headerName, headerValue), {});

/** Why a check path would send the request somewhere else than it shows, or undefined. */
export const pathProblem = (path: string): string | undefined => {
  if (path.includes('#')) {
    return 'a path cannot have a fragment (#…): it is never sent to the server';
  }
  const segments = (path.split('?')[0] as string).split('/');
  const dotted = segments.some((seg) => {
    const decoded = seg.replace(/%2e/gi, '.');
    return decoded === '.' || decoded === '..';
  });
  if (dotted) {
    const resolved = new URL(path, 'http://host');
    return `a path with "." or ".." segments is sent as ${resolved.pathname}${resolved.search}, not as written; write that path instead`;
  }
  return undefined;
};

const path = () =>
  z.string().check(
    z.startsWith('/', 'a path starts with "/"'),
    z.superRefine((value, ctx) => {
      const problem = value.startsWith('/') ? pathProblem(value) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
    }),
  );

const check = z.strictObject({
  name: nonEmpty(),
  method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), 'GET'),
  path: path(),
  headers: headers(),
  body: z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])),
  timeoutMs: z.optional(milliseconds()),
  expect: z.prefault(expectation, {}),
});

const retry = z.strictObject({
  attempts: z._default(positiveInt().check(z.maximum(10)), SUITE_DEFAULTS.retry.attempts),
  backoffMs: z._default(milliseconds(), SUITE_DEFAULTS.retry.backoffMs),
  maxBackoffMs: z._default(milliseconds(), SUITE_DEFAULTS.retry.maxBackoffMs),
});

/** HTTPS test listeners: see src/probe/tls.ts. */
const tls = z.strictObject({
  /** The name on the listener's certificate: SNI, verification and Host. */
  serverName: z.optional(
    z
      .string()
      .check(
        z.regex(
          /^(?=.{1,253}$)[A-Za-z0-9*]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*$/,
          'a DNS name such as shop.example.com',
        ),
      ),
  ),
  /** A PEM file of CAs to trust, relative to the suite file; bundled at package time. */
  caFile: z.optional(nonEmpty()),
  /** The PEM text itself (what caFile becomes once the suite is loaded or bundled). */
  ca: z.optional(
    z.string().check(z.includes('-----BEGIN CERTIFICATE-----', 'PEM text with a certificate')),
  ),
});

/**
 * ECS native hooks: a readiness wait is carried across invocations (IN_PROGRESS with a callback
 * delay) instead of holding the Lambda, within an overall budget.
 */
const ecsSettings = z.strictObject({
  overallBudgetMs: z._default(milliseconds(), SUITE_DEFAULTS.ecs.overallBudgetMs),
  callBackDelaySeconds: z._default(
    positiveInt().check(z.maximum(900)),
    SUITE_DEFAULTS.ecs.callBackDelaySeconds,
  ),
  /** At a service's first deployment (no other revision), return SUCCEEDED without checks. */
  skipOnServiceCreation: z._default(z.boolean(), SUITE_DEFAULTS.ecs.skipOnServiceCreation),
  /**
   * The production watch at POST_PRODUCTION_TRAFFIC_SHIFT runs in slices of this length, one per
   * invocation (it must fit the function's timeout with the discovery and a request's timeout)…
   */
  watchSliceMs: z._default(
    milliseconds().check(z.maximum(840_000, 'at most 14 minutes: it must fit the Lambda')),
    SUITE_DEFAULTS.ecs.watchSliceMs,
  ),
  /** …with this pause between slices, when nothing watches production. */
  watchCallBackDelaySeconds: z._default(
    positiveInt().check(z.maximum(900)),
    SUITE_DEFAULTS.ecs.watchCallBackDelaySeconds,
  ),
});

const readiness = z.strictObject({
  path: path(),
  headers: headers(),
  /** Wait for this status; without it, any answer that is not transient opens the gate. */
  status: z.optional(statusExpectation),
  budgetMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.budgetMs),
  intervalMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.intervalMs),
  maxIntervalMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.maxIntervalMs),
  timeoutMs: z.optional(milliseconds()),
});

/** The requests of sampled and comparison checks: they cycle through `paths`. */
const requestTemplate = () => ({
  method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), 'GET'),
  paths: z.array(path()).check(z.minLength(1)),
  headers: headers(),
  body: z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])),
});

/** Requests a sampled check may send at most: bounded in count, whatever the settings. */
export const MAX_SAMPLES = 10_000;

/**
 * A sampled-traffic check: a bounded stream of requests at a set rate, judged on the
 * distribution (error rate, latency percentiles, samples reached) rather than on one answer.
 */
const sampled = z
  .strictObject({
    name: nonEmpty(),
    ...requestTemplate(),
    ratePerSecond: z._default(z.number().check(z.positive(), z.maximum(200)), 5),
    durationMs: z._default(milliseconds(), 10_000),
    concurrency: z._default(positiveInt().check(z.maximum(64)), 4),
    timeoutMs: z.optional(milliseconds()),
    expect: z.prefault(
      z.strictObject({
        /** What counts as a good answer; anything else, or no answer, is an error. */
        status: z.prefault(statusExpectation, '200-399'),
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
      {},
    ),
  })
  .check(
    z.superRefine((s, ctx) => {
      const planned = Math.floor((s.ratePerSecond * s.durationMs) / 1000);
      if (planned > MAX_SAMPLES) {
        ctx.addIssue({
          code: 'custom',
          input: s,
          path: ['durationMs'],
          message: `ratePerSecond x durationMs plans ${planned} requests; at most ${MAX_SAMPLES}`,
        });
      }
      if (planned < s.expect.minSamples) {
        ctx.addIssue({
          code: 'custom',
          input: s,
          path: ['expect', 'minSamples'],
          message: `${s.expect.minSamples} samples cannot be reached: ratePerSecond x durationMs plans ${planned}`,
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
const compare = z
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
    expect: z.prefault(
      z.strictObject({
        status: z.prefault(statusExpectation, '200-399'),
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
      {},
    ),
  })
  .check(
    z.superRefine((c, ctx) => {
      const planned = Math.floor((c.ratePerSecond * c.durationMs) / 1000);
      if (planned < c.expect.minSamples) {
        ctx.addIssue({
          code: 'custom',
          input: c,
          path: ['expect', 'minSamples'],
          message: `${c.expect.minSamples} samples per side cannot be reached: ratePerSecond x durationMs plans ${planned}`,
        });
      }
    }),
  );

export type CompareCheck = z.output<typeof compare>;

/**
 * The production watch (CodeDeploy's AfterAllowTraffic): green now serves production; sample the
 * production listener at a low rate for a window and fail as soon as a sustained failure shows.
 */
const watch = z.strictObject({
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

export const suiteSchema = z
  .strictObject({
    name: nonEmpty(),
    concurrency: z._default(positiveInt().check(z.maximum(64)), SUITE_DEFAULTS.concurrency),
    timeoutMs: z._default(milliseconds(), SUITE_DEFAULTS.timeoutMs),
    retry: z.prefault(retry, {}),
    tls: z.optional(tls),
    ecs: z.prefault(ecsSettings, {}),
    readiness: z.optional(readiness),
    checks: z.array(check).check(z.minLength(1)),
    /** Sampled-traffic checks: run after the checks pass, one at a time. */
    sampled: z._default(z.array(sampled), []),
    /** Green against blue: run after the checks pass, one at a time. */
    compare: z._default(z.array(compare), []),
    /** The production watch: AfterAllowTraffic, or POST_PRODUCTION_TRAFFIC_SHIFT in slices. */
    watch: z.optional(watch),
    /** Which checks run in which hook; a hook not listed runs every check. */
    hooks: z._default(
      z.partialRecord(z.enum(HOOK_NAMES), z.array(nonEmpty()).check(z.minLength(1))),
      {},
    ),
  })
  .check(
    z.superRefine((suite, ctx) => {
      const names = new Set<string>();
      suite.checks.forEach((c, i) => {
        // Revision facts: a closed grammar, checked here so a typo is a load error.
        for (const { path, text } of stringsIn(c.expect, ['checks', i, 'expect'])) {
          for (const name of referencesIn(text)) {
            const problem = factNameProblem(name);
            if (problem) ctx.addIssue({ code: 'custom', input: text, path, message: problem });
          }
        }
        // Facts are text, filled in by replacement: inside a regular expression they would be
        // neither checked nor filled in, so they are refused where they are written.
        const regexes: Array<[PropertyKey[], RegExp]> = [
          ...(c.expect.bodyMatches
            ? [
                [['checks', i, 'expect', 'bodyMatches'], c.expect.bodyMatches] as [
                  PropertyKey[],
                  RegExp,
                ],
              ]
            : []),
          ...Object.entries(c.expect.headers).flatMap(
            ([h, e]): Array<[PropertyKey[], RegExp]> =>
              'matches' in e ? [[['checks', i, 'expect', 'headers', h, 'matches'], e.matches]] : [],
          ),
        ];
        for (const [path, re] of regexes) {
          const facts = referencesIn(re.source);
          if (facts.length > 0) {
            ctx.addIssue({
              code: 'custom',
              input: re.source,
              path,
              message: `{{${facts[0]}}} inside a regular expression is neither checked nor filled in; compare a fact as text instead (bodyContains, a header's equals or contains, or json equals)`,
            });
          }
        }
        if (names.has(c.name)) {
          ctx.addIssue({
            code: 'custom',
            input: c.name,
            path: ['checks', i, 'name'],
            message: `duplicate check name "${c.name}"`,
          });
        }
        names.add(c.name);
      });
      for (const section of ['sampled', 'compare'] as const) {
        suite[section].forEach((c, i) => {
          if (names.has(c.name)) {
            ctx.addIssue({
              code: 'custom',
              input: c.name,
              path: [section, i, 'name'],
              message: `duplicate check name "${c.name}"`,
            });
          }
          names.add(c.name);
        });
      }
      for (const hook of HOOK_NAMES) {
        suite.hooks[hook]?.forEach((name, i) => {
          if (!names.has(name)) {
            ctx.addIssue({
              code: 'custom',
              input: name,
              path: ['hooks', hook, i],
              message: `no check is named "${name}"${didYouMean(name, names)}`,
            });
          }
        });
      }
    }),
  );

/** A few close names, never the whole list (a suite may have hundreds of checks). */
const didYouMean = (name: string, known: Iterable<string>): string => {
  const close = closeMatches(name, known, 3);
  return close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(', ')}?` : '';
};

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
export type Check = Suite['checks'][number];

export const isEcsStage = (hook: HookName): hook is EcsStage =>
  (ECS_STAGES as readonly string[]).includes(hook);

export type CodeDeployHook = (typeof CODEDEPLOY_HOOKS)[number];

/**
 * The CodeDeploy hook whose selection an ECS stage takes when `hooks:` does not list the stage,
 * so one suite serves both controllers unedited: the test listener reaches green, green is about
 * to take production, green serves production.
 */
export const ECS_EQUIVALENTS: Readonly<Partial<Record<EcsStage, CodeDeployHook>>> = {
  POST_TEST_TRAFFIC_SHIFT: 'AfterAllowTestTraffic',
  PRE_PRODUCTION_TRAFFIC_SHIFT: 'BeforeAllowTraffic',
  POST_PRODUCTION_TRAFFIC_SHIFT: 'AfterAllowTraffic',
};

/**
 * Where a hook's selection comes from: its own `hooks:` entry, its CodeDeploy equivalent's, or
 * 'all' (a CodeDeploy hook with no entry runs every check); undefined: nothing is selected.
 */
export const selectionSource = (suite: Suite, hook: HookName): HookName | 'all' | undefined => {
  if (suite.hooks[hook]) return hook;
  if (!isEcsStage(hook)) return 'all';
  const equivalent = ECS_EQUIVALENTS[hook];
  if (!equivalent) return undefined;
  return suite.hooks[equivalent] ? equivalent : 'all';
};

/** The checks a hook runs, in file order (see selectionSource). */
export const checksForHook = (suite: Suite, hook: HookName): Check[] =>
  selectForHook(suite, hook, suite.checks);

/** The sampled checks a hook runs, chosen as `checksForHook` chooses checks. */
export const sampledForHook = (suite: Suite, hook: HookName): SampledCheck[] =>
  selectForHook(suite, hook, suite.sampled);

/** The comparisons a hook runs, chosen the same way. */
export const comparisonsForHook = (suite: Suite, hook: HookName): CompareCheck[] =>
  selectForHook(suite, hook, suite.compare);

/** The stages where green serves production and the suite's `watch:` runs. */
export const WATCH_STAGES: readonly HookName[] = [
  'AfterAllowTraffic',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];

/** The suite's production watch, if this hook runs it. */
export const watchForHook = (suite: Suite, hook: HookName): WatchSettings | undefined =>
  WATCH_STAGES.includes(hook) ? suite.watch : undefined;

/** Everything a hook runs, by name: the selection that the verdict must see judged. */
export const selectedItems = (suite: Suite, hook: HookName): string[] => [
  ...checksForHook(suite, hook).map((c) => c.name),
  ...sampledForHook(suite, hook).map((c) => c.name),
  ...comparisonsForHook(suite, hook).map((c) => c.name),
  ...(watchForHook(suite, hook) ? [WATCH_NAME] : []),
];

/** Whether a hook's selection needs the production listener: a comparison, or the watch. */
export const needsProduction = (suite: Suite, hook: HookName): boolean =>
  comparisonsForHook(suite, hook).length > 0 || watchForHook(suite, hook) !== undefined;

/** The name the production watch's result carries. */
export const WATCH_NAME = 'production watch';

const selectForHook = <T extends { name: string }>(suite: Suite, hook: HookName, all: T[]): T[] => {
  const source = selectionSource(suite, hook);
  if (source === undefined) return [];
  if (source === 'all') return all;
  const selected = suite.hooks[source] ?? [];
  return all.filter((c) => selected.includes(c.name));
};
