/**
 * The suite language's building blocks: its defaults (written once), numbers and durations,
 * regular expressions, status expectations, header names and values (plain or secret), paths.
 * Written with zod/mini: the same validation as classic zod at ~12 KB instead of ~450 KB in the
 * Lambda bundle, which is loaded on every cold start.
 */
import * as z from 'zod/mini';
import { MAX_TIMER_MS } from '../time/deadline';
import './zodMessages';

/** Defaults of the suite language, written once. */
export const SUITE_DEFAULTS = {
  /** The escape hatch's marker, when a suite turns it on with `skipSmoke: {}`. */
  skipMarker: '[skip smoke]',
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

export const positiveInt = () => z.int().check(z.positive());
/** Milliseconds a Node timer can hold: longer ones are clamped to 1 ms (or throw). */
export const milliseconds = () =>
  positiveInt().check(
    z.maximum(MAX_TIMER_MS, `at most ${MAX_TIMER_MS} ms (2^31-1, the longest timer Node can set)`),
  );
export const nonEmpty = () => z.string().check(z.minLength(1));

/** "pattern" or "/pattern/flags" (for flags such as i). */
export const regex = z.pipe(
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
export const statusExpectation = z.pipe(
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
export const headerValue = z.union([
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

export const headers = () => z._default(z.record(headerName, headerValue), {});

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

export const path = () =>
  z.string().check(
    z.startsWith('/', 'a path starts with "/"'),
    z.superRefine((value, ctx) => {
      const problem = value.startsWith('/') ? pathProblem(value) : undefined;
      if (problem) ctx.addIssue({ code: 'custom', input: value, message: problem });
    }),
  );

/**
 * A skip marker as ECS can carry it: AWS tags hold letters, digits, spaces and + - = . _ : / @
 * only, so "[skip smoke]" is looked for as "skip smoke" in the task definition's tags.
 */
export const tagSafe = (marker: string): string =>
  marker.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '').trim();
