/**
 * The ECS hook's less travelled paths, each with what the operator sees: no time left, a bad
 * configuration, an unreadable event's metric, what an invocation measured, the skip marker's
 * edges, the suite's secrets and the watch's alarms read through the readers handed in. Written
 * for the mutants the mutation run showed no test looked at.
 */
import { createEcsHookHandler } from '../../../../src/controllers/ecs/createEcsHookHandler';
import type { Meter, VerdictMetric } from '../../../../src/logging/metrics';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf } from '../../../helpers/suites';

jest.setTimeout(30_000);
afterEach(stopEcsWorlds);

const recording = () => {
  const verdicts: VerdictMetric[] = [];
  const meter: Meter = { verdict: (v) => verdicts.push(v), alarmDecisions: () => {} };
  return { meter, verdicts };
};
const checks = [{ name: 'home', path: '/' }];

it('no time left for the suite: FAILED saying to raise the timeout, before any request', async () => {
  const { world, invoke, event } = await startEcsHookWorld({ checks }, {}, {}, 900);
  world.route('test', 'green');
  const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
  expect(response).toEqual({
    hookStatus: 'FAILED',
    hookDetails: { reason: 'no time left for the suite: raise the function timeout' },
  });
  expect(world.greenApp.paths).toEqual([]);
});

it('a bad configuration: the handler is built all the same, and every answer is FAILED with why', async () => {
  const log = captureLog();
  const handler = createEcsHookHandler(() => suiteOf({ checks }), {
    env: { TEST_LISTENER_URL: 'ftp://nope' },
    log,
  });
  const response = await handler(
    {
      executionId: 'e',
      lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/x',
      executionDetails: { serviceArn: 's', targetServiceRevisionArn: 'r' },
    },
    contextWithDeadline(5_000),
  );
  expect(response.hookStatus).toBe('FAILED');
  expect(String(response.hookDetails?.reason)).toMatch(
    /^Invalid configuration, fix it and redeploy\. [\s\S]*TEST_LISTENER_URL must be an http/,
  );
});

it('an unreadable event is counted under its own step, for the ECS controller; a judged one under its stage, with what it measured', async () => {
  const { meter, verdicts } = recording();
  const { world, invoke, event } = await startEcsHookWorld({ checks }, {}, {}, 15_000, { meter });
  world.route('test', 'green');
  await invoke({ lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT' });
  await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
  expect(verdicts.map((v) => [v.controller, v.step, v.outcome])).toEqual([
    ['ECS', 'unreadable event', 'FAILED'],
    ['ECS', 'POST_TEST_TRAFFIC_SHIFT', 'SUCCEEDED'],
  ]);
  expect([...(verdicts[1]?.measure.phaseMs.keys() ?? [])].sort()).toEqual(['Discovery', 'Suite']);
});

describe('the skip marker at its edges', () => {
  it('a marker of exactly 3 tag-safe characters skips', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      { checks, skipSmoke: { marker: 'NSK' } },
      { green: { behaviour: 'broken' } },
    );
    world.route('test', 'green');
    world.world.green.tags = { note: 'NSK' };
    expect((await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).hookStatus).toBe('SUCCEEDED');
  });

  it('a marker with no tag-safe character never matches, even if it got past the schema', async () => {
    const { world, event } = await startEcsHookWorld(
      { checks },
      { green: { behaviour: 'broken' } },
    );
    world.route('test', 'green');
    world.world.green.tags = { note: 'anything' };
    const unchecked = { ...suiteOf({ checks }), skipSmoke: { marker: '[!]' } };
    const handler = createEcsHookHandler(() => unchecked, { log: captureLog() });
    const response = await handler(event('POST_TEST_TRAFFIC_SHIFT'), contextWithDeadline(15_000));
    expect(response.hookStatus).toBe('FAILED');
  });

  it('tags that cannot be read skip nothing: the checks run', async () => {
    const { world, invoke, event, log } = await startEcsHookWorld(
      { checks, skipSmoke: {} },
      { green: { behaviour: 'broken' } },
    );
    world.route('test', 'green');
    world.world.green.tags = { note: 'skip smoke' };
    world.ecs.failNext('DescribeServiceRevisions', {
      errorType: 'AccessDeniedException',
      message: 'no',
    });
    const response = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(response.hookStatus).toBe('FAILED');
    expect(log.text()).toContain('Skip marker: the task definition could not be read');
    expect(world.greenApp.paths.length).toBeGreaterThan(0);
  });
});

it("the suite's secret headers are read with the reader handed in, and sent to green", async () => {
  const { world, invoke, event } = await startEcsHookWorld(
    {
      checks: [{ name: 'home', path: '/', headers: { 'x-key': { secret: { ssm: '/app/key' } } } }],
    },
    {},
    {},
    15_000,
    { readSecret: async () => 's3cret' },
  );
  world.route('test', 'green');
  expect((await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).hookStatus).toBe('SUCCEEDED');
  expect(world.greenApp.headers.some((h) => h['x-key'] === 's3cret')).toBe(true);
});

it("the watch's alarms are read with the reader handed in: its own alarms, no deployment alarms unless asked", async () => {
  const asked: string[][] = [];
  const { world, invoke, event } = await startEcsHookWorld(
    {
      checks,
      ecs: { watchSliceMs: 500, watchCallBackDelaySeconds: 1 },
      watch: { paths: ['/'], ratePerSecond: 5, windowMs: 5_000, alarms: ['web-5xx'] },
    },
    {},
    {},
    15_000,
    {
      readAlarms: async (names) => {
        asked.push([...names]);
        return {
          firing: names.map((name) => ({ name, reason: 'threshold crossed' })),
          missing: [],
        };
      },
    },
  );
  world.route('production', 'green');
  world.route('test', 'green');
  const response = await invoke(event('POST_PRODUCTION_TRAFFIC_SHIFT'));
  expect(response.hookStatus).toBe('FAILED');
  expect(String(response.hookDetails?.reason)).toContain('web-5xx');
  expect(asked[0]).toEqual(['web-5xx']);
});

it('a watch asking for the deployment alarms of a deployment ECS does not return answers FAILED, naming it', async () => {
  const { world, invoke, event } = await startEcsHookWorld({
    checks: [{ name: 'home', path: '/' }],
    timeoutMs: 500,
    watch: { paths: ['/'], windowMs: 60_000, deploymentAlarms: true },
    ecs: { watchSliceMs: 500 },
  });
  world.route('test', 'green');
  world.route('production', 'green');
  const gone =
    'arn:aws:ecs:us-east-1:123456789012:service-deployment/sample-cluster/sample-website/gone';
  const response = await invoke({ ...event('POST_PRODUCTION_TRAFFIC_SHIFT'), resourceArn: gone });
  expect(response).toEqual({
    hookStatus: 'FAILED',
    hookDetails: {
      reason: `discovery: service deployment ${gone} was not found, so its alarms (watch.deploymentAlarms) could not be read`,
    },
  });
});
