/**
 * Canary analysis of one window of real user traffic: green's target group against blue's, from
 * the load balancer's metrics, minute by minute. Only complete minutes are judged (ALB metrics
 * settle a minute or two after the minute ends), and the result says which. Each metric is pass,
 * fail or inconclusive with its numbers (src/analysis); the window passes only when every metric
 * passed. Too little traffic is inconclusive, never a pass. Across a time-shifted baseline the
 * load balancer's own 5xx (per load balancer only in CloudWatch) are judged too.
 */
import { judgeRate, judgeSeries, type MetricJudgement } from '../analysis/judgeMetric';
import type { AnalysisSettings } from '../suite/analysis';
import {
  type AlbMetric,
  albQueries,
  customQueries,
  LB_QUERY,
  lbQueries,
  queryId,
  type SideTarget,
} from './albMetricQueries';
import {
  type MetricReader,
  type MetricValues,
  type MetricWindow,
  MINUTE_MS,
} from './metricReading';

export type WindowVerdict = 'pass' | 'fail' | 'inconclusive';

export interface WindowAnalysis {
  readonly verdict: WindowVerdict;
  /** The complete minutes judged, for each side (the same minutes, unless time-shifted). */
  readonly minutes: { readonly green: MetricWindow; readonly blue: MetricWindow };
  readonly metrics: readonly MetricJudgement[];
  /** One line: the verdict, the minutes and the first failing or inconclusive metric. */
  readonly summary: string;
}

/** What an operator reads (log, hookDetails, the CLI): the verdict and every metric's numbers. */
export const analysisStats = (a: WindowAnalysis) => ({
  verdict: a.verdict,
  summary: a.summary,
  metrics: a.metrics.map((m) => ({ metric: m.metric, verdict: m.verdict, detail: m.detail })),
});

/**
 * The whole minutes inside `window` that are complete and settled at `nowMs`: from the first
 * whole minute at or after its start to the last one that ends inside it and ended at least
 * `settleMs` ago. A minute cut by the window's start or end (the minute of a traffic shift) mixes
 * two steps, and is left out.
 */
export const settledMinutes = (
  window: MetricWindow,
  nowMs: number,
  settleMs: number,
): MetricWindow => {
  const minute = (ms: number) => Math.floor(ms / MINUTE_MS) * MINUTE_MS;
  const startMs = Math.ceil(window.startMs / MINUTE_MS) * MINUTE_MS;
  const endMs = Math.min(minute(window.endMs), minute(nowMs - settleMs));
  return { startMs, endMs: Math.max(startMs, endMs) };
};

/** Blue's minutes before a shift at `shiftedAtMs`: a time-shifted baseline. */
export const baselineWindow = (
  shiftedAtMs: number,
  s: Pick<AnalysisSettings, 'baselineMs' | 'baselineOffsetMs'>,
): MetricWindow => {
  const endMs = shiftedAtMs - s.baselineOffsetMs;
  return { startMs: endMs - s.baselineMs, endMs };
};

const clock = (ms: number) => new Date(ms).toISOString().slice(11, 16);
export const describeMinutes = (w: MetricWindow): string => {
  const n = (w.endMs - w.startMs) / MINUTE_MS;
  return n === 0
    ? `no complete minute yet (from ${clock(w.startMs)})`
    : `${n} complete minute${n === 1 ? '' : 's'}, ${clock(w.startMs)}–${clock(w.endMs)} UTC`;
};

const minutesOf = (w: MetricWindow): number[] =>
  Array.from({ length: (w.endMs - w.startMs) / MINUTE_MS }, (_, i) => w.startMs + i * MINUTE_MS);

export interface WindowInput {
  readonly read: MetricReader;
  readonly green: SideTarget;
  readonly blue: SideTarget;
  /** Green's minutes; blue's are the same (a concurrent baseline) unless `blueWindow` is given. */
  readonly window: MetricWindow;
  /** A time-shifted baseline: blue's minutes before the shift (all-at-once deployments). */
  readonly blueWindow?: MetricWindow;
  readonly settings: AnalysisSettings;
  readonly nowMs: number;
  readonly signal: AbortSignal;
}

export const analyseWindow = async (input: WindowInput): Promise<WindowAnalysis> => {
  const { settings } = input;
  const metrics: AlbMetric[] = ['requests', 'errors', ...settings.latency.percentiles];
  const settledGreen = settledMinutes(input.window, input.nowMs, settings.settleMs);
  const settledBlue = input.blueWindow
    ? settledMinutes(input.blueWindow, input.nowMs, settings.settleMs)
    : settledGreen;
  const values = await readBoth(input, metrics, settledGreen, settledBlue);
  // A minute at the end with no request on either side has most likely not arrived yet (ALB
  // metrics can lag more than settleMs): it is left for a later look, never read as empty.
  const arrived = (w: MetricWindow, sides: readonly SideTarget['side'][]) => {
    let endMs = w.endMs;
    const hasRequests = (m: number) =>
      sides.some((side) => values.get(queryId(side, 'requests'))?.has(m));
    while (endMs > w.startMs && !hasRequests(endMs - MINUTE_MS)) endMs -= MINUTE_MS;
    return endMs === w.endMs ? w : { startMs: w.startMs, endMs };
  };
  const green = arrived(settledGreen, input.blueWindow ? ['green'] : ['green', 'blue']);
  const blue = input.blueWindow ? arrived(settledBlue, ['blue']) : green;
  const sideOf = (side: SideTarget['side']) => (side === 'green' ? green : blue);
  const series = (side: SideTarget['side'], metric: AlbMetric) => {
    const v = values.get(queryId(side, metric));
    return minutesOf(sideOf(side)).flatMap((m) => {
      const x = v?.get(m);
      return x === undefined ? [] : [x];
    });
  };
  // A minute with no datapoint served no request, or no 5xx: a count of zero.
  const total = (side: SideTarget['side'], metric: AlbMetric) =>
    series(side, metric).reduce((a, b) => a + b, 0);
  // The load balancer's own counts, over one side's minutes (time-shifted baselines only).
  const lbTotal = (side: SideTarget['side'], id: string) =>
    minutesOf(sideOf(side)).reduce((sum, m) => sum + (values.get(id)?.get(m) ?? 0), 0);
  const lbCounts = (side: SideTarget['side']) => ({
    errors: lbTotal(side, LB_QUERY.errors),
    requests: lbTotal(side, LB_QUERY.requests),
  });
  const rate = {
    minRequests: settings.minRequests,
    minEffect: settings.errorRate.minEffect,
    alpha: settings.alpha,
  };
  const counts = (side: SideTarget['side']) => ({
    errors: total(side, 'errors'),
    requests: total(side, 'requests'),
  });
  const custom = (side: SideTarget['side'], i: number) => {
    const v = values.get(`${side}_c${i}`);
    return minutesOf(sideOf(side)).flatMap((m) => {
      const x = v?.get(m);
      return x === undefined ? [] : [x];
    });
  };
  const judged: MetricJudgement[] = [
    judgeRate('target 5xx rate', counts('green'), counts('blue'), rate),
    ...(input.blueWindow
      ? [judgeRate('load balancer 5xx rate', lbCounts('green'), lbCounts('blue'), rate)]
      : []),
    ...settings.latency.percentiles.map((p) =>
      judgeSeries(
        `${p} response time (ms)`,
        series('green', p).map((s) => s * 1000),
        series('blue', p).map((s) => s * 1000),
        {
          minPoints: settings.minMinutes,
          minEffect: settings.latency.minEffectMs,
          alpha: settings.alpha,
        },
      ),
    ),
    ...settings.metrics.map((m, i) =>
      judgeSeries(m.name, custom('green', i), custom('blue', i), {
        minPoints: settings.minMinutes,
        minEffect: m.minEffect,
        alpha: settings.alpha,
        worse: m.worse,
      }),
    ),
  ];
  const verdict: WindowVerdict = judged.some((j) => j.verdict === 'fail')
    ? 'fail'
    : judged.some((j) => j.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'pass';
  const first = judged.find((j) => j.verdict === verdict && verdict !== 'pass');
  const where = input.blueWindow
    ? `green ${describeMinutes(green)} against blue ${describeMinutes(blue)}`
    : describeMinutes(green);
  return {
    verdict,
    minutes: { green, blue },
    metrics: judged,
    summary: `canary analysis ${verdict} over ${where}${first ? `: ${first.metric}: ${first.detail}` : ''}`,
  };
};

/**
 * One GetMetricData call for both sides, over the span of their minutes (a time-shifted blue's
 * minutes come before green's); each side's values are then taken from its own minutes only.
 */
const readBoth = async (
  input: WindowInput,
  metrics: readonly AlbMetric[],
  green: MetricWindow,
  blue: MetricWindow,
): Promise<MetricValues> => {
  const sides = [green, blue].filter((w) => w.endMs > w.startMs);
  if (sides.length === 0) return new Map();
  const span = {
    startMs: Math.min(...sides.map((w) => w.startMs)),
    endMs: Math.max(...sides.map((w) => w.endMs)),
  };
  return input.read(
    [
      ...albQueries(input.green, metrics),
      ...albQueries(input.blue, metrics),
      ...customQueries(input.green, input.settings.metrics),
      ...customQueries(input.blue, input.settings.metrics),
      ...(input.blueWindow ? lbQueries(input.green.loadBalancerArn) : []),
    ],
    span,
    input.signal,
  );
};
