/**
 * The ECS native lifecycle hook end to end on loopback: the real handler and the real SDK (ECS
 * JSON 1.1, ELBv2 Query/XML) against the local world. Every hookStatus path, hookDetails carried
 * across invocations, the rollback re-invocation, and events that are not what ECS sends.
 */
import {
  createEcsHookHandler,
  type EcsHookResponse,
} from '../../../../src/controllers/ecs/createEcsHookHandler';
import type { SuiteInput } from '../../../../src/suite/schema';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf, type TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(30_000);

afterEach(stopEcsWorlds);

const suite = (overrides: Partial<SuiteInput> = {}): TestSuiteInput => ({
  retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 50 },
  readiness: { path: '/', intervalMs: 50, timeoutMs: 500 },
  ecs: { callBackDelaySeconds: 1, overallBudgetMs: 10_000 },
  checks: [
    { name: 'home', path: '/' },
    {
      name: 'version',
      path: '/version',
      expect: { json: [{ path: 'version', equals: '{{container.sample-website.imageTag}}' }] },
    },
  ],
  hooks: { POST_TEST_TRAFFIC_SHIFT: ['home', 'version'], TEST_TRAFFIC_SHIFT: ['home'] },
  ...overrides,
});

const setUp = (
  worldOptions: Parameters<typeof startEcsHookWorld>[1] = {},
  suiteOverrides: Partial<SuiteInput> = {},
  env: Record<string, string> = {},
) => startEcsHookWorld(suite(suiteOverrides), worldOptions, env);

describe('ECS lifecycle hook', () => {
  it('SUCCEEDED for a healthy green behind the test listener rule, with the routing proof and facts', async () => {
    const { world, invoke, event } = await setUp();
    world.route('test', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(world.greenApp.paths).toEqual(expect.arrayContaining(['/', '/version']));
    expect(world.ecs.requests.map((r) => r.operation).sort()).toEqual([
      'DescribeServiceRevisions',
      'DescribeTaskDefinition',
    ]);
    expect(world.ecs.requests[0]?.body).toEqual({
      serviceRevisionArns: [world.world.greenRevisionArn],
    });
  });

  it('FAILED for a broken green, with the reason in hookDetails', async () => {
    const { world, invoke, event } = await setUp({ green: { behaviour: 'broken' } });
    world.route('test', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'check "home" failed: status 500, expected 200' },
    });
  });

  it('FAILED when the test listener rule still forwards to blue (routing proof)', async () => {
    const { invoke, event, world } = await setUp();
    const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toBe(
      `discovery: at POST_TEST_TRAFFIC_SHIFT the test listener rule :${new URL(world.test.url).port} forwards to sample-website-tg-1 (weight 1), not only to green's target group sample-website-tg-2 (task definition sample-website:42): no request would be proven to reach green alone. Run the checks at POST_TEST_TRAFFIC_SHIFT or later, once ECS has moved the test rule to green`,
    );
    expect(world.blueApp.paths).toEqual([]);
  });

  it('a green that needs 3 s to start gets IN_PROGRESS with hookDetails, then SUCCEEDED once ready', async () => {
    const { world, invoke, event, deployment } = await setUp(
      { green: { behaviour: 'slow-start', startupMs: 3_000 } },
      { ecs: { callBackDelaySeconds: 1, overallBudgetMs: 60_000 } },
    );
    world.route('test', 'green');
    const responses: EcsHookResponse[] = [];
    let hookDetails: Record<string, unknown> = { userKey: 'kept' };
    for (let i = 0; i < 20; i++) {
      // ECS merges the returned hookDetails into the next event's
      const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails }));
      responses.push(response);
      if (response.hookStatus !== 'IN_PROGRESS') break;
      hookDetails = { ...hookDetails, ...response.hookDetails };
      await new Promise((r) => setTimeout(r, (response.callBackDelay ?? 30) * 1000));
    }
    expect(responses[0]).toEqual({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 1,
      hookDetails: {
        bluegreenHooks: {
          deployment: deployment.arn,
          stage: 'POST_TEST_TRAFFIC_SHIFT',
          step: 'test=-,production=-',
          since: expect.any(String),
          readinessAttempts: 1,
          checksPassed: [],
        },
      },
    });
    expect(responses.at(-1)).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(responses.length).toBeGreaterThan(1);
    expect(hookDetails.userKey).toBe('kept');
    expect((hookDetails.bluegreenHooks as { readinessAttempts: number }).readinessAttempts).toBe(
      responses.length - 1,
    );
  });

  it('Service Connect: the test header is on every green-side request, and honours hookDetails.testUrl', async () => {
    const { world, invoke, event } = await setUp();
    world.useServiceConnect({ name: 'x-test-traffic', value: 'green' });
    const testUrl = world.test.url;
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { testUrl } }))).toEqual({
      hookStatus: 'SUCCEEDED',
    });
    expect(world.greenApp.paths.length).toBeGreaterThan(0);
    expect(world.greenApp.headers.every((h) => h['x-test-traffic'] === 'green')).toBe(true);
    // without the header Service Connect sends a request to blue: none went there
    expect(world.blueApp.paths).toEqual([]);
    const bad = await invoke(
      event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { testUrl: 'ftp://x' } }),
    );
    expect(bad.hookDetails?.reason).toMatch(/^hookDetails\.testUrl must be an http/);
  });

  it("Service Connect with no custom rule: ECS's default header reaches green", async () => {
    const { world, invoke, event } = await setUp();
    world.useServiceConnect();
    const response = await invoke(
      event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { testUrl: world.test.url } }),
    );
    expect(response).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(world.greenApp.headers.every((h) => h['x-amzn-ecs-blue-green-test'] === 'true')).toBe(
      true,
    );
    expect(world.blueApp.paths).toEqual([]);
  });

  it('Service Connect: a load probe and a comparison judge green, not blue (green answers 500)', async () => {
    const { world } = await setUp({ green: { behaviour: 'broken' } });
    world.useServiceConnect({ name: 'x-test-traffic', value: 'green' });
    const handler = createEcsHookHandler(
      () =>
        suiteOf(
          suite({
            sampled: [
              {
                name: 'load',
                paths: ['/'],
                ratePerSecond: 20,
                durationMs: 500,
                expect: { minSamples: 5 },
              },
            ],
            compare: [
              {
                name: 'vs blue',
                paths: ['/'],
                ratePerSecond: 5,
                durationMs: 1_000,
                expect: { minSamples: 3 },
              },
            ],
            hooks: { POST_TEST_TRAFFIC_SHIFT: ['load'], PRE_PRODUCTION_TRAFFIC_SHIFT: ['vs blue'] },
          }),
        ),
      { env: { PRODUCTION_LISTENER_URL: world.production.url }, log: captureLog() },
    );
    const at = (stage: string) => ({
      executionId: stage,
      lifecycleStage: stage,
      resourceArn: world.world.serviceDeployments[0]?.arn,
      executionDetails: {
        serviceArn: world.world.serviceArn,
        targetServiceRevisionArn: world.world.greenRevisionArn,
      },
      hookDetails: { testUrl: world.test.url },
    });
    const load = await handler(at('POST_TEST_TRAFFIC_SHIFT'), contextWithDeadline(15_000));
    expect(load.hookDetails?.reason).toMatch(/^check "load" failed: error rate 100\.0 %/);
    const compared = await handler(at('PRE_PRODUCTION_TRAFFIC_SHIFT'), contextWithDeadline(15_000));
    expect(compared.hookDetails?.reason).toMatch(
      /^check "vs blue" failed: green error rate 100\.0 %/,
    );
    // blue's side is production, reached without the header: blue answered it
    expect(world.blueApp.headers.length).toBeGreaterThan(0);
    expect(world.blueApp.headers.some((h) => 'x-test-traffic' in h)).toBe(false);
  });

  it('FAILED once the overall readiness budget is spent', async () => {
    const { world, invoke, event, deployment } = await setUp({
      green: { behaviour: 'slow-start', startupMs: 60_000 },
    });
    world.route('test', 'green');
    const long = new Date(Date.now() - 10_500).toISOString();
    const response = await invoke(
      event('POST_TEST_TRAFFIC_SHIFT', {
        hookDetails: {
          bluegreenHooks: {
            deployment: deployment.arn,
            stage: 'POST_TEST_TRAFFIC_SHIFT',
            step: 'test=-,production=-',
            since: long,
            readinessAttempts: 5,
          },
        },
      }),
    );
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toMatch(
      /^green never became ready within 10 s \(6 invocations; readiness gate: GET \/ not ready yet/,
    );
  });

  it('SUCCEEDED at once at a rollback re-invocation (green weight 0), sending no probe', async () => {
    const { world, invoke, event } = await setUp({ green: { behaviour: 'broken' } });
    const e = event('TEST_TRAFFIC_SHIFT');
    e.executionDetails.testTrafficWeights = {
      [world.world.blueRevisionArn]: 100,
      [world.world.greenRevisionArn]: 0,
    } as never;
    expect(await invoke(e)).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: { reason: "rollback re-invocation: green's weight is 0" },
    });
    expect(world.greenApp.paths).toEqual([]);
    expect(world.ecs.requests).toEqual([]);
  });

  it('FAILED, naming both fixes, at a stage that selects nothing: never a pass without looking', async () => {
    const { invoke, event, world } = await setUp();
    expect(await invoke(event('PRE_SCALE_UP'))).toEqual({
      hookStatus: 'FAILED',
      hookDetails: {
        reason:
          "nothing was judged: the suite selects no check for PRE_SCALE_UP, so this hook cannot pass it. List checks for PRE_SCALE_UP in the suite's hooks:, or remove PRE_SCALE_UP from the service's deploymentConfiguration.lifecycleHooks lifecycleStages",
      },
    });
    expect(world.ecs.requests).toEqual([]);
    expect(world.greenApp.paths).toEqual([]);
  });

  it('skips the first deployment of a new service when the suite says so', async () => {
    const { world, invoke } = await setUp(
      { green: { behaviour: 'broken' } },
      {
        ecs: { skipOnServiceCreation: true },
      },
    );
    const creation = world.world.startServiceDeployment({ creation: true });
    const response = await invoke({
      executionId: 'create-1',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      resourceArn: creation.arn,
      executionDetails: {
        serviceArn: world.world.serviceArn,
        targetServiceRevisionArn: world.world.greenRevisionArn,
      },
    });
    expect(response).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: { reason: 'skipOnServiceCreation: the first deployment of a new service' },
    });
    expect(world.ecs.requests.map((r) => r.operation)).toEqual(['DescribeServiceDeployments']);
  });

  it.each([
    ['not an object', 'hello'],
    [
      'no executionDetails',
      { executionId: 'x', lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT', resourceArn: 'a' },
    ],
    [
      'an unknown stage',
      {
        executionId: 'x',
        lifecycleStage: 'BAKE_TIME',
        resourceArn: 'a',
        executionDetails: { serviceArn: 's', targetServiceRevisionArn: 't' },
      },
    ],
  ])('a malformed event (%s) answers FAILED with the reason, never throws', async (_label, e) => {
    const { invoke } = await setUp();
    const response = await invoke(e);
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toMatch(/^malformed ECS lifecycle hook event: /);
  });

  it('an event whose fields throw when read still answers FAILED', async () => {
    const { invoke } = await setUp();
    const hostile = Object.defineProperty({}, 'executionId', {
      enumerable: true,
      get: () => {
        throw new Error('boom');
      },
    });
    expect((await invoke(hostile)).hookStatus).toBe('FAILED');
  });

  it('a rollback re-invocation answers SUCCEEDED even with a configuration error: nothing blocks a rollback', async () => {
    const broken = createEcsHookHandler(
      () => {
        throw new Error('config/suites/default.yaml:3: checks: too small');
      },
      { log: captureLog() },
    );
    const rollback = {
      executionId: 'x',
      lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/d',
      executionDetails: {
        serviceArn: 's',
        targetServiceRevisionArn: 'green',
        productionTrafficWeights: { green: 0, blue: 100 },
      },
    };
    expect(await broken(rollback, contextWithDeadline(5_000))).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: { reason: "rollback re-invocation: green's weight is 0" },
    });
  });

  it('a configuration error and a crash answer FAILED too', async () => {
    const { world } = await setUp();
    const broken = createEcsHookHandler(
      () => {
        throw new Error('config/suites/default.yaml:3: checks: too small');
      },
      { log: captureLog() },
    );
    const e = {
      executionId: 'x',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/d',
      executionDetails: { serviceArn: 's', targetServiceRevisionArn: world.world.greenRevisionArn },
    };
    expect((await broken(e, contextWithDeadline(5_000))).hookDetails?.reason).toMatch(
      /^Invalid configuration/,
    );
    const crashing = createEcsHookHandler(() => suiteOf(suite()), {
      log: captureLog(),
      discovery: async () => {
        throw new TypeError('boom');
      },
    });
    expect(await crashing(e, contextWithDeadline(5_000))).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'hook crashed: TypeError: boom' },
    });
  });
});
