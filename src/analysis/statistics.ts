/**
 * The tests canary analysis judges with, green against blue:
 *
 * - **Mann-Whitney U** for series (per-minute latencies), as Kayenta does: no assumption about the
 *   distribution, robust to the odd slow minute. Exact p-value for small samples without ties,
 *   else the normal approximation with the tie and continuity corrections (what SciPy's
 *   `mannwhitneyu` computes, against which the unit tests check it).
 * - **Two proportions** for error rates, with counts: the pooled z-test.
 *
 * Both are one-sided: the question is only ever "is green worse?". Pure functions, no I/O.
 */

/** P(Z > z) for a standard normal Z. */
export const normalSf = (z: number): number => 0.5 * erfc(z / Math.SQRT2);

/**
 * The complementary error function (Numerical Recipes' Chebyshev fit, relative error below
 * 1.2e-7 everywhere): enough for p-values compared with thresholds like 0.01.
 */
export const erfc = (x: number): number => {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t *
          (1.00002368 +
            t *
              (0.37409196 +
                t *
                  (0.09678418 +
                    t *
                      (-0.18628806 +
                        t *
                          (0.27886807 +
                            t *
                              (-1.13520398 +
                                t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
};

/** Ranks from 1, ties given the mean of the ranks they span; and each tie group's size. */
const rank = (values: readonly number[]): { ranks: number[]; ties: number[] } => {
  const order = values.map((v, i) => [v, i] as const).sort((a, b) => a[0] - b[0]);
  const ranks = new Array<number>(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length; ) {
    let j = i;
    while (j + 1 < order.length && order[j + 1]?.[0] === order[i]?.[0]) j++;
    const mean = (i + j + 2) / 2;
    for (let k = i; k <= j; k++) ranks[order[k]?.[1] as number] = mean;
    if (j > i) ties.push(j - i + 1);
    i = j + 1;
  }
  return { ranks, ties };
};

/** Ways to reach each U for samples of n and m without ties (the exact null distribution). */
const exactCounts = (n: number, m: number): number[] => {
  // f[i][j][u]: arrangements of i x's and j y's with U = u; rolled over j to keep memory small.
  let prev: number[][] = Array.from({ length: n + 1 }, (_, i) => (i === 0 ? [1] : [1]));
  for (let j = 1; j <= m; j++) {
    const cur: number[][] = [[1]];
    for (let i = 1; i <= n; i++) {
      const size = i * j + 1;
      const row = new Array<number>(size).fill(0);
      const left = cur[i - 1] as number[]; // one x fewer: that x is below all j y's (adds j)
      const up = prev[i] as number[]; // one y fewer: the top element is a y (adds 0)
      for (let u = 0; u < size; u++) row[u] = (u - j >= 0 ? (left[u - j] ?? 0) : 0) + (up[u] ?? 0);
      cur.push(row);
    }
    prev = cur;
  }
  return prev[n] as number[];
};

const EXACT_MAX = 400;

export interface MannWhitney {
  /** U of the first sample: how many (x, y) pairs have x above y (ties count half). */
  readonly u: number;
  /** P(U >= observed) if both come from one distribution: small when x is larger. */
  readonly pValue: number;
  readonly method: 'exact' | 'normal';
  /** Hodges-Lehmann: the median of all differences x - y, the typical shift of x over y. */
  readonly shift: number;
}

/** One-sided Mann-Whitney U: is `x` (green) stochastically larger than `y` (blue)? */
export const mannWhitneyGreater = (x: readonly number[], y: readonly number[]): MannWhitney => {
  const n = x.length;
  const m = y.length;
  if (n === 0 || m === 0) throw new RangeError('Mann-Whitney needs at least one value per side');
  const { ranks, ties } = rank([...x, ...y]);
  const r1 = ranks.slice(0, n).reduce((a, b) => a + b, 0);
  const u = r1 - (n * (n + 1)) / 2;
  const diffs = x.flatMap((a) => y.map((b) => a - b)).sort((a, b) => a - b);
  const mid = diffs.length / 2;
  const shift =
    diffs.length % 2
      ? (diffs[Math.floor(mid)] as number)
      : ((diffs[mid - 1] as number) + (diffs[mid] as number)) / 2;
  if (ties.length === 0 && n * m <= EXACT_MAX) {
    const counts = exactCounts(n, m);
    const total = counts.reduce((a, b) => a + b, 0);
    const atLeast = counts.slice(Math.ceil(u)).reduce((a, b) => a + b, 0);
    return { u, pValue: atLeast / total, method: 'exact', shift };
  }
  const all = n + m;
  const tieTerm = ties.reduce((a, t) => a + t ** 3 - t, 0) / (all * (all - 1));
  const sigma = Math.sqrt(((n * m) / 12) * (all + 1 - tieTerm));
  if (sigma === 0) return { u, pValue: 1, method: 'normal', shift };
  const z = (u - (n * m) / 2 - 0.5) / sigma;
  return { u, pValue: normalSf(z), method: 'normal', shift };
};

export interface TwoProportions {
  readonly greenRate: number;
  readonly blueRate: number;
  readonly z: number;
  /** P(Z >= z): small when green's rate is above blue's beyond chance. */
  readonly pValue: number;
}

/** One-sided pooled two-proportion z-test: is green's error rate above blue's? */
export const twoProportionsGreater = (
  greenErrors: number,
  greenTotal: number,
  blueErrors: number,
  blueTotal: number,
): TwoProportions => {
  if (greenTotal <= 0 || blueTotal <= 0) throw new RangeError('both sides need requests');
  const greenRate = greenErrors / greenTotal;
  const blueRate = blueErrors / blueTotal;
  const pooled = (greenErrors + blueErrors) / (greenTotal + blueTotal);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / greenTotal + 1 / blueTotal));
  // Both sides all errors or none: the rates are equal and nothing separates them.
  if (se === 0) return { greenRate, blueRate, z: 0, pValue: 0.5 };
  const z = (greenRate - blueRate) / se;
  return { greenRate, blueRate, z, pValue: normalSf(z) };
};
