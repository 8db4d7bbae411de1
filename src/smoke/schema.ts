/**
 * The smoke suite language: what a suite file may say, its defaults, and the typed values the
 * engine runs on. Validation happens once, at the edge (package time, cold start, CLI start).
 */
import { z } from 'zod';

export const HOOK_NAMES = ['AfterAllowTestTraffic', 'BeforeAllowTraffic'] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Defaults of the suite language, written once. */
export const SUITE_DEFAULTS = {
  concurrency: 4,
  timeoutMs: 5_000,
  retry: { attempts: 3, backoffMs: 250, maxBackoffMs: 2_000 },
  readiness: { budgetMs: 60_000, intervalMs: 500, maxIntervalMs: 5_000 },
} as const;

const positiveInt = z.number().int().positive();

/** "pattern" or "/pattern/flags" (for flags such as i). */
const regex = z.string().transform((source, ctx) => {
  const literal = /^\/(.+)\/([dgimsuvy]*)$/s.exec(source);
  try {
    return literal ? new RegExp(literal[1] as string, literal[2]) : new RegExp(source);
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${String(error)}` });
    return z.NEVER;
  }
});

interface StatusRange {
  readonly min: number;
  readonly max: number;
  readonly text: string;
}
interface StatusList {
  readonly oneOf: readonly number[];
  readonly text: string;
}

/** 200, [200, 204] or "200-299". */
const statusExpectation = z
  .union([
    z.number().int().min(100).max(599),
    z.array(z.number().int().min(100).max(599)).min(1),
    z.string().regex(/^[1-5]\d\d-[1-5]\d\d$/, 'a status range is written "200-299"'),
  ])
  .transform((value): StatusRange | StatusList => {
    if (typeof value === 'number') return { min: value, max: value, text: String(value) };
    if (Array.isArray(value)) return { oneOf: value, text: value.join(' or ') };
    const [min, max] = value.split('-').map(Number) as [number, number];
    return { min, max, text: value };
  })
  .refine((s) => !('min' in s) || s.min <= s.max, 'range start is above its end');

export type StatusExpectation = z.output<typeof statusExpectation>;

const headerExpectation = z.union([
  z.string().transform((equals) => ({ equals })),
  z.strictObject({ equals: z.string() }),
  z.strictObject({ contains: z.string() }),
  z.strictObject({ matches: regex }),
  z.strictObject({ present: z.boolean() }),
]);

const jsonExpectation = z.union([
  z.strictObject({ path: z.string().min(1), equals: z.unknown() }),
  z.strictObject({ path: z.string().min(1), exists: z.boolean() }),
]);

const expectation = z.strictObject({
  status: statusExpectation.prefault(200),
  headers: z.record(z.string(), headerExpectation).default({}),
  bodyContains: z
    .union([z.string(), z.array(z.string())])
    .transform((v) => (Array.isArray(v) ? v : [v]))
    .default([]),
  bodyMatches: regex.optional(),
  json: z.array(jsonExpectation).default([]),
  maxLatencyMs: positiveInt.optional(),
});

export type Expectation = z.output<typeof expectation>;

/** A header value: plain text, or a reference to a secret read at run time. */
const headerValue = z.union([
  z.string(),
  z.strictObject({
    secret: z.union([
      z.strictObject({ ssm: z.string().min(1) }),
      z.strictObject({ secretsManager: z.string().min(1), jsonKey: z.string().min(1).optional() }),
    ]),
  }),
]);

export type HeaderValue = z.output<typeof headerValue>;
export type SecretRef = Exclude<HeaderValue, string>['secret'];

const path = z.string().startsWith('/', 'a path starts with "/"');

const check = z.strictObject({
  name: z.string().min(1),
  method: z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']).default('GET'),
  path,
  headers: z.record(z.string(), headerValue).default({}),
  body: z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional(),
  timeoutMs: positiveInt.optional(),
  expect: expectation.default(() => expectation.parse({})),
});

const retry = z.strictObject({
  attempts: positiveInt.max(10).default(SUITE_DEFAULTS.retry.attempts),
  backoffMs: positiveInt.default(SUITE_DEFAULTS.retry.backoffMs),
  maxBackoffMs: positiveInt.default(SUITE_DEFAULTS.retry.maxBackoffMs),
});

const readiness = z.strictObject({
  path,
  headers: z.record(z.string(), headerValue).default({}),
  status: statusExpectation.prefault(200),
  budgetMs: positiveInt.default(SUITE_DEFAULTS.readiness.budgetMs),
  intervalMs: positiveInt.default(SUITE_DEFAULTS.readiness.intervalMs),
  maxIntervalMs: positiveInt.default(SUITE_DEFAULTS.readiness.maxIntervalMs),
  timeoutMs: positiveInt.optional(),
});

export const suiteSchema = z
  .strictObject({
    name: z.string().min(1),
    concurrency: positiveInt.max(64).default(SUITE_DEFAULTS.concurrency),
    timeoutMs: positiveInt.default(SUITE_DEFAULTS.timeoutMs),
    retry: retry.default(() => retry.parse({})),
    readiness: readiness.optional(),
    checks: z.array(check).min(1),
    /** Which checks run in which hook; a hook not listed runs every check. */
    hooks: z.partialRecord(z.enum(HOOK_NAMES), z.array(z.string().min(1)).min(1)).default({}),
  })
  .superRefine((suite, ctx) => {
    const names = new Set<string>();
    suite.checks.forEach((c, i) => {
      if (names.has(c.name)) {
        ctx.addIssue({
          code: 'custom',
          path: ['checks', i, 'name'],
          message: `duplicate check name "${c.name}"`,
        });
      }
      names.add(c.name);
    });
    for (const hook of HOOK_NAMES) {
      suite.hooks[hook]?.forEach((name, i) => {
        if (!names.has(name)) {
          ctx.addIssue({
            code: 'custom',
            path: ['hooks', hook, i],
            message: `no check is named "${name}" (known: ${[...names].join(', ')})`,
          });
        }
      });
    }
  });

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
export type Check = Suite['checks'][number];
export type ReadinessGate = NonNullable<Suite['readiness']>;

/** The checks a hook runs, in file order. */
export const checksForHook = (suite: Suite, hook: HookName): Check[] => {
  const selected = suite.hooks[hook];
  return selected ? suite.checks.filter((c) => selected.includes(c.name)) : suite.checks;
};
