/**
 * A check and what it expects (status, headers, body, JSON, latency), and the suite-wide
 * settings around checks: retries, TLS, the readiness gate, the ECS hook's pacing.
 */
import * as z from 'zod/mini';
import {
  headers,
  milliseconds,
  nonEmpty,
  path,
  positiveInt,
  regex,
  SUITE_DEFAULTS,
  statusExpectation,
} from './primitives';

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

export const check = z.strictObject({
  name: nonEmpty(),
  method: z._default(z.enum(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS']), 'GET'),
  path: path(),
  headers: headers(),
  body: z.optional(z.union([z.string(), z.record(z.string(), z.unknown()), z.array(z.unknown())])),
  timeoutMs: z.optional(milliseconds()),
  expect: z.prefault(expectation, {}),
});

export const retry = z.strictObject({
  attempts: z._default(positiveInt().check(z.maximum(10)), SUITE_DEFAULTS.retry.attempts),
  backoffMs: z._default(milliseconds(), SUITE_DEFAULTS.retry.backoffMs),
  maxBackoffMs: z._default(milliseconds(), SUITE_DEFAULTS.retry.maxBackoffMs),
});

/** HTTPS test listeners: see src/probe/tls.ts. */
export const tls = z.strictObject({
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
export const ecsSettings = z.strictObject({
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

export const readiness = z.strictObject({
  path: path(),
  headers: headers(),
  /** Wait for this status; without it, any answer that is not transient opens the gate. */
  status: z.optional(statusExpectation),
  budgetMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.budgetMs),
  intervalMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.intervalMs),
  maxIntervalMs: z._default(milliseconds(), SUITE_DEFAULTS.readiness.maxIntervalMs),
  timeoutMs: z.optional(milliseconds()),
});
