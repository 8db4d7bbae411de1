/**
 * The operator's escape hatch (suite `skipSmoke`): a marked deployment passes without checks,
 * logged and counted; everything else is judged as always. Real handlers, real SDK, loopback
 * world: CodeDeploy's GetDeployment description, ECS's task definition tags.
 */
import { createHookHandler } from '../../../src/controllers/codedeploy/createHookHandler';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import type { Meter, VerdictMetric } from '../../../src/logging/metrics';
import { startEcsHookWorld, stopEcsWorlds } from '../../helpers/ecsHook';
import { captureLog, contextWithDeadline } from '../../helpers/lambda';
import { suiteOf } from '../../helpers/suites';

jest.setTimeout(30_000);

const recordingMeter = () => {
  const verdicts: VerdictMetric[] = [];
  const meter: Meter = { verdict: (v) => verdicts.push(v), alarmDecisions: () => {} };
  return { meter, verdicts };
};

const checks = [{ name: 'home page', path: '/' }];

describe('CodeDeploy: the deployment description carries the marker', () => {
  const saved = { ...process.env };
  let world: LoopbackDeployment;
  beforeEach(async () => {
    world = await LoopbackDeployment.start({ green: { behaviour: 'broken' } });
    Object.assign(process.env, world.awsEnv());
    world.route('test', 'green');
  });
  afterEach(async () => {
    process.env = { ...saved };
    await world.stop();
  });

  const run = async (skipSmoke: object | undefined, description: string | undefined) => {
    const { meter, verdicts } = recordingMeter();
    const log = captureLog();
    const handler = createHookHandler(
      'AfterAllowTestTraffic',
      () => suiteOf({ checks, ...(skipSmoke && { skipSmoke }) }),
      { env: { ROUTING_PROOF: 'true' }, log, meter },
    );
    const result = await handler(
      { DeploymentId: world.startDeployment(description), LifecycleEventHookExecutionId: 'e' },
      contextWithDeadline(20_000),
    );
    return { result, log, verdicts };
  };

  it('a marked deployment reports Succeeded without a request to green, logged and counted', async () => {
    const { result, log, verdicts } = await run({}, 'hotfix [skip smoke] the smoke test is broken');
    expect(result.status).toBe('Succeeded');
    expect(result.reason).toMatch(/^operator skip marker: .*"\[skip smoke\]"/);
    expect(world.greenApp.paths).toEqual([]);
    expect(world.codeDeploy.hookStatuses.get('e')).toBe('Succeeded');
    expect(log.lines.find((l) => l.message === 'Smoke checks skipped by the operator')?.level).toBe(
      'warn',
    );
    expect(verdicts.map((v) => [v.outcome, v.measure.skipped])).toEqual([['Succeeded', true]]);
  });

  it('the suite names its own marker; the default one then means nothing', async () => {
    const custom = { marker: 'NO-SMOKE' };
    expect((await run(custom, 'release NO-SMOKE')).result.status).toBe('Succeeded');
    const other = await run(custom, 'release [skip smoke]');
    expect(other.result.status).toBe('Failed');
    expect(world.greenApp.paths.length).toBeGreaterThan(0);
  });

  it('off unless the suite sets it: the marker in a description changes nothing', async () => {
    const { result, verdicts } = await run(undefined, '[skip smoke]');
    expect(result.status).toBe('Failed');
    expect(world.greenApp.paths.length).toBeGreaterThan(0);
    expect(verdicts[0]?.measure.skipped).toBe(false);
    // and the deployment is not read for it: discovery's reads only
    expect(world.codeDeploy.requests.filter((r) => r.operation === 'GetDeployment')).toHaveLength(
      1,
    );
  });

  it('an unmarked deployment, or one whose description cannot be read, is judged', async () => {
    expect((await run({}, 'an ordinary release')).result.status).toBe('Failed');
    world.codeDeploy.failNext(
      'GetDeployment',
      { errorType: 'AccessDeniedException', message: 'no' },
      1,
    );
    const unreadable = await run({}, '[skip smoke]');
    expect(unreadable.result.status).toBe('Failed');
    expect(unreadable.log.text()).toContain('Skip marker: the deployment could not be read');
    // discovery read it next and the checks ran against green
    expect(world.greenApp.paths.length).toBeGreaterThan(0);
  });
});

describe("ECS: a tag of the deployed task definition carries the marker (tags can't hold brackets)", () => {
  afterEach(stopEcsWorlds);

  it('a tagged revision answers SUCCEEDED without a request to green; untagged it is judged', async () => {
    const { meter, verdicts } = recordingMeter();
    const { world, invoke, event } = await startEcsHookWorld(
      { checks, skipSmoke: {} },
      { green: { behaviour: 'broken' } },
      {},
      15_000,
      { meter },
    );
    world.route('test', 'green');
    const untagged = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(untagged.hookStatus).toBe('FAILED');
    const requests = world.greenApp.paths.length;
    expect(requests).toBeGreaterThan(0);
    world.world.green.tags = { 'release-note': 'skip smoke: INC-1234' };
    const tagged = await invoke(event('POST_TEST_TRAFFIC_SHIFT'));
    expect(tagged).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: {
        reason:
          'operator skip marker: a tag of the task definition being deployed contains the suite\'s skip marker "skip smoke"',
      },
    });
    expect(world.greenApp.paths.length).toBe(requests);
    expect(verdicts.map((v) => [v.outcome, v.measure.skipped])).toEqual([
      ['FAILED', false],
      ['SUCCEEDED', true],
    ]);
  });

  it('off unless the suite sets it', async () => {
    const { world, invoke, event } = await startEcsHookWorld(
      { checks },
      { green: { behaviour: 'broken' } },
    );
    world.route('test', 'green');
    world.world.green.tags = { note: 'skip smoke' };
    expect((await invoke(event('POST_TEST_TRAFFIC_SHIFT'))).hookStatus).toBe('FAILED');
  });
});
