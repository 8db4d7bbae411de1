/**
 * The ECS hook's hard stop names the phase it cut: each read that can hang, hanging past its
 * signal, answers FAILED "ran out during <phase>" before the Lambda deadline, never "crashed".
 * And a carried state that is not taken up is said so in the log, only then.
 */
import type { ECSClient } from '@aws-sdk/client-ecs';
import { createEcsHookHandler } from '../../../../src/controllers/ecs/createEcsHookHandler';
import { STATE_KEY } from '../../../../src/controllers/ecs/stepState';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf, type TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(30_000);
afterEach(stopEcsWorlds);

const DEADLINE_MS = 2_500;
const never = () => new Promise<never>(() => {});
const checks = [{ name: 'home', path: '/' }];

const expectCutDuring = (
  response: Awaited<ReturnType<ReturnType<typeof createEcsHookHandler>>>,
  phase: string,
) => {
  expect(response.hookStatus).toBe('FAILED');
  expect(response.hookDetails?.reason).toMatch(
    new RegExp(`^time budget of \\d+ ms ran out during ${phase}; raise the function timeout`),
  );
};

describe('ECS hook: the hard stop names the phase', () => {
  it.each([
    ['reading the service deployment', { ecs: { skipOnServiceCreation: true } }],
    ['reading the skip marker', { skipSmoke: {} }],
  ] as const)('%s', async (phase, extra) => {
    const hanging = { send: never } as unknown as ECSClient;
    const handler = createEcsHookHandler(() => suiteOf({ checks, ...extra } as TestSuiteInput), {
      log: captureLog(),
      graceMs: 100,
      clients: { ecs: hanging, elb: {} as never },
    });
    const context = contextWithDeadline(DEADLINE_MS);
    const response = await handler(
      {
        executionId: 'x',
        lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
        resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/d',
        executionDetails: { serviceArn: 's', targetServiceRevisionArn: 't' },
      },
      context,
    );
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expectCutDuring(response, phase);
  });

  it('the suite (a secret read that hangs)', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      { checks: [{ name: 'home', path: '/', headers: { 'x-key': { secret: { ssm: '/k' } } } }] },
      {},
      {},
      DEADLINE_MS,
      { graceMs: 100, readSecret: never },
    );
    world.route('test', 'green');
    expectCutDuring(await invoke(event('POST_TEST_TRAFFIC_SHIFT')), 'the suite');
    expect(world.greenApp.paths).toEqual([]);
  });

  it('the production watch (an alarm read that hangs)', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      {
        checks,
        timeoutMs: 500,
        watch: { paths: ['/'], windowMs: 60_000, alarms: ['errors'] },
        ecs: { watchSliceMs: 1_000 },
      },
      {},
      {},
      6_000, // room for a slice: one shorter than the time left is not started
      { graceMs: 100, readAlarms: never },
    );
    world.route('test', 'green');
    world.route('production', 'green');
    // the checks pass, then the watch's first slice waits on the alarm read
    expectCutDuring(await invoke(event('POST_PRODUCTION_TRAFFIC_SHIFT')), 'the production watch');
  });

  it('the canary analysis (a metric read that hangs)', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      { checks, analysis: { minMinutes: 4, alpha: 0.05 } },
      {},
      {},
      DEADLINE_MS,
      { graceMs: 100, readMetrics: never },
    );
    world.route('test', 'green');
    world.route('production', 'green');
    // A step that gives green all of production's traffic: the checks pass, and the
    // analysis's first metric read hangs.
    const e = event('PRODUCTION_TRAFFIC_SHIFT');
    const weights = { [world.world.greenRevisionArn]: 100 };
    const step = {
      ...e,
      executionDetails: { ...e.executionDetails, productionTrafficWeights: weights },
    };
    expectCutDuring(await invoke(step), 'the canary analysis');
  });
});

describe('ECS hook: a carried state that is not taken up', () => {
  it('is logged as a warning with why, and a step with no state logs nothing of the kind', async () => {
    const { world, invoke, event, log } = await startEcsHookWorld({ checks });
    world.route('test', 'green');
    const warned = () =>
      log.lines.filter(
        (l) => l.message === 'Carried hookDetails state not taken up; this step starts over',
      );
    expect(await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(warned()).toEqual([]);
    const foreign = {
      deployment: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/other',
      stage: 'POST_TEST_TRAFFIC_SHIFT',
      step: 'test=-,production=-',
      since: new Date().toISOString(),
    };
    await invoke(event('POST_TEST_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: foreign } }));
    expect(warned()).toHaveLength(1);
    expect(warned()[0]?.level).toBe('warn');
    expect(String(warned()[0]?.fields.why)).toMatch(/deployment/);
  });
});
