/**
 * How the ECS hook finds green and proves its routes, path by path: a comparison passes only with
 * blue alone behind the production rule (and fails once production has moved to green), a
 * revision that is missing or has no test rule fails with what to do, and a disabled proof reads
 * no rule. The real handler and SDK against the loopback world.
 */
import type { SuiteInput } from '../../../../src/suite/schema';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import type { TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(30_000);
afterEach(stopEcsWorlds);

const comparisonSuite = (overrides: Partial<SuiteInput> = {}): TestSuiteInput => ({
  retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 50 },
  checks: [{ name: 'home', path: '/' }],
  compare: [
    {
      name: 'vs blue',
      paths: ['/'],
      ratePerSecond: 5,
      durationMs: 1_000,
      expect: { minSamples: 3 },
    },
  ],
  hooks: { POST_TEST_TRAFFIC_SHIFT: ['home', 'vs blue'] },
  ...overrides,
});

/** What the hook logged of discovery: green's URL and, when proven, how. */
const discovered = (lines: { message: string; fields: Record<string, unknown> }[]) => {
  const fields = lines.find((l) => l.message === 'Green discovered')?.fields;
  return fields && { baseUrl: fields.baseUrl, routing: fields.routing };
};

describe('ECS hook: discovery and the routing proof', () => {
  it('a comparison passes with green behind the test rule and blue alone behind the production rule', async () => {
    const { world, invoke, event, log } = await startEcsHookWorld(comparisonSuite());
    world.route('test', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    // both sides were measured, each through its own rule
    expect(world.greenApp.paths.length).toBeGreaterThanOrEqual(3);
    expect(world.blueApp.paths.length).toBeGreaterThanOrEqual(3);
    expect(discovered(log.lines)).toEqual({
      baseUrl: world.test.url.replace(/\/$/, ''),
      routing:
        'test listener rule :' +
        new URL(world.test.url).port +
        " forwards only to green's target group, with healthy targets; the production rule only to blue's",
    });
  });

  it('a comparison fails once the production rule forwards to green: green would be compared with itself', async () => {
    const { world, invoke, event } = await startEcsHookWorld(comparisonSuite());
    world.route('test', 'green');
    world.route('production', 'green');
    const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(response).toEqual({
      hookStatus: 'FAILED',
      hookDetails: {
        reason:
          'discovery: a comparison needs blue alone behind the production rule, and at POST_TEST_TRAFFIC_SHIFT it forwards to sample-website-tg-2 (weight 1): select comparisons for POST_TEST_TRAFFIC_SHIFT, before production traffic moves',
      },
    });
    expect(world.greenApp.paths).toEqual([]);
  });

  it('checks alone do not read the production rule, and pass with it on green', async () => {
    const { world, invoke, event, log } = await startEcsHookWorld(
      comparisonSuite({ hooks: { POST_TEST_TRAFFIC_SHIFT: ['home'] } }),
    );
    world.route('test', 'green');
    world.route('production', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(discovered(log.lines)?.routing).toMatch(/with healthy targets$/);
    const ruleReads = world.elb.requests.filter((r) => r.action === 'DescribeRules');
    expect(ruleReads).toHaveLength(1);
  });

  it('FAILED naming the revision when ECS does not know it', async () => {
    const { invoke, event, world } = await startEcsHookWorld(comparisonSuite());
    world.route('test', 'green');
    const e = event('POST_TEST_TRAFFIC_SHIFT');
    const missing = `${world.world.greenRevisionArn}-gone`;
    e.executionDetails.targetServiceRevisionArn = missing;
    expect(await invoke(e)).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: `discovery: service revision ${missing} was not found` },
    });
    expect(world.greenApp.paths).toEqual([]);
  });

  it('a denied read of the revision fails naming the action and what it read', async () => {
    const { invoke, event, world } = await startEcsHookWorld(comparisonSuite());
    world.route('test', 'green');
    world.ecs.failNext('DescribeServiceRevisions', {
      errorType: 'AccessDeniedException',
      message: 'not authorized',
    });
    const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toContain('ecs:DescribeServiceRevisions');
    expect(response.hookDetails?.reason).toContain(
      `the service revision ${world.world.greenRevisionArn}`,
    );
    expect(world.greenApp.paths).toEqual([]);
  });

  it("reads a listener once per warm function: the next invocation's proof reads only rules and health", async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      comparisonSuite({ hooks: { POST_TEST_TRAFFIC_SHIFT: ['home'] } }),
    );
    world.route('test', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    const first = world.elb.requests.length;
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(
      world.elb.requests
        .slice(first)
        .map((r) => r.action)
        .sort(),
    ).toEqual(['DescribeRules', 'DescribeTargetHealth']);
  });

  it('FAILED with both fixes when the revision has no test listener rule and no URL is given', async () => {
    const { invoke, event, world } = await startEcsHookWorld(
      comparisonSuite({ hooks: { POST_TEST_TRAFFIC_SHIFT: ['home'] } }),
    );
    world.useServiceConnect();
    const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toBe(
      `discovery: service revision ${world.world.greenRevisionArn} has no test listener rule (advancedConfiguration.testListenerRule), so no route is proven to reach green alone: add a test listener rule to the service's load balancer configuration, or give the URL to test (hookDetails.testUrl, or the testListenerUrl param)`,
    );
    expect(world.greenApp.paths).toEqual([]);
    expect(world.blueApp.paths).toEqual([]);
  });

  it('with ROUTING_PROOF=false no rule or target health is read, and the log names no proof', async () => {
    const { world, invoke, event, log } = await startEcsHookWorld(
      comparisonSuite({ hooks: { POST_TEST_TRAFFIC_SHIFT: ['home'] } }),
      {},
      { ROUTING_PROOF: 'false' },
    );
    world.route('test', 'green');
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(world.elb.requests.map((r) => r.action).sort()).toEqual([
      'DescribeListeners',
      'DescribeListeners',
      'DescribeLoadBalancers',
      'DescribeLoadBalancers',
    ]);
    expect(discovered(log.lines)).toEqual({
      baseUrl: world.test.url.replace(/\/$/, ''),
      routing: undefined,
    });
  });
});
