/**
 * Canary analysis through the real ECS hook at PRODUCTION_TRAFFIC_SHIFT: user traffic through the
 * loopback production listener split by the step's weight, the load balancer's metrics counted
 * from what it forwarded, read with the real SDK, one read per invocation, IN_PROGRESS until the
 * minutes are complete and enough, then the verdict. The world's clock (metrics and hook) runs
 * 60x, so a minute passes every second and a callBackDelay of 30 s is half a real second.
 */
import { cloudWatchMetricReader } from '../../../../src/discovery/readMetrics';
import { scaledClock } from '../../../../src/local/scaledClock';
import { startUserTraffic, type UserTraffic } from '../../../../src/local/userTraffic';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import type { TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(60_000);
const SCALE = 60;

let users: UserTraffic | undefined;
afterEach(async () => {
  await users?.stop();
  users = undefined;
  await stopEcsWorlds();
});

const suite = (
  analysis: Record<string, unknown> = {},
  extra: Partial<TestSuiteInput> = {},
): TestSuiteInput => ({
  checks: [{ name: 'home', path: '/' }],
  ...extra,
  analysis: {
    minRequests: 40,
    minMinutes: 4,
    alpha: 0.05,
    settleMs: 60_000,
    callBackDelaySeconds: 30,
    maxWaitMs: 600_000,
    ...analysis,
  },
});

/** A world whose metrics and hook share one 60x clock, production split `greenPercent`. */
const canaryWorld = async (
  greenPercent: number,
  green: 'healthy' | 'errors-5pct' = 'healthy',
  analysis: Record<string, unknown> = {},
  extra: Partial<TestSuiteInput> = {},
) => {
  const clock = scaledClock(SCALE);
  const w = await startEcsHookWorld(
    suite(analysis, extra),
    { metricClock: clock, green: { behaviour: green } },
    {},
    15_000,
    { metricClock: clock, readMetrics: cloudWatchMetricReader() },
  );
  if (greenPercent >= 100) w.world.route('production', 'green');
  else w.world.split('production', greenPercent);
  w.world.route('test', 'green');
  const weights = {
    [w.world.world.greenRevisionArn]: greenPercent,
    [w.world.world.blueRevisionArn]: 100 - greenPercent,
  };
  const step = () =>
    w.invokeUntilDone(
      'PRODUCTION_TRAFFIC_SHIFT',
      {},
      {
        timeScale: SCALE,
        maxInvocations: 40,
        shape: (e) => ({
          ...e,
          executionDetails: { ...e.executionDetails, productionTrafficWeights: weights },
        }),
      },
    );
  return { ...w, clock, step };
};

const analysisOf = (response: { hookDetails?: Record<string, unknown> } | undefined) =>
  response?.hookDetails?.canaryAnalysis as
    | { verdict: string; summary: string; metrics: { metric: string; verdict: string }[] }
    | undefined;

describe('ECS hook: canary analysis at a production traffic step', () => {
  it('FAILED for a green answering 5 % 5xx to users at a 10 % step, with the metric table', async () => {
    const w = await canaryWorld(10, 'errors-5pct');
    users = startUserTraffic(w.world.production.url, 6);
    const { responses } = await w.step();
    const last = responses.at(-1);
    expect(last?.hookStatus).toBe('FAILED');
    expect(String(last?.hookDetails?.reason)).toMatch(
      /^canary analysis fail over \d+ complete minutes?, .* UTC: target 5xx rate: green [3-7]\.\d\d %/,
    );
    expect(analysisOf(last)?.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['target 5xx rate', 'fail'],
      ['p99 response time (ms)', expect.stringMatching(/pass|inconclusive/)],
    ]);
    // It waited for complete minutes first, reading once per invocation.
    expect(responses.slice(0, -1).every((r) => r.hookStatus === 'IN_PROGRESS')).toBe(true);
    const reads = w.world.cloudWatch.requests.filter((r) => r.operation === 'GetMetricData');
    expect(reads.length).toBeLessThanOrEqual(responses.length);
  });

  it("SUCCEEDED for a healthy green once enough complete minutes agree, after the step's check", async () => {
    const w = await canaryWorld(
      10,
      'healthy',
      {},
      { hooks: { PRODUCTION_TRAFFIC_SHIFT: ['home'] } },
    );
    users = startUserTraffic(w.world.production.url, 6);
    const { responses } = await w.step();
    const last = responses.at(-1);
    expect(last?.hookDetails?.reason).toBeUndefined();
    expect(last?.hookStatus).toBe('SUCCEEDED');
    expect(analysisOf(last)?.verdict).toBe('pass');
    expect(analysisOf(last)?.summary).toMatch(/^canary analysis pass over \d+ complete minutes/);
    // The step's check ran once (the first invocation), then the analysis judged real traffic.
    expect(w.log.lines.filter((l) => l.message === 'Smoke check')).toHaveLength(1);
    expect(w.log.lines.filter((l) => l.message === 'Canary analysis').length).toBe(
      responses.length,
    );
  });

  it('FAILED, never SUCCEEDED, when too little traffic reaches green before maxWaitMs', async () => {
    const w = await canaryWorld(10, 'healthy', { maxWaitMs: 240_000, minRequests: 10_000 });
    users = startUserTraffic(w.world.production.url, 2);
    const { responses } = await w.step();
    const last = responses.at(-1);
    expect(last?.hookStatus).toBe('FAILED');
    expect(String(last?.hookDetails?.reason)).toMatch(
      /too little traffic to judge: green \d+\/\d+, blue \d+\/\d+ requests seen, 10000 needed on each side; still inconclusive after \d+ s \(analysis\.maxWaitMs 240 s\), and too little traffic is never a pass/,
    );
    expect(responses.some((r) => r.hookStatus === 'SUCCEEDED')).toBe(false);
  });

  it('at 100 %, compares green with blue before the step (a time-shifted baseline)', async () => {
    // Blue served production alone for a few minutes; then the step moves everything to green.
    const clock = scaledClock(SCALE);
    const w = await startEcsHookWorld(
      suite({ baselineMs: 240_000 }),
      { metricClock: clock, green: { behaviour: 'errors-5pct' } },
      {},
      15_000,
      { metricClock: clock, readMetrics: cloudWatchMetricReader() },
    );
    w.world.route('test', 'green');
    users = startUserTraffic(w.world.production.url, 6);
    await new Promise((r) => setTimeout(r, (5 * 60_000) / SCALE));
    w.world.route('production', 'green');
    const { responses } = await w.invokeUntilDone(
      'PRODUCTION_TRAFFIC_SHIFT',
      {},
      {
        timeScale: SCALE,
        maxInvocations: 40,
        shape: (e) => ({
          ...e,
          executionDetails: {
            ...e.executionDetails,
            productionTrafficWeights: { [w.world.world.greenRevisionArn]: 100 },
          },
        }),
      },
    );
    const last = responses.at(-1);
    expect(last?.hookStatus).toBe('FAILED');
    expect(String(last?.hookDetails?.reason)).toMatch(
      /^canary analysis fail over green \d+ complete minutes?, .* against blue \d+ complete minutes, .*: target 5xx rate/,
    );
  });

  it('a stage with analysis selects it: PRODUCTION_TRAFFIC_SHIFT no longer answers "nothing selected"', async () => {
    const w = await canaryWorld(10);
    // no users: the first look finds no complete minute and waits
    const first = await w.invoke(
      w.event('PRODUCTION_TRAFFIC_SHIFT', {
        executionDetails: {
          ...w.event('x').executionDetails,
          productionTrafficWeights: { [w.world.world.greenRevisionArn]: 10 },
        },
      }),
    );
    expect(first.hookStatus).toBe('IN_PROGRESS');
    expect(first.callBackDelay).toBe(30);
    expect(analysisOf(first)?.summary).toMatch(/inconclusive over no complete minute yet/);
  });
});
