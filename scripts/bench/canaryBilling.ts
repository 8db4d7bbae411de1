/**
 * Lambda time billed per analysed step minute: the real ECS hook at PRODUCTION_TRAFFIC_SHIFT of a
 * 10 % step, user traffic through the loopback production listener, metrics read with the real
 * SDK from the local CloudWatch endpoint, until the step's verdict. The world's clock runs 60x
 * (a metric minute per real second), so the step's minutes are counted on that clock while each
 * invocation's billed time is real. The hook answers IN_PROGRESS between looks instead of waiting,
 * so what it bills is its looks, not the step's length; a hook that waits in place bills the
 * whole window, 60 s per minute, which is the reference.
 */
import { createEcsHookHandler } from '../../src/controllers/ecs/createEcsHookHandler';
import { cloudWatchMetricReader } from '../../src/discovery/readMetrics';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { scaledClock } from '../../src/local/scaledClock';
import { startUserTraffic } from '../../src/local/userTraffic';
import { silentLog } from '../../src/logging/logger';
import { validateSuite } from '../../src/suite/validateSuite';
import { type BenchRun, stats } from './stats';

const SCALE = 60;
const GREEN_PERCENT = 10;

export const benchCanaryBilling = async (run: BenchRun) => {
  const clock = scaledClock(SCALE);
  const world = await LoopbackDeployment.start({ metricClock: clock });
  world.split('production', GREEN_PERCENT);
  world.route('test', 'green');
  const users = startUserTraffic(world.production.url, 6);
  const saved = { ...process.env };
  Object.assign(process.env, world.awsEnv());
  try {
    // Sized for loopback traffic (a few requests per metric minute); the number of looks, not
    // the thresholds, decides what is billed. callBackDelaySeconds stays at its default.
    const suite = validateSuite(
      {
        name: 'canary billing',
        checks: [{ name: 'home', path: '/' }],
        analysis: { minRequests: 40, minMinutes: 4, alpha: 0.05, settleMs: 60_000 },
      },
      'bench',
    );
    const hook = createEcsHookHandler(() => suite, {
      log: silentLog,
      metricClock: clock,
      readMetrics: cloudWatchMetricReader(),
    });
    const deployment = world.world.startServiceDeployment();
    const context = { getRemainingTimeInMillis: () => 60_000 };
    let billed = 0;
    let invocations = 0;
    let details: Record<string, unknown> | undefined;
    let status = 'IN_PROGRESS';
    const startedAt = clock();
    while (status === 'IN_PROGRESS' && invocations < 60) {
      const started = performance.now();
      const response = await hook(
        {
          executionId: 'canary-billing',
          lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
          resourceArn: deployment.arn,
          executionDetails: {
            serviceArn: world.world.serviceArn,
            targetServiceRevisionArn: world.world.greenRevisionArn,
            testTrafficWeights: {},
            productionTrafficWeights: {
              [world.world.greenRevisionArn]: GREEN_PERCENT,
              [world.world.blueRevisionArn]: 100 - GREEN_PERCENT,
            },
          },
          ...(details && { hookDetails: details }),
        },
        context,
      );
      billed += Math.ceil(performance.now() - started);
      invocations++;
      status = response.hookStatus;
      details = { ...details, ...response.hookDetails };
      if (status === 'IN_PROGRESS') {
        await new Promise((r) => setTimeout(r, ((response.callBackDelay ?? 30) * 1000) / SCALE));
      }
    }
    const stepMinutes = (clock() - startedAt) / 60_000;
    if (status !== 'SUCCEEDED') throw new Error(`the analysed step ended ${status}`);
    const reads = world.cloudWatch.requests.filter((r) => r.operation === 'GetMetricData').length;
    const perMinute = billed / 1000 / stepMinutes;
    run.figures.push({
      name: `Canary analysis: Lambda time billed per analysed step minute (${invocations} invocations over ${stepMinutes.toFixed(1)} step minutes)`,
      ours: stats([perMinute]),
      reference: stats([60]),
      referenceName: 'a hook that waits in place (the window itself)',
      unit: 's',
      goal: '<= 2 s per step minute',
      goalMet: perMinute <= 2,
      note: `one step, 60x clock, the local CloudWatch endpoint (a real GetMetricData adds its own latency per look, about one look a minute); ${reads} GetMetricData calls, ${(billed / invocations).toFixed(0)} ms per invocation`,
    });
  } finally {
    process.env = saved;
    await users.stop();
    await world.stop();
  }
};
