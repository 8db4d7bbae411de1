/**
 * Canary analysis on real loopback traffic: user requests through the production listener split
 * 90/10, the load balancer's metrics counted from what the listener actually forwarded, read back
 * with the real SDK's GetMetricData from the local CloudWatch endpoint, and judged. The metrics'
 * clock runs 60x (a minute per second), so several complete minutes pass in a few seconds.
 */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { cloudWatchMetricReader } from '../../../src/discovery/readMetrics';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import type { AppBehaviour } from '../../../src/local/sampleApp';
import { scaledClock } from '../../../src/local/scaledClock';
import { sendUserRequests } from '../../../src/local/userTraffic';
import { analysis } from '../../../src/suite/analysis';
import type { SideTarget } from '../../../src/traffic/albMetricQueries';
import { analyseWindow } from '../../../src/traffic/canaryWindow';
import type { MetricReader } from '../../../src/traffic/metricReading';

jest.setTimeout(60_000);

const SCALE = 60;
let world: LoopbackDeployment | undefined;
afterEach(async () => {
  await world?.stop();
  world = undefined;
});

const client = (w: LoopbackDeployment, maxAttempts = 3) =>
  new CloudWatchClient({
    endpoint: w.cloudWatch.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts,
  });

/** A canary step at 10 %: user traffic for about four scaled minutes, then the judge's view. */
const canaryStep = async (green: AppBehaviour) => {
  const clock = scaledClock(SCALE);
  world = await LoopbackDeployment.start({ metricClock: clock, green: { behaviour: green } });
  world.split('production', 10);
  const stepStarted = clock();
  const until = performance.now() + 6_200; // about 6 scaled minutes
  while (performance.now() < until) await sendUserRequests(world.production.url, 200);
  // let the last minute end and settle (settleMs below: one scaled minute)
  await new Promise((r) => setTimeout(r, (2 * 60_000) / SCALE));
  const sides = (w: LoopbackDeployment): [SideTarget, SideTarget] => [
    { side: 'green', targetGroupArn: w.world.tg2.arn, loadBalancerArn: w.world.loadBalancerArn },
    { side: 'blue', targetGroupArn: w.world.tg1.arn, loadBalancerArn: w.world.loadBalancerArn },
  ];
  const [g, b] = sides(world);
  return {
    world,
    judge: (maxAttempts?: number, read?: MetricReader) =>
      analyseWindow({
        read: read ?? cloudWatchMetricReader(client(world as LoopbackDeployment, maxAttempts)),
        green: g,
        blue: b,
        window: { startMs: stepStarted, endMs: clock() },
        settings: analysis.parse({
          minRequests: 50,
          minMinutes: 4,
          alpha: 0.05,
          settleMs: 60_000,
          latency: { percentiles: ['p50', 'p99'] },
        }),
        nowMs: clock(),
        signal: AbortSignal.timeout(10_000),
      }),
  };
};

describe('canary analysis of real user traffic through a 10 % split', () => {
  it('fails a green answering 5 % 5xx to users, from the metrics of what the listener forwarded', async () => {
    const { world: w, judge } = await canaryStep('errors-5pct');
    const result = await judge();
    expect(result.verdict).toBe('fail');
    expect(result.metrics[0]?.metric).toBe('target 5xx rate');
    expect(result.metrics[0]?.verdict).toBe('fail');
    expect(result.summary).toMatch(
      /complete minutes, .* UTC: target 5xx rate: green [4-6]\.\d\d %/,
    );
    // the metrics came from the listener: green's share of the requests is about 10 %
    const reads = w.cloudWatch.requests.filter((r) => r.operation === 'GetMetricData');
    expect(reads).toHaveLength(1);
    expect(
      w.greenApp.paths.length / (w.greenApp.paths.length + w.blueApp.paths.length),
    ).toBeCloseTo(0.1, 2);
  });

  it('passes a healthy green: identical sides are not a regression', async () => {
    const { judge } = await canaryStep('healthy');
    const result = await judge();
    expect(result.metrics.map((m) => m.verdict)).toEqual(['pass', 'pass', 'pass']);
    expect(result.verdict).toBe('pass');
    expect(result.minutes.green.endMs - result.minutes.green.startMs).toBeGreaterThanOrEqual(
      3 * 60_000,
    );
  });

  it('a healthy green has no 5xx datapoint at all: an error rate of 0, judged, not an error', async () => {
    const { world: w, judge } = await canaryStep('healthy');
    const real = cloudWatchMetricReader(client(w));
    let greenErrors: ReadonlyMap<number, number> | undefined;
    const result = await judge(3, async (q, window, signal) => {
      const values = await real(q, window, signal);
      greenErrors = values.get('green_errors');
      return values;
    });
    expect(greenErrors?.size).toBe(0);
    expect(result.metrics[0]).toMatchObject({ metric: 'target 5xx rate', verdict: 'pass' });
    expect(result.metrics[0]?.detail).toMatch(/^green 0\.00 % \(0\/\d+\) vs blue 0\.00 %/);
  });

  it('a minute that arrives late is judged only once it is settled, never as an empty minute', async () => {
    const { world: w, judge } = await canaryStep('healthy');
    // CloudWatch is 90 s behind; the judge waits settleMs (60 s) after each minute: the last
    // minute it takes has not arrived, and reads as no datapoint on either side.
    w.cloudWatch.metrics.lagMs = 90_000;
    const late = await judge();
    w.cloudWatch.metrics.lagMs = 0;
    const onTime = await judge();
    // The late read leaves the minute that has not arrived for a later look: fewer minutes,
    // each complete, never a minute read as if nobody had come.
    expect(late.minutes.green.endMs).toBe(onTime.minutes.green.endMs - 60_000);
    expect(late.minutes.green.startMs).toBe(onTime.minutes.green.startMs);
  });

  it('rides out throttling with the SDK retries; a denied read fails naming the grant', async () => {
    const { world: w, judge } = await canaryStep('healthy');
    w.cloudWatch.failNext({ code: 'Throttling', message: 'Rate exceeded' }, 2);
    expect((await judge(3)).verdict).toBe('pass');
    w.cloudWatch.failNext({ code: 'AccessDenied', message: 'not authorized' }, 3);
    await expect(judge(3)).rejects.toThrow(
      'cloudwatch:GetMetricData was denied (AccessDenied): the hook role needs cloudwatch:GetMetricData on "*"',
    );
  });
});
