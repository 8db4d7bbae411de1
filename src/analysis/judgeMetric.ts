/**
 * One metric's verdict, green against blue: pass, fail or inconclusive, with the numbers that
 * made it. A fail needs both evidence (p below `alpha`) and an effect worth failing for (at least
 * `minEffect`): a statistically significant 0.1 ms is not a regression. Too little traffic is
 * inconclusive, never a pass: the caller waits for more, then applies the suite's rule.
 */
import { fisherGreater } from './fisherExact';
import { mannWhitneyGreater, twoProportionsGreater } from './statistics';

export type MetricVerdict = 'pass' | 'fail' | 'inconclusive';

export interface MetricJudgement {
  readonly metric: string;
  readonly verdict: MetricVerdict;
  /** What an operator reads: both sides, the effect, the p-value, and why. */
  readonly detail: string;
  readonly pValue?: number;
  readonly effect?: number;
}

export interface RateLimits {
  /** Requests each side must have served before a verdict (else inconclusive). */
  readonly minRequests: number;
  /** Green's rate minus blue's that is worth failing for, as a fraction (0.01 = 1 point). */
  readonly minEffect: number;
  readonly alpha: number;
}

export interface Counts {
  readonly errors: number;
  readonly requests: number;
}

const pct = (r: number) => `${(100 * r).toFixed(2)} %`;
const p = (v: number) => (v < 0.0001 ? v.toExponential(1) : v.toFixed(4));
/** Series values as an operator reads them: at most one decimal (0.1 ms of a latency). */
const round = (v: number) => Math.round(v * 10) / 10;

/** An error rate (errors over requests), judged with Fisher's exact test on the counts. */
export const judgeRate = (
  metric: string,
  green: Counts,
  blue: Counts,
  limits: RateLimits,
): MetricJudgement => {
  const sides = `green ${green.errors}/${green.requests}, blue ${blue.errors}/${blue.requests}`;
  if (green.requests < limits.minRequests || blue.requests < limits.minRequests) {
    return {
      metric,
      verdict: 'inconclusive',
      detail: `too little traffic to judge: ${sides} requests seen, ${limits.minRequests} needed on each side`,
    };
  }
  const rates = twoProportionsGreater(green.errors, green.requests, blue.errors, blue.requests);
  // The exact test's p-value: the z-test's approximation is too bold with few errors expected.
  const t = {
    ...rates,
    pValue: fisherGreater(green.errors, green.requests, blue.errors, blue.requests),
  };
  const effect = t.greenRate - t.blueRate;
  const numbers = `green ${pct(t.greenRate)} (${green.errors}/${green.requests}) vs blue ${pct(t.blueRate)} (${blue.errors}/${blue.requests}), +${pct(Math.max(0, effect))}, p = ${p(t.pValue)}`;
  const failed = t.pValue < limits.alpha && effect >= limits.minEffect;
  return {
    metric,
    verdict: failed ? 'fail' : 'pass',
    detail: failed
      ? `${numbers}: green is worse (p < ${limits.alpha}, effect >= ${pct(limits.minEffect)})`
      : `${numbers}: no regression worth failing for`,
    pValue: t.pValue,
    effect,
  };
};

export interface SeriesLimits {
  /** Complete minutes each side must have before a verdict (else inconclusive). */
  readonly minPoints: number;
  /** Green's typical change for the worse (Hodges-Lehmann shift) that is worth failing for. */
  readonly minEffect: number;
  readonly alpha: number;
  /** Which way is worse: higher (latency, the default) or lower (orders, sign-ups). */
  readonly worse?: 'higher' | 'lower';
}

/**
 * The smallest one-sided p-value Mann-Whitney U can give for samples of n and m: every green
 * point above every blue one, 1 / C(n + m, n).
 */
export const smallestPValue = (n: number, m: number): number => {
  let ways = 1;
  for (let i = 1; i <= Math.min(n, m); i++) ways = (ways * (n + m - i + 1)) / i;
  return 1 / ways;
};

/** The fewest points per side (at least `from`) with which the test can reach p < alpha. */
export const pointsForAlpha = (alpha: number, from = 1): number => {
  let k = Math.max(1, from);
  while (smallestPValue(k, k) >= alpha) k++;
  return k;
};

/** A series where higher is worse (latency per minute), judged with Mann-Whitney U. */
export const judgeSeries = (
  metric: string,
  green: readonly number[],
  blue: readonly number[],
  limits: SeriesLimits,
): MetricJudgement => {
  if (green.length < limits.minPoints || blue.length < limits.minPoints) {
    return {
      metric,
      verdict: 'inconclusive',
      detail: `too few complete minutes to judge: green ${green.length}, blue ${blue.length}, ${limits.minPoints} needed on each side`,
    };
  }
  // A pass must be one the test could have refused: with so few points that even the most
  // extreme ranking stays above alpha, "no evidence of a regression" says nothing.
  if (smallestPValue(green.length, blue.length) >= limits.alpha) {
    return {
      metric,
      verdict: 'inconclusive',
      detail: `too few complete minutes to judge: green ${green.length}, blue ${blue.length}; no ranking of so few minutes reaches p < ${limits.alpha}`,
    };
  }
  // Lower is worse: is blue above green? The shift is then blue's over green's, still >= 0 for
  // a green that got worse.
  const lower = limits.worse === 'lower';
  const t = lower ? mannWhitneyGreater(blue, green) : mannWhitneyGreater(green, blue);
  const median = (xs: readonly number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    const m = s.length / 2;
    return s.length % 2
      ? (s[Math.floor(m)] as number)
      : ((s[m - 1] as number) + (s[m] as number)) / 2;
  };
  const numbers = `green median ${round(median(green))} vs blue ${round(median(blue))}, ${lower ? 'drop' : 'shift'} ${round(t.shift)}, U = ${t.u}, p = ${p(t.pValue)} (${t.method})`;
  const failed = t.pValue < limits.alpha && t.shift >= limits.minEffect;
  return {
    metric,
    verdict: failed ? 'fail' : 'pass',
    detail: failed
      ? `${numbers}: green is worse (p < ${limits.alpha}, ${lower ? 'drop' : 'shift'} >= ${limits.minEffect})`
      : `${numbers}: no regression worth failing for`,
    pValue: t.pValue,
    effect: t.shift,
  };
};
