/**
 * The AfterAllowTraffic hook end to end on loopback: discovery, the watch on the production
 * listener, the deployment group's own alarms (GetDeploymentGroup's alarmConfiguration, read
 * with the real CloudWatch client), and the report to CodeDeploy.
 */

import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import { cloudWatchAlarmReader } from '../../../../src/discovery/readAlarmStates';
import { LoopbackDeployment } from '../../../../src/local/loopbackDeployment';
import type { SuiteInput } from '../../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf } from '../../../helpers/suites';

jest.setTimeout(30_000);

const saved = { ...process.env };
let world: LoopbackDeployment;
beforeEach(async () => {
  world = await LoopbackDeployment.start();
  Object.assign(process.env, world.awsEnv());
  world.route('test', 'green');
  world.route('production', 'green');
});
afterEach(async () => {
  process.env = { ...saved };
  await world.stop();
});

const hook = (
  watch: Partial<NonNullable<SuiteInput['watch']>>,
  env: Record<string, string> = {},
) => {
  const handler = createHookHandler(
    'AfterAllowTraffic',
    () =>
      suiteOf({
        checks: [{ name: 'home', path: '/' }],
        watch: { paths: ['/'], windowMs: 2_000, alarmIntervalMs: 1_000, ...watch },
        hooks: { AfterAllowTraffic: ['home'] },
      }),
    { env, log: captureLog(), readAlarms: cloudWatchAlarmReader() },
  );
  return (id: string) =>
    handler(
      { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: id },
      contextWithDeadline(20_000),
    );
};

describe('AfterAllowTraffic hook', () => {
  it("Succeeded after a clean window, the group's alarms OK", async () => {
    world.world.deploymentAlarmNames = ['group-5xx'];
    world.cloudWatch.setAlarm('group-5xx', 'OK');
    const result = await hook({ deploymentAlarms: true })('clean');
    expect(result.status).toBe('Succeeded');
    expect(world.codeDeploy.hookStatuses.get('clean')).toBe('Succeeded');
    expect(world.cloudWatch.requests[0]?.body.AlarmNames).toEqual(['group-5xx']);
    // production (green here) was sampled, at 2 requests/s for 2 s, after the home check
    expect(world.greenApp.paths.length).toBeGreaterThanOrEqual(4);
  });

  it("Failed when the group's alarm is already in ALARM as production moves", async () => {
    world.world.deploymentAlarmNames = ['group-5xx'];
    world.cloudWatch.setAlarm('group-5xx', 'ALARM', 'Threshold Crossed');
    const result = await hook({ deploymentAlarms: true, windowMs: 60_000 })('firing');
    expect(result).toMatchObject({
      status: 'Failed',
      reason: expect.stringMatching(
        /production watch: alarm group-5xx is in ALARM \(Threshold Crossed\)$/,
      ),
    });
    expect(world.codeDeploy.hookStatuses.get('firing')).toBe('Failed');
  });

  it("reads the group's alarms even when both URLs are given and the proof is off", async () => {
    // Nothing else needs the deployment read here; the alarms still do.
    world.world.deploymentAlarmNames = ['group-5xx'];
    world.cloudWatch.setAlarm('group-5xx', 'ALARM', 'Threshold Crossed');
    const env = {
      TEST_LISTENER_URL: world.test.url,
      PRODUCTION_LISTENER_URL: world.production.url,
      ROUTING_PROOF: 'false',
    };
    const result = await hook({ deploymentAlarms: true }, env)('urls');
    expect(result).toMatchObject({
      status: 'Failed',
      reason: expect.stringMatching(/production watch: alarm group-5xx is in ALARM/),
    });
    expect(world.cloudWatch.requests[0]?.body.AlarmNames).toEqual(['group-5xx']);
  });
});
