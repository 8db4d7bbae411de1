/**
 * The alarm rollback handler with the real AWS SDK against the local CodeDeploy endpoint.
 */
import { createAlarmHandler } from '../../../src/alarm/createAlarmHandler';
import { StopDeploymentError } from '../../../src/errors';
import type { LocalCodeDeployEndpoint } from '../../../src/local/codeDeployEndpoint';
import { CODEDEPLOY_OPERATIONS } from '../../../src/packaging/awsCalls';
import { alarmActionEvent, eventBridgeEvent, snsEvent } from '../../helpers/alarmEvents';
import { captureLog } from '../../helpers/lambda';
import { localAwsEnv, startCodeDeploy } from '../../helpers/localServers';

const savedEnv = { ...process.env };
afterEach(() => {
  process.env = { ...savedEnv };
});

const setUp = async (env: Record<string, string> = {}, pageSize?: number) => {
  const endpoint: LocalCodeDeployEndpoint = await startCodeDeploy(pageSize ? { pageSize } : {});
  Object.assign(process.env, localAwsEnv(endpoint.url));
  const log = captureLog();
  const handler = createAlarmHandler({
    env: { CODEDEPLOY_APPLICATION_NAME: 'app', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg', ...env },
    log,
  });
  return { endpoint, handler, log };
};

describe('alarm rollback handler', () => {
  it.each([
    ['SNS', snsEvent()],
    ['EventBridge', eventBridgeEvent()],
    ['a direct alarm action', alarmActionEvent()],
  ])(
    'an ALARM via %s stops exactly the active deployments of the group, with rollback',
    async (_via, event) => {
      const { endpoint, handler, log } = await setUp();
      const active = endpoint.addDeployment('app', 'dg', 'InProgress');
      const ready = endpoint.addDeployment('app', 'dg', 'Ready'); // waiting before blue ends
      const done = endpoint.addDeployment('app', 'dg', 'Succeeded');
      const otherGroup = endpoint.addDeployment('app', 'other-dg', 'InProgress');
      const otherApp = endpoint.addDeployment('other-app', 'dg', 'InProgress');

      await handler(event);

      const stops = endpoint.requestsFor('StopDeployment').map((r) => r.body);
      expect(stops).toEqual(
        expect.arrayContaining([
          { deploymentId: active, autoRollbackEnabled: true },
          { deploymentId: ready, autoRollbackEnabled: true },
        ]),
      );
      expect(stops).toHaveLength(2);
      expect(endpoint.deployments.get(done)?.status).toBe('Succeeded');
      expect(endpoint.deployments.get(otherGroup)?.status).toBe('InProgress');
      expect(endpoint.deployments.get(otherApp)?.status).toBe('InProgress');
      expect(endpoint.requestsFor('ListDeployments')[0]?.body).toEqual({
        applicationName: 'app',
        deploymentGroupName: 'dg',
        includeOnlyStatuses: ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'],
      });
      const decision = log.lines.find((l) => l.message === 'Alarm decision: stopped with rollback');
      expect(decision?.fields).toMatchObject({
        alarmName: 'web-5xx',
        transition: 'OK -> ALARM',
        deploymentGroup: 'app/dg',
        deploymentsFound: [active, ready],
      });
    },
  );

  it('stops nothing on OK or INSUFFICIENT_DATA, and says why', async () => {
    const { endpoint, handler, log } = await setUp();
    const active = endpoint.addDeployment('app', 'dg');
    await handler(
      snsEvent({ newState: 'OK', oldState: 'ALARM' }, { newState: 'INSUFFICIENT_DATA' }),
    );
    expect(endpoint.requests).toHaveLength(0);
    expect(endpoint.deployments.get(active)?.status).toBe('InProgress');
    expect(log.lines.map((l) => l.fields.why)).toEqual([
      'state OK is not ALARM',
      'state INSUFFICIENT_DATA is not ALARM',
    ]);
  });

  it('stops nothing on a malformed payload, and logs what was wrong', async () => {
    const { endpoint, handler, log } = await setUp();
    endpoint.addDeployment('app', 'dg');
    const result = await handler({
      Records: [{ EventSource: 'aws:sns', Sns: { Message: '{"AlarmName":"x"}' } }],
    });
    expect(endpoint.requests).toHaveLength(0);
    expect(result.rejections[0]).toMatch(/NewStateValue/);
    expect(log.lines[0]).toMatchObject({
      level: 'error',
      message: 'Alarm payload rejected: nothing stopped',
    });
  });

  it('logs and returns when no deployment is active', async () => {
    const { endpoint, handler, log } = await setUp();
    endpoint.addDeployment('app', 'dg', 'Succeeded');
    await handler(eventBridgeEvent());
    expect(endpoint.requestsFor('StopDeployment')).toHaveLength(0);
    expect(log.lines.at(-1)?.message).toBe('Alarm decision: no active deployment');
  });

  it('is harmless on a duplicate delivery: the rollback deployment it started keeps running', async () => {
    const { endpoint, handler, log } = await setUp();
    const active = endpoint.addDeployment('app', 'dg');
    await handler(snsEvent());
    const [rollback] = endpoint.rollbacksOf(active);
    expect(rollback?.status).toBe('InProgress');
    // the same alarm again: SNS retry, or the EventBridge copy of the same state change
    await handler(eventBridgeEvent());
    expect(endpoint.requestsFor('StopDeployment')).toHaveLength(1);
    expect(endpoint.deployments.get(rollback?.deploymentId ?? '')?.status).toBe('InProgress');
    expect(log.lines.at(-1)?.fields).toMatchObject({
      rollbacksLeftRunning: [rollback?.deploymentId],
      stops: [],
    });
  });

  it('treats DeploymentAlreadyCompletedException as done', async () => {
    const { endpoint, handler, log } = await setUp();
    const active = endpoint.addDeployment('app', 'dg');
    endpoint.failNext('StopDeployment', {
      errorType: 'DeploymentAlreadyCompletedException',
      message: 'done',
    });
    await expect(handler(snsEvent())).resolves.toBeDefined();
    expect(log.lines.at(-1)?.fields.stops).toEqual([
      { deploymentId: active, outcome: 'already-completed' },
    ]);
  });

  it('rides out throttling', async () => {
    const { endpoint, handler } = await setUp();
    const active = endpoint.addDeployment('app', 'dg');
    endpoint.failNext(
      'ListDeployments',
      { errorType: 'ThrottlingException', message: 'Rate exceeded' },
      1,
    );
    endpoint.failNext(
      'StopDeployment',
      { errorType: 'ThrottlingException', message: 'Rate exceeded' },
      1,
    );
    await handler(snsEvent());
    expect(endpoint.deployments.get(active)?.status).toBe('Stopped');
    expect(endpoint.requestsFor('StopDeployment')).toHaveLength(2);
  });

  it('follows every page of ListDeployments', async () => {
    const { endpoint, handler } = await setUp({}, 2);
    const ids = Array.from({ length: 5 }, () => endpoint.addDeployment('app', 'dg'));
    await handler(snsEvent());
    expect(endpoint.requestsFor('ListDeployments')).toHaveLength(3);
    expect(endpoint.requestsFor('ListDeployments')[1]?.body.nextToken).toBe('2');
    for (const id of ids) expect(endpoint.deployments.get(id)?.status).toBe('Stopped');
  });

  it('throws after trying every deployment when a stop fails, so the delivery is retried', async () => {
    const { endpoint, handler } = await setUp();
    const first = endpoint.addDeployment('app', 'dg');
    const second = endpoint.addDeployment('app', 'dg');
    endpoint.failNext(
      'StopDeployment',
      { errorType: 'AccessDeniedException', message: 'not allowed' },
      1,
    );
    await expect(handler(snsEvent())).rejects.toThrow(StopDeploymentError);
    const stopped = [first, second].filter(
      (id) => endpoint.deployments.get(id)?.status === 'Stopped',
    );
    expect(stopped).toHaveLength(1);
  });

  it('routes an alarm to the groups ALARM_ROUTES names, and only those', async () => {
    const { endpoint, handler } = await setUp({
      ALARM_ROUTES: JSON.stringify({
        'payments-5xx': [{ application: 'pay', deploymentGroup: 'pay-dg' }],
      }),
    });
    const defaultGroup = endpoint.addDeployment('app', 'dg');
    const payments = endpoint.addDeployment('pay', 'pay-dg');
    await handler(snsEvent({ alarmName: 'payments-5xx' }));
    expect(endpoint.deployments.get(payments)?.status).toBe('Stopped');
    expect(endpoint.deployments.get(defaultGroup)?.status).toBe('InProgress');
  });

  it('in dry-run mode logs what it would stop and stops nothing', async () => {
    const { endpoint, handler, log } = await setUp({ ALARM_ROLLBACK_DRY_RUN: 'true' });
    const active = endpoint.addDeployment('app', 'dg');
    await handler(snsEvent());
    expect(endpoint.requestsFor('StopDeployment')).toHaveLength(0);
    expect(log.lines.at(-1)).toMatchObject({
      message: 'Alarm decision: would stop (dry run)',
      fields: { stops: [{ deploymentId: active, outcome: 'dry-run' }] },
    });
  });
});

describe('alarm rollback handler, deployments in Baking', () => {
  it('stops a Baking deployment too: it is still active and can be rolled back', async () => {
    const { endpoint, handler } = await setUp();
    const baking = endpoint.addDeployment('app', 'dg', 'Baking');
    await handler(snsEvent());
    expect(endpoint.deployments.get(baking)).toMatchObject({
      status: 'Stopped',
      stoppedWithRollback: true,
    });
    expect(new Set(endpoint.requests.map((r) => r.operation))).toEqual(
      new Set(CODEDEPLOY_OPERATIONS.alarm),
    );
  });
});
