/**
 * One window of canary analysis with a scripted metric reader: which minutes are judged (complete
 * and settled only), how an empty minute counts, the verdict of the window from its metrics, and
 * the reads made (one call, none before a minute is complete).
 */
import { analysis } from '../../../src/suite/analysis';
import { queryId, type SideTarget } from '../../../src/traffic/albMetricQueries';
import {
  analyseWindow,
  baselineWindow,
  describeMinutes,
  settledMinutes,
  type WindowInput,
} from '../../../src/traffic/canaryWindow';
import type { MetricQuery, MetricReader, MetricWindow } from '../../../src/traffic/metricReading';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);
const at = (minute: number, seconds = 0) => T0 + minute * MINUTE + seconds * 1000;

const LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/sample/0123';
const side = (s: SideTarget['side'], tg: string): SideTarget => ({
  side: s,
  targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${tg}/abcd`,
  loadBalancerArn: LB,
});
const GREEN = side('green', 'tg-2');
const BLUE = side('blue', 'tg-1');

type PerMinute = Partial<Record<'requests' | 'errors' | 'p50' | 'p95' | 'p99', number>>;
/** A reader answering from per-minute values of each side, recording every call. */
const scripted = (green: (minute: number) => PerMinute, blue: (minute: number) => PerMinute) => {
  const calls: { queries: readonly MetricQuery[]; window: MetricWindow }[] = [];
  const read: MetricReader = async (queries, window) => {
    calls.push({ queries, window });
    const values = new Map<string, Map<number, number>>();
    for (const q of queries) {
      const [s, metric] = q.id.split('_') as ['green' | 'blue', keyof PerMinute];
      const series = new Map<number, number>();
      for (let m = window.startMs; m < window.endMs; m += MINUTE) {
        const v = (s === 'green' ? green : blue)((m - T0) / MINUTE)[metric];
        if (v !== undefined) series.set(m, v);
      }
      values.set(q.id, series);
    }
    return values;
  };
  return { read, calls };
};

const settings = analysis.parse({ minRequests: 500, minMinutes: 4, alpha: 0.05 });
const input = (read: MetricReader, over: Partial<WindowInput> = {}): WindowInput => ({
  read,
  green: GREEN,
  blue: BLUE,
  window: { startMs: at(0), endMs: at(6) },
  settings,
  nowMs: at(8),
  signal: new AbortController().signal,
  ...over,
});

/** 1000 requests a minute, `rate` of them 5xx, p99 `p99` seconds. */
const traffic =
  (rate: number, p99 = 0.2) =>
  () => ({
    requests: 1000,
    ...(rate > 0 && { errors: Math.round(1000 * rate) }),
    p99,
  });

describe('baselineWindow', () => {
  it("is blue's baselineMs before the shift, ending baselineOffsetMs before it", () => {
    expect(baselineWindow(at(10), { baselineMs: 6 * MINUTE, baselineOffsetMs: 0 })).toEqual({
      startMs: at(4),
      endMs: at(10),
    });
    expect(
      baselineWindow(at(10), { baselineMs: 6 * MINUTE, baselineOffsetMs: 2 * MINUTE }),
    ).toEqual({ startMs: at(2), endMs: at(8) });
  });
});

describe('settledMinutes', () => {
  it('keeps the whole minutes of the window that ended at least settleMs ago', () => {
    const w = { startMs: at(0, 30), endMs: at(10) };
    expect(settledMinutes(w, at(7, 10), 120_000)).toEqual({ startMs: at(1), endMs: at(5) });
    // the minute 10:04 ends at 10:05, settled from 10:07:00
    expect(settledMinutes(w, at(7, 0), 120_000).endMs).toBe(at(5));
    expect(settledMinutes(w, at(6, 59), 120_000).endMs).toBe(at(4));
    // never past the window's end, never before its start; a cut minute is left out
    expect(settledMinutes(w, at(30), 0).endMs).toBe(at(10));
    expect(settledMinutes({ startMs: at(2, 30), endMs: at(8, 30) }, at(30), 0)).toEqual({
      startMs: at(3),
      endMs: at(8),
    });
    expect(settledMinutes(w, at(1), 120_000)).toEqual({ startMs: at(1), endMs: at(1) });
  });

  it('describes the minutes in UTC', () => {
    expect(describeMinutes({ startMs: at(1), endMs: at(5) })).toBe(
      '4 complete minutes, 10:01–10:05 UTC',
    );
    expect(describeMinutes({ startMs: at(1), endMs: at(2) })).toBe(
      '1 complete minute, 10:01–10:02 UTC',
    );
    expect(describeMinutes({ startMs: at(1), endMs: at(1) })).toBe(
      'no complete minute yet (from 10:01)',
    );
  });
});

describe('analyseWindow', () => {
  it('fails a green at 3 % 5xx against blue at 0.5 %, naming the metric and the minutes', async () => {
    const { read, calls } = scripted(traffic(0.03), traffic(0.005));
    const result = await analyseWindow(input(read));
    expect(result.verdict).toBe('fail');
    expect(result.minutes.green).toEqual({ startMs: at(0), endMs: at(6) });
    expect(result.summary).toMatch(
      /^canary analysis fail over 6 complete minutes, 10:00–10:06 UTC: target 5xx rate: green 3\.00 % \(180\/6000\) vs blue 0\.50 % \(30\/6000\)/,
    );
    expect(result.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['target 5xx rate', 'fail'],
      ['p99 response time (ms)', 'pass'],
    ]);
    // one call for both sides, over the judged minutes
    expect(calls).toHaveLength(1);
    expect(calls[0]?.window).toEqual({ startMs: at(0), endMs: at(6) });
    expect(calls[0]?.queries.map((q) => q.id)).toEqual([
      'green_requests',
      'green_errors',
      'green_p99',
      'blue_requests',
      'blue_errors',
      'blue_p99',
    ]);
  });

  it('passes identical sides', async () => {
    const { read } = scripted(traffic(0.005), traffic(0.005));
    const result = await analyseWindow(input(read));
    expect(result.verdict).toBe('pass');
    expect(result.summary).toBe('canary analysis pass over 6 complete minutes, 10:00–10:06 UTC');
  });

  it('fails a green whose p99 is 100 ms higher every minute', async () => {
    let i = 0;
    const { read } = scripted(
      () => ({ requests: 1000, p99: 0.3 + (i++ % 3) / 1000 }),
      () => ({ requests: 1000, p99: 0.2 + (i++ % 3) / 1000 }),
    );
    const result = await analyseWindow(input(read));
    expect(result.verdict).toBe('fail');
    expect(result.metrics[1]).toMatchObject({ metric: 'p99 response time (ms)', verdict: 'fail' });
    expect(result.metrics[1]?.effect).toBeCloseTo(100, 5);
  });

  it('too little traffic is inconclusive, never a pass, with the traffic seen', async () => {
    const { read } = scripted(
      () => ({ requests: 50, p99: 0.2 }),
      () => ({ requests: 1000, p99: 0.2 }),
    );
    const result = await analyseWindow(input(read));
    expect(result.verdict).toBe('inconclusive');
    expect(result.summary).toContain(
      'target 5xx rate: too little traffic to judge: green 0/300, blue 0/6000 requests seen, 500 needed on each side',
    );
  });

  it('a minute without a datapoint served nothing: no requests, no latency point', async () => {
    // green served only in minutes 0-3: its minutes 4-5 have no datapoint at all
    const { read } = scripted(
      (m) => (m < 4 ? { requests: 400, errors: 40, p99: 0.2 } : {}),
      traffic(0.01),
    );
    const result = await analyseWindow(input(read));
    expect(result.metrics[0]?.detail).toMatch(
      /^green 10\.00 % \(160\/1600\) vs blue 1\.00 % \(60\/6000\)/,
    );
    expect(result.metrics[1]?.detail).toMatch(/^green median 200 vs blue 200/);
  });

  it('leaves a trailing minute with no request on either side for a later look: it has not arrived', async () => {
    const { read } = scripted(
      (m) => (m >= 4 ? {} : traffic(0.005)()),
      (m) => (m >= 4 ? {} : traffic(0.005)()),
    );
    const result = await analyseWindow(input(read));
    expect(result.minutes.green).toEqual({ startMs: at(0), endMs: at(4) });
    expect(result.minutes.blue).toEqual({ startMs: at(0), endMs: at(4) });
    // a minute with blue's requests only has arrived: it stays
    const { read: blueOnly } = scripted((m) => (m >= 4 ? {} : traffic(0.005)()), traffic(0.005));
    expect((await analyseWindow(input(blueOnly))).minutes.green.endMs).toBe(at(6));
  });

  it('reads nothing before a minute is complete, and is inconclusive', async () => {
    const { read, calls } = scripted(traffic(0), traffic(0));
    const result = await analyseWindow(
      input(read, { window: { startMs: at(5, 10), endMs: at(8) }, nowMs: at(7, 30) }),
    );
    expect(calls).toEqual([]);
    expect(result.verdict).toBe('inconclusive');
    expect(result.summary).toMatch(
      /^canary analysis inconclusive over no complete minute yet \(from 10:06\)/,
    );
  });

  it("a time-shifted baseline reads blue's minutes before the shift, in the same call", async () => {
    // blue served before 10:10, green after: each side's own minutes only
    const { read, calls } = scripted(
      (m) => (m >= 10 ? traffic(0.03)() : {}),
      (m) => (m < 10 ? traffic(0.005)() : {}),
    );
    const result = await analyseWindow(
      input(read, {
        window: { startMs: at(10), endMs: at(16) },
        blueWindow: { startMs: at(4), endMs: at(10) },
        nowMs: at(18),
      }),
    );
    expect(calls).toHaveLength(1);
    expect(calls[0]?.window).toEqual({ startMs: at(4), endMs: at(16) });
    expect(result.verdict).toBe('fail');
    expect(result.summary).toMatch(
      /^canary analysis fail over green 6 complete minutes, 10:10–10:16 UTC against blue 6 complete minutes, 10:04–10:10 UTC: target 5xx rate: green 3\.00 % \(180\/6000\) vs blue 0\.50 % \(30\/6000\)/,
    );
  });

  it("judges the load balancer's own 5xx across a time-shifted baseline, and only there", async () => {
    // Green drops 4 % of its connections after 10:10 (the ALB answers 502 itself): no target
    // 5xx moves. The LB-level counts carry only the LoadBalancer dimension.
    const lb = (m: number) => ({ requests: 1000, errors: m >= 10 ? 40 : 2 });
    const base = scripted(traffic(0.005), traffic(0.005));
    const calls: { ids: string[]; dims: Record<string, string>[] }[] = [];
    const read: MetricReader = async (queries, window, signal) => {
      calls.push({ ids: queries.map((q) => q.id), dims: queries.map((q) => q.dimensions) });
      const values = new Map(
        await base.read(
          queries.filter((q) => !q.id.startsWith('lb_')),
          window,
          signal,
        ),
      );
      for (const [id, key] of [
        ['lb_requests', 'requests'],
        ['lb_elb5xx', 'errors'],
      ] as const) {
        const series = new Map<number, number>();
        for (let m = window.startMs; m < window.endMs; m += MINUTE) {
          series.set(m, lb((m - T0) / MINUTE)[key]);
        }
        values.set(id, series);
      }
      return values;
    };
    const shifted = await analyseWindow(
      input(read, {
        window: { startMs: at(10), endMs: at(16) },
        blueWindow: { startMs: at(4), endMs: at(10) },
        nowMs: at(18),
      }),
    );
    expect(shifted.verdict).toBe('fail');
    expect(shifted.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['target 5xx rate', 'pass'],
      ['load balancer 5xx rate', 'fail'],
      ['p99 response time (ms)', 'pass'],
    ]);
    expect(shifted.summary).toMatch(
      /: load balancer 5xx rate: green 4\.00 % \(240\/6000\) vs blue 0\.20 % \(12\/6000\)/,
    );
    expect(calls[0]?.dims.at(-1)).toEqual({ LoadBalancer: 'app/sample/0123' });
    // A concurrent baseline: both sides share the load balancer, so its counts cannot tell them
    // apart; they are neither read nor judged.
    const concurrent = await analyseWindow(input(read));
    expect(concurrent.metrics.map((m) => m.metric)).not.toContain('load balancer 5xx rate');
    expect(calls[1]?.ids.filter((id) => id.startsWith('lb_'))).toEqual([]);
  });

  it('queries the ALB metrics of each target group, with the dimensions CloudWatch uses', async () => {
    const { read, calls } = scripted(traffic(0), traffic(0));
    await analyseWindow(input(read));
    const query = calls[0]?.queries.find((q) => q.id === queryId('green', 'p99'));
    expect(query).toEqual({
      id: 'green_p99',
      namespace: 'AWS/ApplicationELB',
      metricName: 'TargetResponseTime',
      stat: 'p99',
      dimensions: { TargetGroup: 'targetgroup/tg-2/abcd', LoadBalancer: 'app/sample/0123' },
    });
  });
});

describe("the user's own metrics", () => {
  const orders = {
    name: 'orders per minute',
    namespace: 'Shop',
    metricName: 'Orders',
    dimensions: { Side: '{{side}}', TargetGroup: '{{targetGroup}}', Lb: '{{loadBalancer}}' },
    stat: 'Sum',
    worse: 'lower' as const,
    minEffect: 5,
  };
  /** A reader whose custom metric answers `green`/`blue` per minute; ALB metrics healthy. */
  const withOrders = (green: number, blue: number) => {
    const base = scripted(traffic(0), traffic(0));
    const calls: MetricQuery[][] = [];
    const read: MetricReader = async (queries, window, signal) => {
      calls.push([...queries]);
      const values = new Map(await base.read(queries, window, signal));
      for (const q of queries.filter((q) => /_c0$/.test(q.id))) {
        const series = new Map<number, number>();
        for (let m = window.startMs; m < window.endMs; m += MINUTE) {
          series.set(m, (q.id.startsWith('green') ? green : blue) + ((m / MINUTE) % 3));
        }
        values.set(q.id, series);
      }
      return values;
    };
    return { read, calls };
  };
  const ordersSettings = analysis.parse({
    minRequests: 500,
    minMinutes: 4,
    alpha: 0.05,
    metrics: [orders],
  });

  it('fails a green whose orders drop, reading each side with its own dimensions', async () => {
    const { read, calls } = withOrders(40, 100);
    const result = await analyseWindow(input(read, { settings: ordersSettings }));
    expect(result.verdict).toBe('fail');
    expect(result.metrics.at(-1)).toMatchObject({ metric: 'orders per minute', verdict: 'fail' });
    expect(result.metrics.at(-1)?.detail).toMatch(/^green median 41 vs blue 101, drop 60,/);
    expect(calls[0]?.find((q) => q.id === 'green_c0')).toEqual({
      id: 'green_c0',
      namespace: 'Shop',
      metricName: 'Orders',
      stat: 'Sum',
      dimensions: { Side: 'green', TargetGroup: 'targetgroup/tg-2/abcd', Lb: 'app/sample/0123' },
    });
    expect(calls[0]?.find((q) => q.id === 'blue_c0')?.dimensions.Side).toBe('blue');
  });

  it('passes a green whose orders rise: higher is not worse here', async () => {
    const { read } = withOrders(150, 100);
    expect((await analyseWindow(input(read, { settings: ordersSettings }))).verdict).toBe('pass');
  });

  it('refuses a metric whose dimensions do not name the side: it would compare itself', () => {
    const parsed = analysis.safeParse({
      metrics: [{ ...orders, dimensions: { Service: 'shop' } }],
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]).toMatchObject({
      path: ['metrics', 0, 'dimensions'],
      message:
        'no dimension names the side, so green and blue would read the same series: put {{side}} or {{targetGroup}} in one of them',
    });
  });
});

describe('the analysis settings', () => {
  it('default to a judge that fails on too little traffic', () => {
    expect(analysis.parse({})).toEqual({
      minRequests: 200,
      minMinutes: 5,
      alpha: 0.005,
      errorRate: { minEffect: 0.01 },
      latency: { percentiles: ['p99'], minEffectMs: 25 },
      metrics: [],
      settleMs: 120_000,
      baselineMs: 600_000,
      baselineOffsetMs: 0,
      callBackDelaySeconds: 60,
      maxWaitMs: 600_000,
      onInconclusive: 'fail',
    });
  });

  it('refuse an inconclusive rule that would pass without a verdict', () => {
    const parsed = analysis.safeParse({ onInconclusive: 'pass' });
    expect(parsed.success).toBe(false);
  });

  it('refuse too few minutes to ever show a latency regression at their alpha', () => {
    const parsed = analysis.safeParse({ minMinutes: 4 });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0]?.message).toBe(
      '4 minutes a side can never show a latency regression at alpha 0.005: at least 5',
    );
    expect(analysis.safeParse({ minMinutes: 4, alpha: 0.05 }).success).toBe(true);
  });
});
