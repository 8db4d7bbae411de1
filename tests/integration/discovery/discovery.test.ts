/**
 * Deployment-aware hooks end to end on loopback: the real hook handler and the real AWS SDK
 * clients (CodeDeploy JSON 1.1, ELBv2 Query/XML, ECS JSON 1.1) against local endpoints that serve
 * one consistent world. The hook has no TEST_LISTENER_URL: it finds green itself.
 */

import { createHookHandler } from '../../../src/controllers/codedeploy/createHookHandler';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import { CODEDEPLOY_OPERATIONS } from '../../../src/packaging/awsCalls';
import type { Suite } from '../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../helpers/lambda';
import { suiteOf } from '../../helpers/suites';

jest.setTimeout(30_000);

const savedEnv = { ...process.env };
const running: LoopbackDeployment[] = [];
afterEach(async () => {
  process.env = { ...savedEnv };
  await Promise.all(running.splice(0).map((d) => d.stop()));
});

const versionSuite = (): Suite =>
  suiteOf({
    retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 50 },
    checks: [
      { name: 'home', path: '/' },
      {
        name: 'runs the deployed image',
        path: '/version',
        expect: { json: [{ path: 'version', equals: '{{container.sample-website.imageTag}}' }] },
      },
    ],
  });

let counter = 0;
const setUp = async (
  options: Parameters<typeof LoopbackDeployment.start>[0] = {},
  env: Record<string, string> = {},
  suite: Suite = versionSuite(),
) => {
  const world = await LoopbackDeployment.start(options);
  running.push(world);
  Object.assign(process.env, world.awsEnv());
  const log = captureLog();
  const handler = createHookHandler('AfterAllowTestTraffic', () => suite, { env, log });
  const deploymentId = world.startDeployment();
  const invoke = async () => {
    const executionId = `discovery-${++counter}`;
    const result = await handler(
      { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
      contextWithDeadline(20_000),
    );
    return { result, reported: world.codeDeploy.hookStatuses.get(executionId) };
  };
  return { world, invoke, log, deploymentId };
};

describe('a hook with no TEST_LISTENER_URL', () => {
  it('discovers green through the deployment, proves the routing and reports Succeeded', async () => {
    const { world, invoke, log } = await setUp();
    world.route('test', 'green');
    const { result, reported } = await invoke();
    expect(result.reason).toBeUndefined();
    expect(reported).toBe('Succeeded');
    expect(world.greenApp.paths).toEqual(expect.arrayContaining(['/', '/version']));
    expect(world.blueApp.paths).toEqual([]);
    expect(log.lines.find((l) => l.message === 'Green discovered')?.fields).toMatchObject({
      baseUrl: world.test.url,
      deploymentGroup: 'AppECS-sample-cluster-sample-website/DgpECS-sample-cluster-sample-website',
    });
    // the SDK requests each endpoint received, all declared in src/packaging/awsCalls.ts
    expect(
      world.codeDeploy.requests.filter((r) => !CODEDEPLOY_OPERATIONS.hook.includes(r.operation)),
    ).toEqual([]);
    expect(world.codeDeploy.requests.map((r) => r.operation)).toEqual([
      'GetDeployment',
      'GetDeploymentGroup',
      'GetApplicationRevision',
      'PutLifecycleEventHookExecutionStatus',
    ]);
    expect(world.codeDeploy.requestsFor('GetApplicationRevision')[0]?.body).toMatchObject({
      applicationName: 'AppECS-sample-cluster-sample-website',
      revision: { revisionType: 'AppSpecContent' },
    });
    expect(world.elb.requests.map((r) => r.action).sort()).toEqual([
      'DescribeListeners',
      'DescribeListeners',
      'DescribeLoadBalancers',
      'DescribeLoadBalancers',
      'DescribeRules',
      'DescribeTargetHealth',
    ]);
    expect(
      world.elb.requests
        .find((r) => r.action === 'DescribeTargetHealth')
        ?.params.get('TargetGroupArn'),
    ).toBe(world.world.tg2.arn);
    expect(world.ecs.requests.map((r) => r.operation).sort()).toEqual([
      'DescribeServices',
      'DescribeTaskDefinition',
    ]);
    expect(world.ecs.requests.find((r) => r.operation === 'DescribeServices')?.body).toEqual({
      cluster: 'sample-cluster',
      services: ['sample-website'],
    });
  });

  it('caches the group and the listeners per container, and reads routing and the deployment afresh', async () => {
    const { world, invoke } = await setUp();
    world.route('test', 'green');
    await invoke();
    await invoke();
    const count = (a: string) => world.elb.requests.filter((r) => r.action === a).length;
    expect(count('DescribeListeners')).toBe(2); // test + production, once
    expect(count('DescribeRules')).toBe(2);
    expect(world.codeDeploy.requestsFor('GetDeployment')).toHaveLength(2);
    expect(world.codeDeploy.requestsFor('GetApplicationRevision')).toHaveLength(2);
    expect(world.codeDeploy.requestsFor('GetDeploymentGroup')).toHaveLength(1);
    expect(count('DescribeTargetHealth')).toBe(2);
  });
});

describe('the routing proof', () => {
  it('fails a test listener that still forwards to blue, naming both task definitions', async () => {
    const { invoke, world } = await setUp();
    const { result, reported } = await invoke();
    expect(reported).toBe('Failed');
    expect(result.reason).toBe(
      'discovery: test listener :' +
        new URL(world.test.url).port +
        ' forwards to sample-website-tg-1, which serves the blue task set (task definition sample-website:41), not green (:42)',
    );
    expect(world.greenApp.paths).toEqual([]);
    expect(world.blueApp.paths).toEqual([]);
  });

  it('fails when green target group has no healthy target', async () => {
    const { invoke, world } = await setUp();
    world.route('test', 'green');
    world.world.tg2.targets = [{ id: '10.0.0.2', state: 'unhealthy' }];
    const { result, reported } = await invoke();
    expect(reported).toBe('Failed');
    expect(result.reason).toBe(
      "discovery: green's target group sample-website-tg-2 has no healthy target: the load balancer would not send the checks to green",
    );
  });

  it('fails an override that points at the production listener', async () => {
    const { invoke, world } = await setUp({}, {});
    world.route('test', 'green');
    process.env.AWS_ENDPOINT_URL_ECS = world.ecs.url;
    const handlerWorld = world;
    const handler = createHookHandler('AfterAllowTestTraffic', versionSuite, {
      env: { TEST_LISTENER_URL: handlerWorld.production.url },
      log: captureLog(),
    });
    const result = await handler(
      { DeploymentId: handlerWorld.startDeployment(), LifecycleEventHookExecutionId: 'override-1' },
      contextWithDeadline(20_000),
    );
    expect(result.reason).toMatch(
      /^discovery: TEST_LISTENER_URL http:\/\/127\.0\.0\.1:\d+ uses port \d+, the production listener's, not the test listener's/,
    );
    void invoke;
  });

  it('can be turned off with ROUTING_PROOF=false, with a URL override', async () => {
    const { world } = await setUp();
    const handler = createHookHandler(
      'AfterAllowTestTraffic',
      () => suiteOf({ checks: [{ name: 'home', path: '/' }] }),
      { env: { TEST_LISTENER_URL: world.test.url, ROUTING_PROOF: 'false' }, log: captureLog() },
    );
    const result = await handler(
      { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'off-1' },
      contextWithDeadline(20_000),
    );
    expect(result.status).toBe('Succeeded'); // against blue: what the proof is there to prevent
    expect(world.elb.requests).toEqual([]);
  });
});

describe('revision facts', () => {
  it('fails green that answers healthy but runs the old version', async () => {
    const { invoke, world } = await setUp({ green: { version: 'v1' } });
    world.route('test', 'green');
    const { result, reported } = await invoke();
    expect(reported).toBe('Failed');
    expect(result.reason).toBe(
      'check "runs the deployed image" failed: JSON field version is "v1", expected "v2"',
    );
  });

  it('fails the check that uses a fact the deployment cannot give, with the reason', async () => {
    const suite = suiteOf({
      checks: [
        {
          name: 'env',
          path: '/version',
          expect: { json: [{ path: 'version', equals: '{{container.web.imageTag}}' }] },
        },
      ],
    });
    const { invoke, world } = await setUp({}, {}, suite);
    world.route('test', 'green');
    const { result } = await invoke();
    expect(result.reason).toBe(
      'check "env" failed: fact {{container.web.imageTag}} is not known for this deployment: task definition sample-website:42 has containers sample-website',
    );
  });
});

describe('AWS answers that are not the happy path', () => {
  it('rides out throttling on discovery reads', async () => {
    const { invoke, world } = await setUp();
    world.route('test', 'green');
    world.elb.failNext('DescribeRules', { code: 'Throttling', message: 'Rate exceeded' }, 2);
    world.ecs.failNext('DescribeServices', { errorType: 'ThrottlingException' }, 1);
    const { reported } = await invoke();
    expect(reported).toBe('Succeeded');
    expect(world.elb.requests.filter((r) => r.action === 'DescribeRules')).toHaveLength(3);
  });

  it('AccessDenied reports Failed, naming the missing action and where to grant it', async () => {
    const { invoke, world } = await setUp();
    world.ecs.failNext('DescribeServices', {
      errorType: 'AccessDeniedException',
      message: 'User is not authorized to perform: ecs:DescribeServices',
    });
    const { result, reported } = await invoke();
    expect(reported).toBe('Failed');
    expect(result.reason).toBe(
      'discovery: ecs:DescribeServices was denied (AccessDeniedException): the hook role needs ecs:DescribeServices on the service sample-cluster/sample-website; redeploy with sls deploy, which grants it',
    );
  });

  it('an ELBv2 AccessDenied (Query/XML error) names its action too', async () => {
    const { invoke, world } = await setUp();
    world.elb.failNext('DescribeRules', {
      code: 'AccessDenied',
      message: 'not authorized',
      httpStatus: 403,
    });
    const { result, reported } = await invoke();
    expect(reported).toBe('Failed');
    expect(result.reason).toMatch(
      /^discovery: elasticloadbalancing:DescribeRules was denied \(AccessDenied\)/,
    );
  });

  it('an unreadable revision fails only what needs it: green is then the non-PRIMARY task set', async () => {
    const { invoke, world } = await setUp();
    world.route('test', 'green');
    world.codeDeploy.failNext('GetApplicationRevision', {
      errorType: 'AccessDeniedException',
      message: 'not authorized',
    });
    const { result } = await invoke();
    // routing was still proven (green = the ACTIVE task set); the version check needs the revision
    expect(result.reason).toMatch(
      /^check "runs the deployed image" failed: fact \{\{container.sample-website.imageTag\}\} is not known for this deployment: the revision could not be read \(codedeploy:GetApplicationRevision was denied/,
    );
  });
});
