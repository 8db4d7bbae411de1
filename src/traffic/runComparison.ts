/**
 * Green against blue. While blue still serves production and green the test listener, the same
 * request sequence goes to both at the same moments (so time-of-day drift hits both alike), and
 * green fails when it is worse than blue: a higher error rate by more than a margin, a chosen
 * latency percentile more than `maxLatencyRatio` times blue's, or (optionally) a JSON answer of
 * another shape. The load on production is bounded by the schema (COMPARE_LIMITS).
 */

import type { CheckResult, ComparisonStats } from '../engine/checkResult';
import type { Prober } from '../probe/httpProbe';
import { type ResolvedHeaders, withDefaultHeaders } from '../probe/secrets';
import type { CompareCheck } from '../suite/schema';
import { plannedSamples } from '../suite/streams';
import {
  paceRequests,
  percent,
  Tally,
  templateRequest,
  templateResult,
  unfinishedStream,
} from './sampling';

export type { ComparisonStats } from '../engine/checkResult';

export interface ComparisonContext {
  readonly prober: Prober;
  /** Green: the test listener. */
  readonly baseUrl: string;
  /** Blue: the production listener. */
  readonly productionUrl?: string;
  readonly budget: AbortSignal;
  readonly failFast: AbortSignal;
  readonly defaultTimeoutMs: number;
  /** Green's route headers (Service Connect's test header): green's side only, never blue's. */
  readonly greenHeaders?: Readonly<Record<string, string>>;
}

/** Keys and types of a JSON value, not its values (arrays: the shape of their first element). */
export const jsonShape = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.length ? [jsonShape(value[0])] : [];
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, jsonShape((value as Record<string, unknown>)[k])]),
    );
  }
  return value === null ? 'null' : typeof value;
};

/** The first place two shapes differ, as `a.b[0]: number vs string`, or undefined. */
export const shapeDifference = (green: unknown, blue: unknown, at = '$'): string | undefined => {
  // A shape (jsonShape) is an array, an object or a type's name: a JSON null is the name 'null'.
  const kind = (s: unknown) =>
    Array.isArray(s) ? 'array' : s !== null && typeof s === 'object' ? 'object' : String(s);
  const k = kind(green);
  if (k !== kind(blue)) return `${at}: ${k} in green, ${kind(blue)} in blue`;
  if (k === 'array') {
    const [g, b] = [green as unknown[], blue as unknown[]];
    return g.length && b.length ? shapeDifference(g[0], b[0], `${at}[0]`) : undefined;
  }
  if (k === 'object') {
    const g = green as Record<string, unknown>;
    const b = blue as Record<string, unknown>;
    for (const key of new Set([...Object.keys(g), ...Object.keys(b)])) {
      if (!(key in g)) return `${at}.${key}: missing in green`;
      if (!(key in b)) return `${at}.${key}: only in green`;
      const diff = shapeDifference(g[key], b[key], `${at}.${key}`);
      if (diff) return diff;
    }
  }
  return undefined;
};

/** Why green loses to blue (the first limit it breaks), or undefined when it holds up. */
export const judgeComparison = (
  check: CompareCheck,
  c: ComparisonStats,
  shapeDiff?: string,
): string | undefined => {
  const e = check.expect;
  for (const [side, stats] of [
    ['green', c.green],
    ['blue', c.blue],
  ] as const) {
    if (stats.samples < e.minSamples) {
      return `${side} reached ${stats.samples} samples, expected at least ${e.minSamples} to compare`;
    }
  }
  if (c.green.errorRate - c.blue.errorRate > e.maxErrorRateIncrease) {
    return `green error rate ${percent(c.green.errorRate)} against blue's ${percent(c.blue.errorRate)}, more than ${percent(e.maxErrorRateIncrease)} higher`;
  }
  const key = `p${c.percentile}Ms` as 'p50Ms' | 'p95Ms' | 'p99Ms';
  const difference = (c.green[key] ?? 0) - (c.blue[key] ?? 0);
  if (
    c.latencyRatio !== undefined &&
    c.latencyRatio > e.maxLatencyRatio &&
    difference >= e.minLatencyDifferenceMs
  ) {
    return `green p${c.percentile} ${c.green[key]} ms is ${c.latencyRatio.toFixed(2)}x blue's ${c.blue[key]} ms, expected at most ${e.maxLatencyRatio}x`;
  }
  if (shapeDiff) return `JSON shape differs from blue's: ${shapeDiff}`;
  return undefined;
};

export const runComparison = async (
  ctx: ComparisonContext,
  check: CompareCheck,
  headers: ResolvedHeaders,
): Promise<CheckResult> => {
  const base = templateResult(check.name, check, headers);
  const productionUrl = ctx.productionUrl;
  if (!productionUrl) {
    return {
      ...base,
      passed: false,
      attempts: 0,
      reason:
        'no production URL to compare with: discovery gives it (the production listener); with a plain URL, also give --production-url',
    };
  }
  const [green, blue] = await Promise.all([Tally.create(), Tally.create()]);
  const signal = AbortSignal.any([ctx.budget, ctx.failFast]);
  const planned = plannedSamples(check);
  const shapes = { green: new Map<string, unknown>(), blue: new Map<string, unknown>() };
  const sideHeaders = { green: withDefaultHeaders(headers, ctx.greenHeaders), blue: headers };
  const started = performance.now();
  const send = async (side: 'green' | 'blue', i: number) => {
    const path = check.paths[i % check.paths.length] as string;
    const url = side === 'green' ? ctx.baseUrl : productionUrl;
    const outcome = await ctx.prober.probe(
      templateRequest(check, url, i, sideHeaders[side], ctx.defaultTimeoutMs),
      signal,
    );
    (side === 'green' ? green : blue).record(outcome, check.expect.status);
    if (check.expect.jsonShape && outcome.kind === 'response' && !shapes[side].has(path)) {
      try {
        shapes[side].set(path, jsonShape(JSON.parse(outcome.response.body)));
      } catch {
        // not JSON: nothing to compare for this answer
      }
    }
  };
  // Both sides at each tick, the one asked first alternating.
  await paceRequests({ ...check, planned }, signal, async (i) => {
    const order = i % 2 === 0 ? (['green', 'blue'] as const) : (['blue', 'green'] as const);
    await Promise.all(order.map((side) => send(side, i)));
  });
  const p = check.expect.percentile;
  const g = green.percentile(p);
  const b = blue.percentile(p);
  const durationMs = performance.now() - started;
  const stats: ComparisonStats = {
    green: green.finish(planned, durationMs),
    blue: blue.finish(planned, durationMs),
    percentile: p,
    ...(g !== undefined && b !== undefined && { latencyRatio: g / Math.max(1, b) }),
  };
  const shapeDiff = check.paths
    .map((path) =>
      shapes.green.has(path) && shapes.blue.has(path)
        ? shapeDifference(shapes.green.get(path), shapes.blue.get(path), path)
        : undefined,
    )
    .find(Boolean);
  const result = {
    ...base,
    attempts: stats.green.samples,
    ...(stats.green.p50Ms !== undefined && { latencyMs: stats.green.p50Ms }),
    comparison: stats,
  };
  const cut = unfinishedStream(
    ctx,
    () => `time budget ran out after ${stats.green.samples} of ${planned} samples per side`,
  );
  if (cut) return { ...result, ...cut };
  const unmet = judgeComparison(check, stats, shapeDiff);
  return unmet ? { ...result, passed: false, reason: unmet } : { ...result, passed: true };
};
