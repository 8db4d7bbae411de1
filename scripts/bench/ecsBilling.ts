/**
 * Lambda time billed while green needs 60 s to become ready: the ECS hook (one probe per
 * invocation, IN_PROGRESS with a callback in between) against a hook that waits in place (the
 * CodeDeploy hook's readiness gate). Both run at once against the same slow green; a minute.
 */

import { createHookHandler } from '../../src/controllers/codedeploy/createHookHandler';
import { createEcsHookHandler } from '../../src/controllers/ecs/createEcsHookHandler';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { silentLog } from '../../src/logging/logger';
import { validateSuite } from '../../src/suite/validateSuite';
import { type BenchRun, stats } from './stats';

const READY_AFTER_MS = 60_000;

export const benchEcsBilling = async (run_: BenchRun) => {
  const world = await LoopbackDeployment.start({
    green: { behaviour: 'slow-start', startupMs: READY_AFTER_MS },
  });
  world.route('test', 'green');
  const saved = { ...process.env };
  Object.assign(process.env, world.awsEnv());
  try {
    const suite = validateSuite(
      {
        name: 'billing',
        readiness: { path: '/', budgetMs: 120_000, intervalMs: 500 },
        checks: [{ name: 'home', path: '/' }],
        hooks: { POST_TEST_TRAFFIC_SHIFT: ['home'] },
      },
      'bench',
    );
    const context = (ms: number) => {
      const deadline = Date.now() + ms;
      return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()) };
    };
    const ecsHook = createEcsHookHandler(() => suite, { log: silentLog });
    const deployment = world.world.startServiceDeployment();
    const ecs = async () => {
      let billed = 0;
      let invocations = 0;
      let details: Record<string, unknown> | undefined;
      for (;;) {
        const started = performance.now();
        const response = await ecsHook(
          {
            executionId: 'billing',
            lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
            resourceArn: deployment.arn,
            executionDetails: {
              serviceArn: world.world.serviceArn,
              targetServiceRevisionArn: world.world.greenRevisionArn,
            },
            ...(details && { hookDetails: details }),
          },
          context(60_000),
        );
        billed += Math.ceil(performance.now() - started);
        invocations++;
        if (response.hookStatus !== 'IN_PROGRESS')
          return { billed, invocations, status: response.hookStatus };
        details = { ...details, ...response.hookDetails };
        await new Promise((r) => setTimeout(r, (response.callBackDelay ?? 30) * 1000));
      }
    };
    const inPlaceHook = createHookHandler('AfterAllowTestTraffic', () => suite, {
      env: { TEST_LISTENER_URL: world.test.url, ROUTING_PROOF: 'false' },
      log: silentLog,
    });
    const inPlace = async () => {
      const started = performance.now();
      const r = await inPlaceHook(
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'billing' },
        context(180_000),
      );
      return { billed: Math.ceil(performance.now() - started), status: r.status };
    };
    const [ours, reference] = await Promise.all([ecs(), inPlace()]);
    if (ours.status !== 'SUCCEEDED' || reference.status !== 'Succeeded') {
      throw new Error(`billing runs ended ${ours.status} / ${reference.status}`);
    }
    run_.figures.push({
      name: `ECS hook, green ready after ${READY_AFTER_MS / 1000} s: Lambda time billed (${ours.invocations} invocations)`,
      ours: stats([ours.billed / 1000]),
      reference: stats([reference.billed / 1000]),
      referenceName: 'a hook that waits in place',
      unit: 's',
      goal: '<= 2 s billed',
      goalMet: ours.billed <= 2_000,
      note: 'one run (it takes a minute); callBackDelay 10 s (the suite default)',
    });
  } finally {
    process.env = saved;
    await world.stop();
  }
};
