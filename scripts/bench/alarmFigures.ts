/** Alarm to StopDeployment, against a bare List + Stop with the same client. */
import { ListDeploymentsCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { createAlarmHandler } from '../../src/alarm/createAlarmHandler';
import { createCodeDeployClient } from '../../src/aws/codeDeployClients';
import type { LocalCodeDeployEndpoint } from '../../src/local/codeDeployEndpoint';
import { silentLog } from '../../src/logging/logger';
import { type BenchRun, stats } from './stats';

export const benchAlarm = async (run_: BenchRun, endpoint: LocalCodeDeployEndpoint) => {
  const handler = createAlarmHandler({
    env: { CODEDEPLOY_APPLICATION_NAME: 'app', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'alarm-dg' },
    log: silentLog,
  });
  const client = createCodeDeployClient({ maxAttempts: 5 });
  const alarm = {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          Message: JSON.stringify({
            AlarmName: 'bench',
            NewStateValue: 'ALARM',
            OldStateValue: 'OK',
          }),
        },
      },
    ],
  };
  const timeOurs = async () => {
    const id = endpoint.addDeployment('app', 'alarm-dg');
    const started = performance.now();
    await handler(alarm);
    const stop = endpoint.requestsFor('StopDeployment').find((r) => r.body.deploymentId === id);
    if (!stop) throw new Error('no StopDeployment received');
    for (const r of endpoint.rollbacksOf(id)) r.status = 'Succeeded';
    return stop.receivedAt - started;
  };
  const timeBare = async () => {
    const id = endpoint.addDeployment('app', 'bare-dg');
    const started = performance.now();
    await client.send(
      new ListDeploymentsCommand({
        applicationName: 'app',
        deploymentGroupName: 'bare-dg',
        includeOnlyStatuses: ['InProgress'],
      }),
    );
    await client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    const stop = endpoint.requestsFor('StopDeployment').find((r) => r.body.deploymentId === id);
    for (const r of endpoint.rollbacksOf(id)) r.status = 'Succeeded';
    return (stop?.receivedAt ?? Number.NaN) - started;
  };
  await timeOurs();
  await timeBare();
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < run_.runs * 2; i++) {
    ours.push(await timeOurs());
    bare.push(await timeBare());
  }
  const o = stats(ours);
  const b = stats(bare);
  run_.figures.push({
    name: 'Alarm to StopDeployment received',
    ours: o,
    reference: b,
    referenceName: 'bare ListDeployments + StopDeployment',
    unit: 'ms',
    goal: '<= 1.3x',
    goalMet: o.median <= 1.3 * b.median,
    note: 'ours adds BatchGetDeployments, to leave rollback deployments running',
  });
};
