/**
 * Fisher's exact test, one-sided, against values computed independently with SciPy 1.17.1
 * (`scipy.stats.fisher_exact([[g, gn - g], [b, bn - b]], alternative='greater').pvalue`) on this
 * machine, 2026-12-05; and ln Γ against exact factorials.
 */
import { fisherGreater, logGamma } from '../../../src/analysis/fisherExact';
import { twoProportionsGreater } from '../../../src/analysis/statistics';

describe("Fisher's exact test (is green's error rate above blue's?)", () => {
  it.each([
    [6, 360, 13, 3240, 0.00840963392800659],
    [36, 1200, 60, 10800, 5.095554793363054e-13],
    [8, 500, 3, 500, 0.11198701450948859],
    [3, 10, 0, 10, 0.10526315789473684],
    [6000, 1_000_000, 5000, 1_000_000, 6.010235424274467e-22],
  ])('%i/%i against %i/%i: p = %d (SciPy)', (g, gn, b, bn, expected) => {
    expect(fisherGreater(g, gn, b, bn) / expected).toBeCloseTo(1, 8);
  });

  it('is 1 with no error on either side, and never above 1', () => {
    expect(fisherGreater(0, 120, 0, 5000)).toBe(1);
    expect(fisherGreater(0, 100, 5, 100)).toBeLessThanOrEqual(1);
  });

  it('is bolder than the z-test exactly where few errors are expected', () => {
    // The case a minute-by-minute judge met on identical sides: z says 0.0008, the truth 0.0084.
    expect(twoProportionsGreater(6, 360, 13, 3240).pValue).toBeLessThan(0.001);
    expect(fisherGreater(6, 360, 13, 3240)).toBeGreaterThan(0.008);
  });

  it('ln Γ matches factorials', () => {
    let factorial = 1;
    for (let n = 1; n <= 20; n++) {
      factorial *= n;
      expect(logGamma(n + 1)).toBeCloseTo(Math.log(factorial), 10);
    }
    expect(logGamma(0.5)).toBeCloseTo(Math.log(Math.sqrt(Math.PI)), 12);
  });
});
