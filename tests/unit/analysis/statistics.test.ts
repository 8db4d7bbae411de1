/**
 * The judge's tests on known cases. Expected values computed independently with SciPy 1.17.1
 * (`scipy.stats.mannwhitneyu(x, y, alternative='greater', method='exact' | 'asymptotic')`, and
 * for two proportions `scipy.stats.norm.sf` of the pooled z), on this machine, 2026-12-05.
 */
import {
  erfc,
  mannWhitneyGreater,
  normalSf,
  twoProportionsGreater,
} from '../../../src/analysis/statistics';

describe('Mann-Whitney U, one-sided (is x larger?)', () => {
  it('textbook samples, exact: U = 17, p = 0.0556 (SciPy)', () => {
    const r = mannWhitneyGreater([19, 22, 16, 29, 24], [20, 11, 17, 12]);
    expect(r.method).toBe('exact');
    expect(r.u).toBe(17);
    expect(r.pValue).toBeCloseTo(0.05555555555555555, 12);
  });

  it('a slower green, eight minutes each, exact: U = 63, p = 0.000155 (SciPy)', () => {
    const r = mannWhitneyGreater(
      [212, 230, 198, 250, 241, 260, 225, 238],
      [180, 175, 190, 185, 200, 178, 195, 188],
    );
    expect(r.u).toBe(63);
    expect(r.pValue).toBeCloseTo(0.0001554001554001554, 12);
    expect(r.shift).toBeGreaterThan(30);
  });

  it('ties: normal approximation with tie and continuity corrections, U = 88.5, p = 0.1767 (SciPy)', () => {
    const r = mannWhitneyGreater(
      [10, 12, 12, 15, 15, 15, 20, 22, 25, 30, 31, 33],
      [10, 10, 12, 13, 15, 16, 16, 18, 19, 20, 21, 22],
    );
    expect(r.method).toBe('normal');
    expect(r.u).toBe(88.5);
    expect(r.pValue).toBeCloseTo(0.17670204765717779, 6);
  });

  it('identical sides (all tied): no evidence at all, p = 0.5588 (SciPy, asymptotic)', () => {
    const r = mannWhitneyGreater([5, 6, 7, 8], [5, 6, 7, 8]);
    expect(r.u).toBe(8);
    expect(r.method).toBe('normal');
    expect(r.pValue).toBeCloseTo(0.5587899, 5);
    expect(r.shift).toBe(0);
  });

  it('a faster green is never "larger"', () => {
    expect(mannWhitneyGreater([1, 2, 3], [10, 11, 12]).pValue).toBe(1);
  });

  it('refuses an empty side', () => {
    expect(() => mannWhitneyGreater([], [1])).toThrow(RangeError);
  });
});

describe('two proportions, one-sided (is green’s error rate higher?)', () => {
  it('3 % against 0.56 %: z = 9.02, p ~ 1e-19 (SciPy)', () => {
    const r = twoProportionsGreater(36, 1200, 60, 10800);
    expect(r.z).toBeCloseTo(9.017605242029353, 9);
    expect(r.pValue).toBeLessThan(1e-15);
  });

  it('equal rates: z = 0, p = 0.5 (SciPy)', () => {
    const r = twoProportionsGreater(6, 1200, 54, 10800);
    expect(r.z).toBeCloseTo(0, 12);
    expect(r.pValue).toBeCloseTo(0.5, 6);
  });

  it('3 % against 2 % on 500 requests each is not enough: z = 1.013, p = 0.1556 (SciPy)', () => {
    const r = twoProportionsGreater(15, 500, 10, 500);
    expect(r.z).toBeCloseTo(1.0127393670836664, 9);
    expect(r.pValue).toBeCloseTo(0.1555923344113091, 6);
  });

  it('no errors anywhere: nothing separates the sides', () => {
    expect(twoProportionsGreater(0, 100, 0, 100).pValue).toBe(0.5);
  });
});

describe('the normal tail', () => {
  it.each([
    [0, 0.5],
    [1.959963984540054, 0.025],
    [-1, 0.8413447460685429],
    [3, 0.0013498980316301],
  ])('P(Z > %f) = %f (SciPy norm.sf)', (z, p) => {
    expect(normalSf(z)).toBeCloseTo(p, 7);
  });
  it('erfc(0) = 1', () => expect(erfc(0)).toBeCloseTo(1, 7));
});
