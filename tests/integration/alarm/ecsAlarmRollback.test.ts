/**
 * Alarm rollback for ECS native blue/green: the real alarm handler and the real ECS client
 * (JSON 1.1) against the local world's service deployments.
 */
import { createAlarmHandler } from '../../../src/alarm/createAlarmHandler';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import { ECS_ALARM_OPERATIONS } from '../../../src/packaging/awsCalls';
import { eventBridgeEvent, snsEvent } from '../../helpers/alarmEvents';
import { captureLog } from '../../helpers/lambda';

const saved = { ...process.env };
let world: LoopbackDeployment;
beforeEach(async () => {
  world = await LoopbackDeployment.start();
  Object.assign(process.env, world.awsEnv());
});
afterEach(async () => {
  process.env = { ...saved };
  await world.stop();
});

const handlerFor = (env: Record<string, string> = {}) =>
  createAlarmHandler({
    env: { ECS_CLUSTER_NAME: 'sample-cluster', ECS_SERVICE_NAME: 'sample-website', ...env },
    log: captureLog(),
  });

describe('alarm rollback of an ECS service', () => {
  it('ALARM stops the in-progress service deployment with ROLLBACK, once, whatever the duplicates', async () => {
    const deployment = world.world.startServiceDeployment();
    const handler = handlerFor();
    await handler(snsEvent());
    expect(deployment).toMatchObject({ status: 'ROLLBACK_REQUESTED', stopType: 'ROLLBACK' });
    await handler(eventBridgeEvent()); // the same alarm delivered again
    const stops = world.ecs.requests.filter((r) => r.operation === 'StopServiceDeployment');
    expect(stops).toHaveLength(1);
    expect(stops[0]?.body).toEqual({ serviceDeploymentArn: deployment.arn, stopType: 'ROLLBACK' });
    expect(world.ecs.requests.find((r) => r.operation === 'ListServiceDeployments')?.body).toEqual({
      cluster: 'sample-cluster',
      service: 'sample-website',
      status: ['PENDING', 'IN_PROGRESS'],
    });
    expect(
      world.ecs.requests.filter(
        (r) => !(ECS_ALARM_OPERATIONS as readonly string[]).includes(r.operation),
      ),
    ).toEqual([]);
  });

  it('OK, a finished deployment and a dry run stop nothing', async () => {
    const done = world.world.startServiceDeployment();
    done.status = 'SUCCESSFUL';
    await handlerFor()(snsEvent({ newState: 'OK' }));
    await handlerFor()(snsEvent());
    const active = world.world.startServiceDeployment();
    await handlerFor({ ALARM_ROLLBACK_DRY_RUN: 'true' })(snsEvent());
    expect(done.status).toBe('SUCCESSFUL');
    expect(active.status).toBe('IN_PROGRESS');
    expect(world.ecs.requests.filter((r) => r.operation === 'StopServiceDeployment')).toEqual([]);
  });

  it('routes an alarm to an ECS service with ALARM_ROUTES', async () => {
    const deployment = world.world.startServiceDeployment();
    const handler = createAlarmHandler({
      env: {
        CODEDEPLOY_APPLICATION_NAME: 'app',
        CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg',
        ALARM_ROUTES: JSON.stringify({
          'web-5xx': [{ ecsService: { cluster: 'sample-cluster', service: 'sample-website' } }],
        }),
      },
      log: captureLog(),
    });
    await handler(snsEvent({ alarmName: 'web-5xx' }));
    expect(deployment.status).toBe('ROLLBACK_REQUESTED');
  });

  it('refuses both default targets at once', () => {
    expect(() =>
      handlerFor({ CODEDEPLOY_APPLICATION_NAME: 'a', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'g' }),
    ).toThrow(/set exactly one default target/);
  });
});
