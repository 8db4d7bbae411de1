/**
 * How a comparison judges green against blue once both sides are measured: every limit at its
 * boundary, and the JSON shapes it compares. The sampling itself is tested on real servers in
 * tests/integration/traffic/comparison.test.ts.
 */
import type { SampleStats } from '../../../src/engine/checkResult';
import { jsonShape, judgeComparison, shapeDifference } from '../../../src/traffic/runComparison';
import { suiteOf } from '../../helpers/suites';

type Expect = Record<string, unknown>;
const checkWith = (expect: Expect) =>
  suiteOf({
    checks: [{ name: 'home', path: '/' }],
    compare: [
      { name: 'vs blue', paths: ['/'], durationMs: 4_000, expect: { minSamples: 10, ...expect } },
    ],
  }).compare[0] as NonNullable<ReturnType<typeof suiteOf>['compare'][0]>;

const side = (over: Partial<SampleStats> = {}): SampleStats => ({
  planned: 20,
  samples: 20,
  errors: 0,
  errorRate: 0,
  p50Ms: 10,
  p95Ms: 20,
  p99Ms: 30,
  durationMs: 4_000,
  ...over,
});
const stats = (green: Partial<SampleStats>, blue: Partial<SampleStats> = {}, percentile = 95) => {
  const g = side(green);
  const b = side(blue);
  const key = `p${percentile}Ms` as 'p95Ms';
  return {
    green: g,
    blue: b,
    percentile,
    ...(g[key] !== undefined && b[key]
      ? { latencyRatio: (g[key] as number) / (b[key] as number) }
      : {}),
  };
};

describe('judgeComparison', () => {
  it('passes a green that matches blue', () => {
    expect(judgeComparison(checkWith({}), stats({}))).toBeUndefined();
  });

  it('needs the samples on each side, naming the side', () => {
    expect(judgeComparison(checkWith({}), stats({ samples: 9 }))).toBe(
      'green reached 9 samples, expected at least 10 to compare',
    );
    expect(judgeComparison(checkWith({}), stats({}, { samples: 9 }))).toBe(
      'blue reached 9 samples, expected at least 10 to compare',
    );
  });

  it("judges green's error rate against blue's, not alone, up to the allowed increase", () => {
    const check = checkWith({ maxErrorRateIncrease: 0.25 });
    // both at 20 %: green is no worse than blue
    expect(judgeComparison(check, stats({ errorRate: 0.2 }, { errorRate: 0.2 }))).toBeUndefined();
    // exactly the allowed increase passes; more fails, with both rates
    expect(judgeComparison(check, stats({ errorRate: 0.5 }, { errorRate: 0.25 }))).toBeUndefined();
    expect(judgeComparison(check, stats({ errorRate: 0.75 }, { errorRate: 0.25 }))).toBe(
      "green error rate 75.0 % against blue's 25.0 %, more than 25.0 % higher",
    );
  });

  it('fails a latency ratio above the limit only when the difference is large enough to matter', () => {
    const check = checkWith({ maxLatencyRatio: 1.5, minLatencyDifferenceMs: 20 });
    // 2x and 40 ms slower: fails
    expect(judgeComparison(check, stats({ p95Ms: 80 }, { p95Ms: 40 }))).toBe(
      "green p95 80 ms is 2.00x blue's 40 ms, expected at most 1.5x",
    );
    // exactly the ratio passes
    expect(judgeComparison(check, stats({ p95Ms: 60 }, { p95Ms: 40 }))).toBeUndefined();
    // 3x but only 10 ms slower: noise, passes; exactly the difference fails
    expect(judgeComparison(check, stats({ p95Ms: 15 }, { p95Ms: 5 }))).toBeUndefined();
    expect(judgeComparison(check, stats({ p95Ms: 30 }, { p95Ms: 10 }))).toMatch(/3\.00x/);
    // the difference is green's minus blue's, not green's alone
    const near = checkWith({ maxLatencyRatio: 1.5, minLatencyDifferenceMs: 12 });
    expect(judgeComparison(near, stats({ p95Ms: 15 }, { p95Ms: 5 }))).toBeUndefined();
    // no ratio (blue at 0 ms): nothing to judge latency on
    expect(judgeComparison(check, { ...stats({ p95Ms: 500 }, { p95Ms: 0 }) })).toBeUndefined();
  });

  it('uses the configured percentile', () => {
    const check = checkWith({ percentile: 50, maxLatencyRatio: 1.5, minLatencyDifferenceMs: 5 });
    const s = stats({ p50Ms: 40, p95Ms: 20 }, { p50Ms: 10, p95Ms: 20 }, 50);
    expect(judgeComparison(check, s)).toBe(
      "green p50 40 ms is 4.00x blue's 10 ms, expected at most 1.5x",
    );
  });

  it('fails a different JSON shape last, after the numbers', () => {
    expect(judgeComparison(checkWith({}), stats({}), '$.id: number in green, string in blue')).toBe(
      "JSON shape differs from blue's: $.id: number in green, string in blue",
    );
    expect(
      judgeComparison(
        checkWith({}),
        stats({ samples: 1 }),
        '$.id: number in green, string in blue',
      ),
    ).toMatch(/^green reached 1 samples/);
  });
});

describe('jsonShape', () => {
  it('keeps keys (sorted) and types, not values; arrays by their first element', () => {
    expect(jsonShape({ b: 1, a: 'x', c: null, d: [{ z: true }, 5], e: [] })).toEqual({
      a: 'string',
      b: 'number',
      c: 'null',
      d: [{ z: 'boolean' }],
      e: [],
    });
    expect(Object.keys(jsonShape({ b: 1, a: 2 }) as object)).toEqual(['a', 'b']);
    expect(jsonShape(null)).toBe('null');
    expect(jsonShape('s')).toBe('string');
  });
});

describe('shapeDifference', () => {
  const diff = (green: unknown, blue: unknown) =>
    shapeDifference(jsonShape(green), jsonShape(blue));

  it('is nothing for the same shape with other values', () => {
    expect(
      diff({ id: 1, tags: ['a'], o: { x: null } }, { id: 2, tags: ['b', 'c'], o: { x: null } }),
    ).toBeUndefined();
    expect(diff([], [{ id: 1 }])).toBeUndefined();
    expect(diff([{ id: 1 }], [])).toBeUndefined();
  });

  it('names where and how the shapes differ', () => {
    expect(diff({ id: 1 }, { id: 'x' })).toBe('$.id: number in green, string in blue');
    expect(diff({ a: 1 }, { a: 1, b: 2 })).toBe('$.b: missing in green');
    expect(diff({ a: 1, b: 2 }, { a: 1 })).toBe('$.b: only in green');
    expect(diff({ o: { x: [{ y: 1 }] } }, { o: { x: [{ y: true }] } })).toBe(
      '$.o.x[0].y: number in green, boolean in blue',
    );
    expect(diff([1], { 0: 1 })).toBe('$: array in green, object in blue');
    expect(diff({ a: [] }, { a: {} })).toBe('$.a: array in green, object in blue');
    expect(diff({ a: null }, { a: {} })).toBe('$.a: null in green, object in blue');
    expect(diff(1, 'x')).toBe('$: number in green, string in blue');
  });

  it('also reads raw JSON values, where null is not an object', () => {
    expect(shapeDifference(null, null)).toBeUndefined();
    expect(shapeDifference({ a: null }, { a: { b: 1 } })).toBe(
      '$.a: null in green, object in blue',
    );
  });
});
