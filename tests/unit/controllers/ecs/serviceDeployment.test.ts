/**
 * What the ECS hook reads of the service deployment (SDK mocked): a service's first deployment,
 * the deployment's alarms, and the deployed task definition's tags (the skip marker).
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  ECSClient,
} from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { createServiceDeploymentReads } from '../../../../src/controllers/ecs/serviceDeployment';

const ecs = mockClient(ECSClient);
afterEach(() => ecs.reset());
const reads = () => createServiceDeploymentReads({ ecs: new ECSClient({ region: 'us-east-1' }) });
const signal = new AbortController().signal;
const ARN = 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/abc';

describe('isServiceCreation', () => {
  it.each([
    [{ serviceDeployments: [{ sourceServiceRevisions: [] }] }, true],
    [{ serviceDeployments: [{}] }, true],
    [{ serviceDeployments: [{ sourceServiceRevisions: [{ arn: 'r1' }] }] }, false],
  ])('%j -> %s', async (answer, expected) => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves(answer as never);
    expect(await reads().isServiceCreation(ARN, signal)).toBe(expected);
    expect(ecs.commandCalls(DescribeServiceDeploymentsCommand)[0]?.args[0].input).toEqual({
      serviceDeploymentArns: [ARN],
    });
  });

  it('an answer without the deployment is not a creation: it proves nothing, and the checks run', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({});
    expect(await reads().isServiceCreation(ARN, signal)).toBe(false);
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    expect(await reads().isServiceCreation(ARN, signal)).toBe(false);
  });

  it('a failed read names the action and what was read', async () => {
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    await expect(reads().isServiceCreation(ARN, signal)).rejects.toThrow(
      /ecs:DescribeServiceDeployments.*the service deployment/,
    );
  });
});

describe('alarmNames', () => {
  it.each([
    [{ alarms: { status: 'ENABLED', alarmNames: ['a', 'b'] } }, ['a', 'b']],
    [{ alarms: { status: 'DISABLED', alarmNames: ['a'] } }, []],
    [{ alarms: { status: 'ENABLED' } }, []],
    [{}, []],
  ])('%j -> %j', async (deployment, expected) => {
    ecs
      .on(DescribeServiceDeploymentsCommand)
      .resolves({ serviceDeployments: [deployment as never] });
    expect(await reads().alarmNames(ARN, signal)).toEqual(expected);
  });

  it('no deployment in the answer is an error: its alarms could not be read', async () => {
    ecs.on(DescribeServiceDeploymentsCommand).resolves({ serviceDeployments: [] });
    await expect(reads().alarmNames(ARN, signal)).rejects.toThrow(
      `service deployment ${ARN} was not found, so its alarms (watch.deploymentAlarms) could not be read`,
    );
    ecs.on(DescribeServiceDeploymentsCommand).resolves({});
    await expect(reads().alarmNames(ARN, signal)).rejects.toThrow(/was not found/);
  });
});

describe('taskDefinitionTags', () => {
  it("reads the revision's task definition with its tags, keys and values", async () => {
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ taskDefinition: 'arn:td:42' }] });
    ecs
      .on(DescribeTaskDefinitionCommand)
      .resolves({ tags: [{ key: 'note', value: 'skip smoke' }, { key: 'k' }] });
    expect(await reads().taskDefinitionTags('rev', signal)).toEqual([
      'note',
      'skip smoke',
      'k',
      '',
    ]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)[0]?.args[0].input).toEqual({
      taskDefinition: 'arn:td:42',
      include: ['TAGS'],
    });
  });

  it('a failed read names the action and what was read', async () => {
    ecs
      .on(DescribeServiceRevisionsCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    await expect(reads().taskDefinitionTags('rev', signal)).rejects.toThrow(
      /ecs:DescribeServiceRevisions.*the revision/,
    );
    ecs.reset();
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ taskDefinition: 'td' }] });
    ecs
      .on(DescribeTaskDefinitionCommand)
      .rejects(Object.assign(new Error('no'), { name: 'AccessDeniedException' }));
    await expect(reads().taskDefinitionTags('rev', signal)).rejects.toThrow(
      /ecs:DescribeTaskDefinition.*"\*"/,
    );
  });

  it('a task definition with no tags has none; a tag without a key or value gives an empty one', async () => {
    ecs
      .on(DescribeServiceRevisionsCommand)
      .resolves({ serviceRevisions: [{ taskDefinition: 'arn:td:42' }] });
    ecs.on(DescribeTaskDefinitionCommand).resolves({});
    expect(await reads().taskDefinitionTags('rev', signal)).toEqual([]);
    ecs.on(DescribeTaskDefinitionCommand).resolves({ tags: [{ value: 'v' }] });
    expect(await reads().taskDefinitionTags('rev', signal)).toEqual(['', 'v']);
  });

  it('an answer with no revisions at all has no tags', async () => {
    ecs.on(DescribeServiceRevisionsCommand).resolves({});
    expect(await reads().taskDefinitionTags('rev', signal)).toEqual([]);
  });

  it('a revision without a task definition has no tags, and nothing else is read', async () => {
    ecs.on(DescribeServiceRevisionsCommand).resolves({ serviceRevisions: [] });
    expect(await reads().taskDefinitionTags('rev', signal)).toEqual([]);
    expect(ecs.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
  });
});
