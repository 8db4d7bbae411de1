/**
 * The production watch at POST_PRODUCTION_TRAFFIC_SHIFT: watched in slices, one per invocation,
 * with IN_PROGRESS in between and the watch's progress in hookDetails, so no invocation is held
 * for the whole window. The real handler and SDK against the loopback deployment.
 */

import { cloudWatchAlarmReader } from '../../../../src/discovery/readAlarmStates';
import type { SuiteInput } from '../../../../src/suite/schema';
import { startEcsHookWorld, stopEcsWorlds } from '../../../helpers/ecsHook';
import type { TestSuiteInput } from '../../../helpers/suites';

jest.setTimeout(30_000);
afterEach(stopEcsWorlds);

const STAGE = 'POST_PRODUCTION_TRAFFIC_SHIFT';

const suite = (watch: Partial<NonNullable<SuiteInput['watch']>> = {}): TestSuiteInput => ({
  retry: { attempts: 2, backoffMs: 20, maxBackoffMs: 50 },
  ecs: { watchSliceMs: 1_000, watchCallBackDelaySeconds: 1 },
  checks: [{ name: 'home', path: '/' }],
  hooks: { [STAGE]: ['home'] },
  watch: { paths: ['/', '/health'], ratePerSecond: 5, windowMs: 3_500, ...watch },
});

describe('ECS production watch', () => {
  it('watches a clean window in slices (IN_PROGRESS with the progress), then SUCCEEDED', async () => {
    const { world, invokeUntilDone, log, deployment } = await startEcsHookWorld(suite());
    world.route('production', 'green');
    world.route('test', 'green');
    const { responses, hookDetails } = await invokeUntilDone(STAGE, { userKey: 'kept' });
    expect(responses.at(-1)).toEqual({ hookStatus: 'SUCCEEDED' });
    expect(responses.length).toBeGreaterThanOrEqual(3);
    expect(responses[0]).toEqual({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 1,
      hookDetails: {
        bluegreenHooks: {
          deployment: deployment.arn,
          stage: STAGE,
          step: 'test=-,production=-',
          since: expect.any(String),
          readinessAttempts: 0,
          checksPassed: ['home'],
          watch: {
            startedAt: expect.any(String),
            samples: 5,
            errors: 0,
            consecutive: 0,
            recent: '11111',
            coveredMs: 1_000,
            lastSliceEndedAt: expect.any(String),
            longestGapMs: 0,
          },
        },
      },
    });
    expect(hookDetails.userKey).toBe('kept');
    // The checks ran once, in the first invocation; every slice sampled production (green now).
    expect(world.greenApp.paths.filter((p) => p === '/').length).toBeGreaterThan(5);
    expect(world.greenApp.paths).toContain('/health');
    expect(world.blueApp.paths).toEqual([]);
    expect(log.lines.filter((l) => l.message === 'Smoke check')).toHaveLength(1);
  });

  it('FAILED in the first slice after production starts failing', async () => {
    const { world, invokeUntilDone } = await startEcsHookWorld(suite({ windowMs: 60_000 }));
    world.route('production', 'green');
    world.route('test', 'green');
    const { responses } = await invokeUntilDone(
      STAGE,
      {},
      {
        between: (i) => {
          if (i === 0) world.greenApp.setBehaviour('broken');
        },
      },
    );
    expect(responses).toHaveLength(2);
    expect(responses[1]).toEqual({
      hookStatus: 'FAILED',
      hookDetails: {
        reason: expect.stringMatching(
          /^production watch: 3 failures in a row \(last: status 500\), \d+\.\d s into the window$/,
        ),
      },
    });
  });

  it('a check that fails in the first invocation fails before any watching', async () => {
    const { world, invoke, event } = await startEcsHookWorld(suite(), {
      green: { behaviour: 'broken' },
    });
    world.route('production', 'green');
    world.route('test', 'green');
    const response = await invoke(event(STAGE));
    expect(response.hookStatus).toBe('FAILED');
    expect(response.hookDetails?.reason).toMatch(/^check "home" failed/);
  });

  it("a stage the suite does not list takes AfterAllowTraffic's checks and the watch; a state that does not parse starts a new window", async () => {
    const input = { ...suite(), hooks: {} };
    const { world, invoke, event } = await startEcsHookWorld(input);
    world.route('production', 'green');
    world.route('test', 'green');
    const response = await invoke(
      event(STAGE, { hookDetails: { bluegreenHooks: { watch: { samples: 'many' } } } }),
    );
    expect(response).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      hookDetails: {
        bluegreenHooks: { checksPassed: ['home'], watch: { samples: 5, recent: '11111' } },
      },
    });
  });

  it('a slice fits the function: a short timeout watches less per invocation, never past it', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      { ...suite(), ecs: { watchSliceMs: 60_000 }, timeoutMs: 1_000 },
      {},
      {},
      4_000,
    );
    world.route('production', 'green');
    world.route('test', 'green');
    const started = performance.now();
    const response = await invoke(event(STAGE));
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(response.hookStatus).toBe('IN_PROGRESS');
  });

  it("FAILED on the service deployment's alarm in ALARM (DescribeServiceDeployments), when asked", async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      suite({ deploymentAlarms: true, windowMs: 60_000, alarmIntervalMs: 1_000 }),
      {},
      {},
      15_000,
      { readAlarms: cloudWatchAlarmReader() },
    );
    world.route('production', 'green');
    world.route('test', 'green');
    world.world.deploymentAlarmNames = ['svc-5xx'];
    world.cloudWatch.setAlarm('svc-5xx', 'ALARM', 'Threshold Crossed');
    const response = await invoke(event(STAGE));
    expect(response).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'production watch: alarm svc-5xx is in ALARM (Threshold Crossed)' },
    });
    expect(world.ecs.requests.map((r) => r.operation)).toContain('DescribeServiceDeployments');
  });

  it('a watch header whose secret cannot be read answers FAILED naming the secret, not a crash', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      suite({ headers: { 'x-key': { secret: { ssm: '/shop/key' } } } }),
      {},
      {},
      15_000,
      {
        readSecret: async () => {
          throw Object.assign(new Error('User is not authorized'), {
            name: 'AccessDeniedException',
          });
        },
      },
    );
    world.route('production', 'green');
    world.route('test', 'green');
    const response = await invoke(event(STAGE));
    expect(response.hookStatus).toBe('FAILED');
    expect(String(response.hookDetails?.reason)).toMatch(
      /^production watch: .*\/shop\/key.*access denied/,
    );
  });
});
