import {
  judgeRate,
  judgeSeries,
  pointsForAlpha,
  smallestPValue,
} from '../../../src/analysis/judgeMetric';

const rate = { minRequests: 500, minEffect: 0.01, alpha: 0.01 };
const series = { minPoints: 5, minEffect: 20, alpha: 0.01 };

describe("judgeRate (error rates, Fisher's exact test; p-values from SciPy's fisher_exact)", () => {
  it('fails a green at 3 % against blue at 0.56 %, showing both sides and the p-value', () => {
    const j = judgeRate(
      '5xx rate',
      { errors: 36, requests: 1200 },
      { errors: 60, requests: 10800 },
      rate,
    );
    expect(j.verdict).toBe('fail');
    expect(j.detail).toMatch(
      /^green 3\.00 % \(36\/1200\) vs blue 0\.56 % \(60\/10800\), \+2\.44 %, p = 5\.1e-13: green is worse/,
    );
  });

  it('too little traffic is inconclusive, never a pass, and says what was needed', () => {
    const j = judgeRate(
      '5xx rate',
      { errors: 0, requests: 120 },
      { errors: 0, requests: 5000 },
      rate,
    );
    expect(j.verdict).toBe('inconclusive');
    expect(j.detail).toBe(
      'too little traffic to judge: green 0/120, blue 0/5000 requests seen, 500 needed on each side',
    );
  });

  it('a significant difference below the minimum effect passes', () => {
    // 0.6 % against 0.5 % on a million requests each: significant, but 0.1 point.
    const j = judgeRate(
      '5xx rate',
      { errors: 6000, requests: 1e6 },
      { errors: 5000, requests: 1e6 },
      rate,
    );
    expect(j.pValue).toBeLessThan(0.01);
    expect(j.verdict).toBe('pass');
  });

  it('a large effect without evidence passes (2 of 500 against 0 of 500 is chance)', () => {
    const j = judgeRate(
      '5xx rate',
      { errors: 8, requests: 500 },
      { errors: 3, requests: 500 },
      rate,
    );
    expect(j.pValue).toBeGreaterThan(0.01);
    expect(j.verdict).toBe('pass');
  });
});

describe('judgeSeries (latency per minute, Mann-Whitney U)', () => {
  it('fails a green 40 ms slower minute after minute', () => {
    const j = judgeSeries(
      'p99 latency (ms)',
      [212, 230, 198, 250, 241, 260, 225, 238],
      [180, 175, 190, 185, 200, 178, 195, 188],
      series,
    );
    expect(j.verdict).toBe('fail');
    expect(j.detail).toMatch(/U = 63, p = 0\.0002 \(exact\): green is worse/);
  });

  it('passes a consistently but negligibly slower green (shift below the minimum effect)', () => {
    const j = judgeSeries(
      'p99 latency (ms)',
      [101, 102, 103, 104, 105, 106],
      [100, 100.5, 101.5, 102.5, 99, 98],
      series,
    );
    expect(j.verdict).toBe('pass');
  });

  it('too few complete minutes is inconclusive', () => {
    expect(judgeSeries('p99', [300, 310], [100, 110, 120, 130, 140], series).verdict).toBe(
      'inconclusive',
    );
  });

  it('is inconclusive, never a pass, when no ranking of so few minutes could reach alpha', () => {
    // 3 minutes a side: even every green minute above every blue one gives p = 1/20 = 0.05
    const limits = { minPoints: 3, minEffect: 20, alpha: 0.01 };
    const j = judgeSeries('p99', [900, 950, 990], [100, 110, 120], limits);
    expect(j.verdict).toBe('inconclusive');
    expect(j.detail).toBe(
      'too few complete minutes to judge: green 3, blue 3; no ranking of so few minutes reaches p < 0.01',
    );
    expect(
      judgeSeries('p99', [900, 950, 990, 999, 1000], [100, 110, 120, 130, 140], limits).verdict,
    ).toBe('fail');
  });

  it('knows the smallest p-value each size can give, and the sizes each alpha needs', () => {
    expect(smallestPValue(3, 3)).toBeCloseTo(1 / 20, 12);
    expect(smallestPValue(4, 4)).toBeCloseTo(1 / 70, 12);
    expect(smallestPValue(5, 3)).toBeCloseTo(1 / 56, 12);
    expect(pointsForAlpha(0.01)).toBe(5);
    expect(pointsForAlpha(0.05)).toBe(4);
    expect(pointsForAlpha(0.2)).toBe(2); // 1 / C(4, 2) = 0.17
  });
});
