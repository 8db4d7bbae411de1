/**
 * The comparison (green against blue) at its default settings, on services with seeded latency
 * noise: how often identical sides fail (false failures), how often a 1.5x slower green is
 * caught, and the load put on production. 50 runs each, ten at a time.
 */

import { runSmokeSuite } from '../../src/engine/runSmokeSuite';
import { SampleApp } from '../../src/local/sampleApp';
import { validateSuite } from '../../src/suite/validateSuite';
import { type BenchRun, stats } from './stats';

export const COMPARISON_RUNS = 50;
/** A service answering in 100 ms ± 20 %: slow enough that 1.5x is over the 25 ms noise floor. */
export const SERVICE_LATENCY_MS = 100;
const JITTER = 0.2;
const AT_ONCE = 10;
/** Run i: blue's generator is seeded BLUE_SEED + i, green's GREEN_SEED + i. */
export const BLUE_SEED = 1_000;
export const GREEN_SEED = 2_000;

const suite = validateSuite(
  {
    name: 'bench-compare',
    checks: [{ name: 'home', path: '/' }],
    // Every setting of the comparison at its default.
    compare: [{ name: 'green against blue', paths: ['/'] }],
    hooks: { AfterAllowTestTraffic: ['green against blue'] },
  },
  'bench',
);

interface CompareRun {
  readonly failed: boolean;
  readonly reason?: string;
  /** Green's p95 over blue's. */
  readonly ratio: number;
  readonly productionRequests: number;
  /** From the first request production received to the last. */
  readonly productionSpanMs: number;
}

const compareOnce = async (i: number, greenFactor: number): Promise<CompareRun> => {
  const jitter = (seed: number) => ({ fraction: JITTER, seed });
  const blue = new SampleApp({
    version: 'v1',
    latencyMs: SERVICE_LATENCY_MS,
    jitter: jitter(BLUE_SEED + i),
  });
  const green = new SampleApp({
    version: 'v2',
    latencyMs: SERVICE_LATENCY_MS * greenFactor,
    jitter: jitter(GREEN_SEED + i),
  });
  await Promise.all([blue.start(), green.start()]);
  try {
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: green.url,
      productionUrl: blue.url,
      budget: AbortSignal.timeout(60_000),
    });
    const ratio = result.checks.find((c) => c.comparison)?.comparison?.latencyRatio;
    return {
      failed: result.verdict === 'Failed',
      ...(result.reason && { reason: result.reason }),
      ratio: ratio ?? Number.NaN,
      productionRequests: blue.arrivals.length,
      productionSpanMs: (blue.arrivals.at(-1) ?? 0) - (blue.arrivals[0] ?? 0),
    };
  } finally {
    await Promise.all([blue.stop(), green.stop()]);
  }
};

const batches = async (greenFactor: number): Promise<CompareRun[]> => {
  const out: CompareRun[] = [];
  for (let first = 0; first < COMPARISON_RUNS; first += AT_ONCE) {
    const ids = Array.from(
      { length: Math.min(AT_ONCE, COMPARISON_RUNS - first) },
      (_, k) => first + k,
    );
    out.push(...(await Promise.all(ids.map((i) => compareOnce(i, greenFactor)))));
  }
  return out;
};

export const benchComparison = async (run: BenchRun) => {
  const same = await batches(1);
  const slower = await batches(1.5);
  const percentOf = (runs: CompareRun[]) =>
    (100 * runs.filter((r) => r.failed).length) / runs.length;
  const falseFailures = percentOf(same);
  const detection = percentOf(slower);
  const seeds = `seeds: blue ${BLUE_SEED}+i, green ${GREEN_SEED}+i, i = 0..${COMPARISON_RUNS - 1}`;
  const service = `${SERVICE_LATENCY_MS} ms ± ${JITTER * 100} % per answer`;
  run.figures.push({
    name: `Comparison false failures, identical blue and green (${COMPARISON_RUNS} runs, defaults)`,
    ours: stats([falseFailures]),
    unit: '%',
    goal: '0 %',
    goalMet: falseFailures === 0,
    note: `${service}; ${seeds}${same.find((r) => r.failed)?.reason ? `; e.g. ${same.find((r) => r.failed)?.reason}` : ''}`,
  });
  run.figures.push({
    name: `Comparison detects a 1.5x slower green (${COMPARISON_RUNS} runs, defaults)`,
    ours: stats([detection]),
    unit: '%',
    goal: '>= 95 %',
    goalMet: detection >= 95,
    note: `green ${SERVICE_LATENCY_MS * 1.5} ms ± ${JITTER * 100} %; ${seeds}`,
  });
  const ratios = (runs: CompareRun[]) => runs.map((r) => r.ratio).sort((a, b) => a - b);
  run.extra.comparisonRatios = { identical: ratios(same), slower: ratios(slower) };
  const requests = Math.max(...same.map((r) => r.productionRequests));
  const spanS = Math.max(...same.map((r) => r.productionSpanMs)) / 1000;
  run.figures.push({
    name: 'Comparison load on production (one comparison at defaults)',
    ours: stats(same.map((r) => r.productionRequests)),
    unit: 'req',
    goal: '<= 5 req/s for <= 30 s (150 requests)',
    goalMet: requests <= 150 && spanS <= 30,
    note: `over ${spanS.toFixed(1)} s, first to last request; p95 ratios seen: identical ${ratios(same)[0]?.toFixed(2)}-${ratios(same).at(-1)?.toFixed(2)}x, 1.5x green ${ratios(slower)[0]?.toFixed(2)}-${ratios(slower).at(-1)?.toFixed(2)}x`,
  });
};
