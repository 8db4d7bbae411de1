/**
 * Canary analysis's judge on seeded simulated traffic, at its default settings: a 10 % step of
 * 20 requests/s (green serves 120 requests a minute, blue 1,080), looked at after every complete
 * minute as the ECS hook looks while it waits. Per-minute counts are drawn request by request
 * (5xx with the side's rate) and per-minute p99s around 200 ms, from a generator seeded per run.
 * It measures how soon a green at 3 % 5xx against blue's 0.5 % is caught, how often identical
 * sides fail (each look is a chance of a false alarm), whether too little traffic ever passes,
 * and how many GetMetricData calls each look makes.
 */
import { analysis } from '../../src/suite/analysis';
import type { SideTarget } from '../../src/traffic/albMetricQueries';
import { analyseWindow } from '../../src/traffic/canaryWindow';
import type { MetricReader } from '../../src/traffic/metricReading';
import { type BenchRun, stats } from './stats';

export const CANARY_RUNS = 50;
const MINUTE = 60_000;
const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
/** Seeds of run i: SEED + i. */
const SEED = 3_000;
const LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/bench/1';
const side = (s: SideTarget['side'], tg: string): SideTarget => ({
  side: s,
  targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${tg}/1`,
  loadBalancerArn: LB,
});

/** mulberry32: a small seeded generator, the same numbers on every machine. */
const seeded = (seed: number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

interface Side {
  readonly perMinute: number;
  readonly errorRate: number;
}

/** Per-minute metrics of both sides, drawn once per run, read back like GetMetricData. */
const simulated = (seed: number, green: Side, blue: Side, minutes: number) => {
  const random = seeded(seed);
  const draw = (s: Side) =>
    Array.from({ length: minutes }, () => {
      let errors = 0;
      for (let r = 0; r < s.perMinute; r++) if (random() < s.errorRate) errors++;
      // A minute's p99 around 200 ms, a few ms of noise either way.
      return { requests: s.perMinute, errors, p99: 0.2 + (random() - 0.5) * 0.02 };
    });
  const series = { green: draw(green), blue: draw(blue) };
  let calls = 0;
  const read: MetricReader = async (queries, window) => {
    calls++;
    return new Map(
      queries.map((q) => {
        const [s, metric] = q.id.split('_') as ['green' | 'blue', 'requests' | 'errors' | 'p99'];
        const values = new Map<number, number>();
        for (let m = window.startMs; m < window.endMs; m += MINUTE) {
          const point = series[s][(m - T0) / MINUTE];
          // The ALB reports no datapoint for a minute without a request, or without a 5xx.
          if (point && point.requests > 0 && (metric !== 'errors' || point.errors > 0)) {
            values.set(m, point[metric]);
          }
        }
        return [q.id, values];
      }),
    );
  };
  return { read, calls: () => calls };
};

/** Looks after each complete minute, as the hook does; the first conclusive look decides. */
const judgeStep = async (seed: number, green: Side, blue: Side, maxMinutes: number) => {
  const settings = analysis.parse({});
  const sim = simulated(seed, green, blue, maxMinutes);
  const signal = new AbortController().signal;
  for (let minutes = 1; minutes <= maxMinutes; minutes++) {
    const result = await analyseWindow({
      read: sim.read,
      green: side('green', 'tg-2'),
      blue: side('blue', 'tg-1'),
      window: { startMs: T0, endMs: T0 + minutes * MINUTE },
      settings,
      nowMs: T0 + minutes * MINUTE + settings.settleMs,
      signal,
    });
    if (result.verdict !== 'inconclusive') {
      return { verdict: result.verdict, minutes, looks: minutes, calls: sim.calls() };
    }
  }
  return {
    verdict: 'inconclusive' as const,
    minutes: maxMinutes,
    looks: maxMinutes,
    calls: sim.calls(),
  };
};

const runs = (fn: (i: number) => ReturnType<typeof judgeStep>) =>
  Promise.all(Array.from({ length: CANARY_RUNS }, (_, i) => fn(i)));

export const benchCanary = async (run: BenchRun) => {
  const blue = { perMinute: 1_080, errorRate: 0.005 };
  const wait = analysis.parse({}).maxWaitMs / MINUTE;
  const broken = await runs((i) =>
    judgeStep(SEED + i, { perMinute: 120, errorRate: 0.03 }, blue, wait),
  );
  const same = await runs((i) =>
    judgeStep(SEED + 100 + i, { perMinute: 120, errorRate: 0.005 }, blue, wait),
  );
  // 1 request/s at 10 %: green sees 6 a minute, far from 200 within the wait.
  const quiet = await runs((i) =>
    judgeStep(
      SEED + 200 + i,
      { perMinute: 6, errorRate: 0.005 },
      { perMinute: 54, errorRate: 0.005 },
      wait,
    ),
  );
  const percent = (xs: readonly unknown[], n: number) => (100 * n) / xs.length;
  const caughtIn3 = broken.filter((r) => r.verdict === 'fail' && r.minutes <= 3).length;
  const seeds = `seeds ${SEED}+i (3 %), ${SEED + 100}+i (identical), ${SEED + 200}+i (quiet), i = 0..${CANARY_RUNS - 1}`;
  run.figures.push({
    name: `Canary analysis catches green at 3 % 5xx vs blue 0.5 % within 3 analysed minutes (10 % of 20 req/s, defaults, ${CANARY_RUNS} runs)`,
    ours: stats([percent(broken, caughtIn3)]),
    unit: '%',
    goal: '>= 95 %',
    goalMet: percent(broken, caughtIn3) >= 95,
    note: `minutes to the verdict: ${stats(broken.map((r) => r.minutes)).median} median, ${Math.max(...broken.map((r) => r.minutes))} at most; ${seeds}`,
  });
  const falseFailures = same.filter((r) => r.verdict === 'fail').length;
  run.figures.push({
    name: `Canary analysis false failures, identical sides, a look every minute (${CANARY_RUNS} runs)`,
    ours: stats([percent(same, falseFailures)]),
    unit: '%',
    goal: '0 %',
    goalMet: falseFailures === 0,
  });
  const quietPasses = quiet.filter((r) => r.verdict !== 'inconclusive').length;
  run.figures.push({
    name: `Canary analysis on too little traffic is inconclusive, never a pass (${CANARY_RUNS} runs, ${wait} minutes each)`,
    ours: stats([percent(quiet, CANARY_RUNS - quietPasses)]),
    unit: '%',
    goal: '100 %',
    goalMet: quietPasses === 0,
  });
  const perLook = [...broken, ...same, ...quiet].map((r) => r.calls / r.looks);
  run.figures.push({
    name: 'Canary analysis GetMetricData calls per look (one look per ECS invocation)',
    ours: stats(perLook),
    unit: 'req',
    goal: '<= 1',
    goalMet: Math.max(...perLook) <= 1,
  });
};
