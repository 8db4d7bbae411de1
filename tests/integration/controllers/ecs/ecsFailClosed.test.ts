/**
 * The ECS hook fails closed: no path answers SUCCEEDED without requests having reached green
 * through a route proven to reach green alone, in this deployment, stage and traffic step. The
 * real handler and SDK against the loopback world, which splits listeners as a canary step does.
 */
import { createEcsHookHandler } from '../../../../src/controllers/ecs/createEcsHookHandler';
import { STATE_KEY } from '../../../../src/controllers/ecs/stepState';
import type { SuiteInput } from '../../../../src/suite/schema';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf, type TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(30_000);
afterEach(stopEcsWorlds);

const suite = (overrides: Partial<SuiteInput> = {}): TestSuiteInput => ({
  retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 50 },
  ecs: { watchSliceMs: 1_000, watchCallBackDelaySeconds: 1 },
  checks: [{ name: 'home', path: '/' }],
  hooks: { PRE_PRODUCTION_TRAFFIC_SHIFT: ['home'], PRODUCTION_TRAFFIC_SHIFT: ['home'] },
  ...overrides,
});

/** green's weights in the event, as ECS sends them at a traffic step. */
const step = (green: string, production: number) => ({
  productionTrafficWeights: { [green]: production, blue: 100 - production },
});

describe('ECS hook: production stages under LINEAR and CANARY', () => {
  it('judges green through the test rule while the production rule splits (green broken: FAILED)', async () => {
    const { world, invoke, event } = await startEcsHookWorld(suite(), {
      green: { behaviour: 'broken' },
    });
    world.route('test', 'green');
    world.split('production', 10);
    const e = event('PRODUCTION_TRAFFIC_SHIFT');
    Object.assign(e.executionDetails, step(world.world.greenRevisionArn, 10));
    const response = await invoke(e);
    expect(response).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'check "home" failed: status 500, expected 200' },
    });
    // every check went to green; none through the split production rule to blue
    expect(world.greenApp.paths).toContain('/');
    expect(world.blueApp.paths).toEqual([]);
  });

  it('FAILED when the test rule splits too: no route reaches green alone', async () => {
    const { world, invoke, event } = await startEcsHookWorld(suite());
    world.split('test', 50);
    world.split('production', 10);
    const response = await invoke(event('PRE_PRODUCTION_TRAFFIC_SHIFT'));
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toMatch(
      /forwards to sample-website-tg-1 \(weight 50\), sample-website-tg-2 \(weight 50\), not only to green's target group/,
    );
    expect(world.greenApp.paths).toEqual([]);
  });

  it('a comparison at a split step is refused: blue is not alone behind the production rule', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      suite({
        compare: [{ name: 'vs blue', paths: ['/'], durationMs: 1_000, expect: { minSamples: 2 } }],
        hooks: { PRODUCTION_TRAFFIC_SHIFT: ['vs blue'] },
      }),
    );
    world.route('test', 'green');
    world.split('production', 10);
    const response = await invoke(event('PRODUCTION_TRAFFIC_SHIFT'));
    expect(response.hookDetails?.reason).toMatch(
      /^discovery: a comparison needs blue alone behind the production rule, and at PRODUCTION_TRAFFIC_SHIFT it forwards to sample-website-tg-1 \(weight 90\), sample-website-tg-2 \(weight 10\)/,
    );
  });

  it('FAILED while green has no healthy target, even though the rule points at green', async () => {
    const { world, invoke, event } = await startEcsHookWorld(suite());
    world.route('test', 'green');
    world.world.tg2.targets = [{ id: '10.0.0.2', state: 'unhealthy' }];
    const response = await invoke(event('PRE_PRODUCTION_TRAFFIC_SHIFT'));
    expect(response.hookDetails?.reason).toBe(
      "discovery: green's target group sample-website-tg-2 has no healthy target: the load balancer would not send the checks to green",
    );
  });

  it('a readiness state of an earlier step is not inherited: the step waits its own budget', async () => {
    const { world, invoke, event, deployment } = await startEcsHookWorld(
      suite({
        readiness: { path: '/', intervalMs: 50 },
        ecs: { callBackDelaySeconds: 1, overallBudgetMs: 5_000 },
      }),
      { green: { behaviour: 'slow-start', startupMs: 60_000 } },
    );
    world.route('test', 'green');
    const spent = {
      deployment: deployment.arn,
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      step: 'test=-,production=10',
      since: new Date(Date.now() - 6_000).toISOString(),
      readinessAttempts: 9,
    };
    const e = event('PRODUCTION_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: spent } });
    Object.assign(e.executionDetails, step(world.world.greenRevisionArn, 20));
    const response = await invoke(e);
    expect(response.hookStatus).toBe('IN_PROGRESS');
    expect(response.hookDetails?.[STATE_KEY]).toMatchObject({
      step: 'test=-,production=20',
      readinessAttempts: 1,
    });
  });
});

describe('ECS hook: the readiness budget', () => {
  it('a step that has waited exactly its budget for green fails; a millisecond less waits on', async () => {
    const at = new Date('2026-12-05T08:00:00.000Z');
    const { world, invoke, event, deployment } = await startEcsHookWorld(
      suite({
        readiness: { path: '/', intervalMs: 50 },
        ecs: { callBackDelaySeconds: 1, overallBudgetMs: 5_000 },
      }),
      { green: { behaviour: 'slow-start', startupMs: 60_000 } },
      {},
      15_000,
      { now: () => at },
    );
    world.route('test', 'green');
    const waiting = (sinceMs: number) => ({
      deployment: deployment.arn,
      stage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      step: 'test=-,production=-',
      since: new Date(at.getTime() - sinceMs).toISOString(),
      readinessAttempts: 3,
    });
    const spent = await invoke(
      event('PRE_PRODUCTION_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: waiting(5_000) } }),
    );
    expect(spent.hookStatus).toBe('FAILED');
    expect(spent.hookDetails?.reason).toMatch(
      /^green never became ready within 5 s \(4 invocations; /,
    );
    const left = await invoke(
      event('PRE_PRODUCTION_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: waiting(4_999) } }),
    );
    expect(left.hookStatus).toBe('IN_PROGRESS');
  });
});

/** A watch under way in this deployment's POST_PRODUCTION_TRAFFIC_SHIFT, started 5 s ago. */
const watchState = (deployment: string, watch: Record<string, unknown>) => {
  const started = new Date(Date.now() - 5_000).toISOString();
  return {
    deployment,
    stage: 'POST_PRODUCTION_TRAFFIC_SHIFT',
    step: 'test=-,production=-',
    since: started,
    checksPassed: ['home'],
    watch: {
      startedAt: started,
      samples: 0,
      errors: 0,
      consecutive: 0,
      recent: '',
      coveredMs: 0,
      longestGapMs: 0,
      ...watch,
    },
  };
};

describe('ECS hook: the production watch never passes on carried state alone', () => {
  const watchSuite = (): TestSuiteInput => ({
    ...suite(),
    hooks: { POST_PRODUCTION_TRAFFIC_SHIFT: ['home'] },
    watch: { paths: ['/'], ratePerSecond: 5, windowMs: 1_000 },
  });

  it.each([
    ['static hookDetails with a finished window, from the hook definition', undefined],
    [
      'a finished window of another deployment',
      'arn:aws:ecs:us-east-1:123456789012:service-deployment/x/y/old',
    ],
  ])('%s starts a fresh window: checks, probes, then the verdict', async (_label, other) => {
    const { world, invokeUntilDone, deployment } = await startEcsHookWorld(watchSuite());
    world.route('test', 'green');
    world.route('production', 'green');
    const finished = {
      deployment: other ?? deployment.arn,
      stage: other ? 'POST_PRODUCTION_TRAFFIC_SHIFT' : 'POST_TEST_TRAFFIC_SHIFT',
      step: 'test=-,production=-',
      since: new Date(Date.now() - 60_000).toISOString(),
      checksPassed: ['home'],
      watch: {
        startedAt: new Date(Date.now() - 60_000).toISOString(),
        samples: 300,
        errors: 0,
        consecutive: 0,
        recent: '1',
        coveredMs: 999_999,
        longestGapMs: 0,
      },
    };
    world.greenApp.setBehaviour('broken');
    const { responses } = await invokeUntilDone('POST_PRODUCTION_TRAFFIC_SHIFT', {
      [STATE_KEY]: finished,
    });
    expect(responses.at(-1)).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'check "home" failed: status 500, expected 200' },
    });
  });

  it('a window finished in this step still ends with a final look: production broken then, FAILED', async () => {
    const { world, invoke, event, deployment } = await startEcsHookWorld(watchSuite());
    world.route('test', 'green');
    world.route('production', 'green');
    const covered = watchState(deployment.arn, {
      samples: 5,
      recent: '11111',
      coveredMs: 1_000,
      lastSliceEndedAt: new Date(Date.now() - 1_000).toISOString(),
    });
    world.greenApp.setBehaviour('broken');
    const response = await invoke(
      event('POST_PRODUCTION_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: covered } }),
    );
    expect(response).toEqual({
      hookStatus: 'FAILED',
      hookDetails: {
        reason: "production watch: the final look at the window's end failed (status 500)",
      },
    });
  });

  it('a carried streak one short of the limit fails on the next failure', async () => {
    const { world, invoke, event, deployment } = await startEcsHookWorld({
      ...watchSuite(),
      watch: {
        paths: ['/'],
        ratePerSecond: 5,
        windowMs: 60_000,
        expect: { maxConsecutiveFailures: 3 },
      },
    });
    world.route('test', 'green');
    world.route('production', 'green');
    const state = watchState(deployment.arn, {
      samples: 10,
      errors: 2,
      consecutive: 2,
      recent: '1111111100',
      coveredMs: 2_000,
    });
    world.greenApp.setBehaviour('broken');
    const response = await invoke(
      event('POST_PRODUCTION_TRAFFIC_SHIFT', { hookDetails: { [STATE_KEY]: state } }),
    );
    expect(String(response.hookDetails?.reason)).toMatch(/^production watch: 3 failures in a row/);
    expect(world.greenApp.paths).toEqual(['/']);
  });
});

describe('ECS hook: the hard stop', () => {
  it('answers FAILED naming the phase when discovery ignores its abort signal, before the deadline', async () => {
    const log = captureLog();
    const handler = createEcsHookHandler(() => suiteOf(suite()), {
      log,
      graceMs: 100,
      discovery: () => new Promise(() => {}),
    });
    const e = {
      executionId: 'x',
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/d',
      executionDetails: { serviceArn: 's', targetServiceRevisionArn: 't' },
    };
    const context = contextWithDeadline(2_500);
    const response = await handler(e, context);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toMatch(
      /^time budget of 1[34]\d\d ms ran out during discovery; raise the function timeout/,
    );
    expect(response.hookDetails?.reason).not.toMatch(/crashed/);
  });

  it("the shared log carries no invocation's keys: each invocation logs through its own", async () => {
    const log = captureLog();
    let late: (() => void) | undefined;
    const handler = createEcsHookHandler(() => suiteOf(suite()), {
      log,
      graceMs: 50,
      discovery: () =>
        new Promise(() => {
          late = () => log.info('late line');
        }),
    });
    const e = (id: string) => ({
      executionId: id,
      lifecycleStage: 'PRE_PRODUCTION_TRAFFIC_SHIFT',
      resourceArn: 'arn:aws:ecs:us-east-1:123456789012:service-deployment/c/s/d',
      executionDetails: { serviceArn: 's', targetServiceRevisionArn: 't' },
    });
    await handler(e('first'), contextWithDeadline(1_500));
    const verdicts = log.lines.filter((l) => l.message === 'Hook verdict');
    expect(verdicts[0]?.fields.executionId).toBe('first');
    // The shared logger carries no keys of the first invocation into anything after it.
    late?.();
    expect(log.lines.at(-1)?.fields.executionId).toBeUndefined();
  });
});
