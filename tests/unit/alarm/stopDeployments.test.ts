/**
 * The alarm stop's decisions, call by call, with the SDK mocked (unit level): which deployments
 * are rollbacks, how BatchGetDeployments is batched, and what each stop reports, for CodeDeploy
 * and ECS. The integration tests cover the same paths on the local endpoints; these pin the
 * details mutation testing showed no test looked at.
 */
import {
  BatchGetDeploymentsCommand,
  CodeDeployClient,
  DeploymentAlreadyCompletedException,
  ListDeploymentsCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import {
  ECSClient,
  ListServiceDeploymentsCommand,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import {
  isRollbackDeployment,
  stopActiveDeployments,
} from '../../../src/alarm/stopActiveDeployments';
import { stopActiveEcsDeployments } from '../../../src/alarm/stopActiveEcsDeployments';

const group = { applicationName: 'app', deploymentGroupName: 'dg' };
const service = { cluster: 'c', service: 's' };

describe('isRollbackDeployment', () => {
  it.each([
    [{ creator: 'codeDeployRollback' }, true],
    [{ creator: 'CloudFormationRollback' }, true],
    [{ creator: 'user', rollbackInfo: { rollbackTriggeringDeploymentId: 'd-1' } }, true],
    [{ creator: 'user' }, false],
    [{ rollbackInfo: {} }, false],
    [{}, false],
  ])('%j -> %s', (info, expected) => {
    expect(isRollbackDeployment(info as never)).toBe(expected);
  });
});

describe('stopActiveDeployments (CodeDeploy)', () => {
  const cd = mockClient(CodeDeployClient);
  afterEach(() => cd.reset());
  const client = () => new CodeDeployClient({ region: 'us-east-1' });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `d-${i}`);

  it.each([
    [25, [25]],
    [30, [25, 5]],
    [50, [25, 25]],
  ])('reads %i deployments in batches of 25 (%j), never an empty one', async (n, batches) => {
    cd.on(ListDeploymentsCommand).resolves({ deployments: ids(n) });
    cd.on(BatchGetDeploymentsCommand).callsFake((input: { deploymentIds: string[] }) => ({
      deploymentsInfo: input.deploymentIds.map((deploymentId) => ({
        deploymentId,
        creator: 'user',
      })),
    }));
    cd.on(StopDeploymentCommand).resolves({ status: 'Pending' });
    const report = await stopActiveDeployments(client(), group, { dryRun: false });
    const calls = cd
      .commandCalls(BatchGetDeploymentsCommand)
      .map((c) => c.args[0].input.deploymentIds?.length);
    expect(calls).toEqual(batches);
    expect(report.results).toHaveLength(n);
  });

  it('asks nothing about rollbacks when nothing is active', async () => {
    cd.on(ListDeploymentsCommand).resolves({ deployments: [] });
    const report = await stopActiveDeployments(client(), group, { dryRun: false });
    expect(cd.commandCalls(BatchGetDeploymentsCommand)).toHaveLength(0);
    expect(report).toEqual({ group, found: [], rollbacksLeftRunning: [], results: [] });
  });

  it('reports each stop as it went: stopped with its status, unknown status, already completed, failed', async () => {
    cd.on(ListDeploymentsCommand).resolves({ deployments: ['d-a', 'd-b', 'd-c', 'd-d', 'd-r'] });
    cd.on(BatchGetDeploymentsCommand).resolves({
      deploymentsInfo: [
        { deploymentId: 'd-a', creator: 'user' },
        { deploymentId: 'd-r', creator: 'codeDeployRollback' },
      ],
    });
    cd.on(StopDeploymentCommand, { deploymentId: 'd-a' }).resolves({ status: 'Pending' });
    cd.on(StopDeploymentCommand, { deploymentId: 'd-b' }).resolves({});
    cd.on(StopDeploymentCommand, { deploymentId: 'd-c' }).rejects(
      new DeploymentAlreadyCompletedException({ message: 'done', $metadata: {} }),
    );
    cd.on(StopDeploymentCommand, { deploymentId: 'd-d' }).rejects(
      Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' }),
    );
    const report = await stopActiveDeployments(client(), group, { dryRun: false });
    expect(report.rollbacksLeftRunning).toEqual(['d-r']);
    expect(report.results).toEqual([
      { deploymentId: 'd-a', outcome: 'stopped', status: 'Pending' },
      { deploymentId: 'd-b', outcome: 'stopped', status: 'unknown' },
      { deploymentId: 'd-c', outcome: 'already-completed' },
      { deploymentId: 'd-d', outcome: 'failed', error: expect.stringContaining('not allowed') },
    ]);
    const stopped = cd.commandCalls(StopDeploymentCommand).map((c) => c.args[0].input);
    expect(stopped).toContainEqual({ deploymentId: 'd-a', autoRollbackEnabled: true });
    expect(stopped.map((s) => s.deploymentId)).not.toContain('d-r');
  });
});

describe('stopActiveEcsDeployments', () => {
  const ecs = mockClient(ECSClient);
  afterEach(() => ecs.reset());
  const client = () => new ECSClient({ region: 'us-east-1' });
  const arn = (id: string) => `arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/${id}`;

  it('lists only PENDING and IN_PROGRESS, every page, and a page without deployments is empty', async () => {
    ecs
      .on(ListServiceDeploymentsCommand)
      .resolvesOnce({ serviceDeployments: [{ serviceDeploymentArn: arn('1') }], nextToken: 't' })
      .resolvesOnce({});
    const report = await stopActiveEcsDeployments(client(), service, { dryRun: true });
    expect(ecs.commandCalls(ListServiceDeploymentsCommand)[0]?.args[0].input).toMatchObject({
      cluster: 'c',
      service: 's',
      status: ['PENDING', 'IN_PROGRESS'],
    });
    expect(report).toEqual({
      group: service,
      found: [arn('1')],
      rollbacksLeftRunning: [],
      results: [{ deploymentId: arn('1'), outcome: 'dry-run' }],
    });
    expect(ecs.commandCalls(StopServiceDeploymentCommand)).toHaveLength(0);
  });

  it('stops with ROLLBACK and reports each outcome: requested, unknown, already done, failed', async () => {
    ecs.on(ListServiceDeploymentsCommand).resolves({
      serviceDeployments: ['a', 'b', 'c', 'd'].map((id) => ({ serviceDeploymentArn: arn(id) })),
    });
    ecs
      .on(StopServiceDeploymentCommand, { serviceDeploymentArn: arn('a') })
      .resolves({ serviceDeploymentArn: arn('a') });
    ecs.on(StopServiceDeploymentCommand, { serviceDeploymentArn: arn('b') }).resolves({});
    ecs
      .on(StopServiceDeploymentCommand, { serviceDeploymentArn: arn('c') })
      .rejects(Object.assign(new Error('finished'), { name: 'ConflictException' }));
    ecs
      .on(StopServiceDeploymentCommand, { serviceDeploymentArn: arn('d') })
      .rejects(Object.assign(new Error('denied'), { name: 'AccessDeniedException' }));
    const report = await stopActiveEcsDeployments(client(), service, { dryRun: false });
    expect(report.results).toEqual([
      { deploymentId: arn('a'), outcome: 'stopped', status: 'ROLLBACK_REQUESTED' },
      { deploymentId: arn('b'), outcome: 'stopped', status: 'unknown' },
      { deploymentId: arn('c'), outcome: 'already-completed' },
      { deploymentId: arn('d'), outcome: 'failed', error: expect.stringContaining('denied') },
    ]);
    expect(ecs.commandCalls(StopServiceDeploymentCommand)[0]?.args[0].input).toEqual({
      serviceDeploymentArn: arn('a'),
      stopType: 'ROLLBACK',
    });
  });
});
