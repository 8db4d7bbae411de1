/**
 * The production watch at its default rate: from the moment production (now green) starts
 * answering 500 to the moment CodeDeploy receives Failed. The real AfterAllowTraffic handler,
 * with discovery and the report, against a loopback deployment. The alarm path it replaces
 * needs at least two one-minute periods of ALB metrics before a rollback can start.
 */
import { createHookHandler } from '../../src/controllers/codedeploy/createHookHandler';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { silentLog } from '../../src/logging/logger';
import { validateSuite } from '../../src/suite/validateSuite';
import { type BenchRun, stats } from './stats';

/** The alarm path's minimum: two evaluation periods of one-minute ALB metrics. */
const ALARM_PATH_MS = 2 * 60_000;

const suite = () =>
  validateSuite(
    {
      name: 'bench-watch',
      checks: [{ name: 'home', path: '/' }],
      // Every setting of the watch at its default (2/s, 3 in a row, 5-minute window).
      watch: { paths: ['/'] },
      hooks: { AfterAllowTraffic: ['home'] },
    },
    'bench',
  );

export const benchWatch = async (run: BenchRun) => {
  const world = await LoopbackDeployment.start();
  const saved = { ...process.env };
  Object.assign(process.env, world.awsEnv());
  world.route('test', 'green');
  world.route('production', 'green');
  const handler = createHookHandler('AfterAllowTraffic', suite, { env: {}, log: silentLog });
  const detections: number[] = [];
  const rates: number[] = [];
  try {
    for (let i = 0; i < run.runs; i++) {
      world.greenApp.setBehaviour('healthy');
      const executionId = `watch-${i}`;
      const before = world.greenApp.arrivals.length;
      // Break at a different phase of the 500 ms sampling interval each run.
      const breakAfterMs = 3_000 + (i * 500) / run.runs;
      let brokeAt = 0;
      let atBreak = 0;
      const timer = setTimeout(() => {
        world.greenApp.setBehaviour('broken');
        brokeAt = performance.now();
        atBreak = world.greenApp.arrivals.length;
      }, breakAfterMs);
      const started = performance.now();
      await handler(
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: executionId },
        { getRemainingTimeInMillis: () => 400_000 - (performance.now() - started) },
      );
      clearTimeout(timer);
      const report = world.codeDeploy
        .requestsFor('PutLifecycleEventHookExecutionStatus')
        .find((r) => r.body.lifecycleEventHookExecutionId === executionId);
      if (report?.body.status !== 'Failed' || !brokeAt) {
        throw new Error(
          `watch run ${i}: expected Failed after the break, got ${report?.body.status}`,
        );
      }
      detections.push(report.receivedAt - brokeAt);
      // Production requests per second while healthy: the home check excluded, then the gaps.
      const healthy = world.greenApp.arrivals.slice(before + 1, atBreak);
      rates.push((healthy.length - 1) / (((healthy.at(-1) ?? 0) - (healthy[0] ?? 0)) / 1000));
    }
  } finally {
    process.env = saved;
    await world.stop();
  }
  const d = stats(detections);
  run.figures.push({
    name: 'Production watch: green breaks under production -> Failed received (default 2/s, 3 in a row)',
    ours: d,
    reference: stats([ALARM_PATH_MS]),
    referenceName: 'alarm path minimum, 2 x 60 s periods (not measured)',
    unit: 'ms',
    goal: '<= 5 s',
    goalMet: d.max <= 5_000,
  });
  const r = stats(rates);
  run.figures.push({
    name: 'Production watch: load on production (default)',
    ours: r,
    unit: 'req/s',
    goal: '<= 5 req/s',
    goalMet: r.max <= 5,
    note: 'for the 5-minute window: about 600 requests',
  });
};
