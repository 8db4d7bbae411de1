/**
 * Verdict time of a hook that discovers green (no TEST_LISTENER_URL: CodeDeploy, ELBv2 and ECS
 * reads, the routing proof, revision facts) against the ideal critical path plus one discovery
 * round trip, on the loopback world.
 */
import { GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { createCodeDeployClient } from '../../src/aws/codeDeployClients';
import { createHookHandler } from '../../src/controllers/codedeploy/createHookHandler';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { silentLog } from '../../src/logging/logger';
import { benchSuite, CHECKS, LATENCY_MS } from './hookTiming';
import { type BenchRun, stats } from './stats';

export const benchDiscovery = async (run_: BenchRun) => {
  const world = await LoopbackDeployment.start({ green: { latencyMs: LATENCY_MS } });
  world.route('test', 'green');
  const saved = { ...process.env };
  Object.assign(process.env, world.awsEnv());
  try {
    const suite = benchSuite();
    const handler = createHookHandler('AfterAllowTestTraffic', () => suite, { log: silentLog });
    // The same suite through the same test listener, told the URL, reading nothing from AWS.
    const without = createHookHandler('AfterAllowTestTraffic', () => suite, {
      env: { TEST_LISTENER_URL: world.test.url, ROUTING_PROOF: 'false' },
      log: silentLog,
    });
    const client = createCodeDeployClient({ maxAttempts: 5 });
    const deploymentId = world.startDeployment();
    const once = async (h = handler) => {
      const executionId = `disc-${Math.random()}`;
      const started = performance.now();
      const deadline = started + 60_000;
      const result = await h(
        { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
        { getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) },
      );
      if (result.status !== 'Succeeded') throw new Error(`discovery run: ${result.reason}`);
      const report = world.codeDeploy
        .requestsFor('PutLifecycleEventHookExecutionStatus')
        .find((r) => r.body.lifecycleEventHookExecutionId === executionId);
      return (report?.receivedAt ?? Number.NaN) - started;
    };
    const roundTrip = async () => {
      const started = performance.now();
      await client.send(new GetDeploymentCommand({ deploymentId }));
      return performance.now() - started;
    };
    await once();
    await once(without);
    await roundTrip();
    const ours: number[] = [];
    const plain: number[] = [];
    const trips: number[] = [];
    for (let i = 0; i < run_.runs; i++) {
      ours.push(await once());
      plain.push(await once(without));
      trips.push(await roundTrip());
    }
    const trip = stats(trips).median;
    const ideal = LATENCY_MS + Math.ceil(CHECKS / suite.concurrency) * LATENCY_MS + trip;
    const o = stats(ours);
    run_.figures.push({
      name: `Verdict with discovery and routing proof (${CHECKS} checks x ${LATENCY_MS} ms)`,
      ours: o,
      reference: stats(ours.map(() => ideal)),
      referenceName: `ideal critical path + one discovery round trip (${trip.toFixed(1)} ms)`,
      unit: 'ms',
      goal: '<= 1.15x',
      goalMet: o.median <= 1.15 * ideal,
      note: 'the measured path also crosses the test-listener proxy, which the ideal does not; see the next figure',
    });
    const p = stats(plain);
    run_.figures.push({
      name: 'Discovery and routing proof alone: the same suite through the same listener, with and without',
      ours: o,
      reference: p,
      referenceName: 'URL given, no AWS reads',
      unit: 'ms',
      goal: '<= 1.15x',
      goalMet: o.median <= 1.15 * p.median,
      note: 'critical path: GetDeployment, then GetApplicationRevision -> DescribeTaskDefinition or DescribeRules -> DescribeTargetHealth (group and listeners cached)',
    });
  } finally {
    process.env = saved;
    await world.stop();
  }
};
