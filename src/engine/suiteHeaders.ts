/**
 * Every request header a suite run sends, resolved once before the first request (secrets read
 * from their stores, under the run's budget), with green's route headers (Service Connect's test
 * header) added on every green-side request: checks, the readiness probe and sampled checks.
 * A comparison's green side adds them itself, since its blue side must never carry them; the
 * watch probes production, which is not a test route.
 */
import {
  type ResolvedHeaders,
  resolveHeaders,
  type SecretReader,
  withDefaultHeaders,
} from '../probe/secrets';
import type { Check, CompareCheck, SampledCheck, Suite, WatchSettings } from '../suite/schema';

export interface SuiteHeaders {
  readonly checks: Map<Check, ResolvedHeaders>;
  readonly readiness: ResolvedHeaders;
  readonly sampled: Map<SampledCheck, ResolvedHeaders>;
  readonly compare: Map<CompareCheck, ResolvedHeaders>;
  readonly watch: ResolvedHeaders;
}

export interface HeaderSources {
  readonly suite: Suite;
  readonly checks: readonly Check[];
  readonly sampled: readonly SampledCheck[];
  readonly comparisons: readonly CompareCheck[];
  readonly watch: WatchSettings | undefined;
  readonly readSecret: SecretReader;
  readonly budget: AbortSignal;
  readonly greenHeaders: Readonly<Record<string, string>> | undefined;
}

/** Throws the first secret that could not be read. */
export const resolveSuiteHeaders = async (s: HeaderSources): Promise<SuiteHeaders> => {
  const resolve = (h: Parameters<typeof resolveHeaders>[0]) =>
    resolveHeaders(h, s.readSecret, s.budget);
  const each = async <T extends { headers: Parameters<typeof resolveHeaders>[0] }>(
    items: readonly T[],
    green: boolean,
  ) =>
    new Map(
      await Promise.all(
        items.map(async (c) => {
          const h = await resolve(c.headers);
          return [c, green ? withDefaultHeaders(h, s.greenHeaders) : h] as const;
        }),
      ),
    );
  const [checks, readiness, sampled, compare, watch] = await Promise.all([
    each(s.checks, true),
    resolve(s.suite.readiness?.headers ?? {}).then((h) => withDefaultHeaders(h, s.greenHeaders)),
    each(s.sampled, true),
    each(s.comparisons, false),
    resolve(s.watch?.headers ?? {}),
  ]);
  return { checks, readiness, sampled, compare, watch };
};
