/**
 * Canary analysis at CodeDeploy's AfterAllowTraffic, end to end on loopback: blue serves user
 * traffic alone, production moves to green all at once, and the real hook (discovery of both
 * target groups from the task sets, the real SDK against the local CloudWatch endpoint) compares
 * green's minutes after the shift with blue's before it, waiting in place. The world's clock
 * runs 60x: a metric minute passes every real second.
 */
import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import { cloudWatchMetricReader } from '../../../../src/discovery/readMetrics';
import { LoopbackDeployment } from '../../../../src/local/loopbackDeployment';
import { scaledClock } from '../../../../src/local/scaledClock';
import { startUserTraffic, type UserTraffic } from '../../../../src/local/userTraffic';
import type { SuiteInput } from '../../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { suiteOf } from '../../../helpers/suites';

jest.setTimeout(60_000);
const SCALE = 60;
const saved = { ...process.env };
let world: LoopbackDeployment | undefined;
let users: UserTraffic | undefined;
afterEach(async () => {
  await users?.stop();
  users = undefined;
  process.env = { ...saved };
  await world?.stop();
  world = undefined;
});

const ANALYSIS = {
  minRequests: 40,
  minMinutes: 4,
  alpha: 0.05,
  settleMs: 60_000,
  // Blue's minutes before the shift: 4 whole ones once the minute of the shift is cut.
  baselineMs: 300_000,
  callBackDelaySeconds: 30,
};

/** Blue serves users alone for `blueMinutes` metric minutes; then production moves to green. */
const shiftedWorld = async (
  green: 'healthy' | 'errors-5pct' | 'cart-resets',
  blueMinutes = 6,
  analysis: Partial<NonNullable<SuiteInput['analysis']>> = {},
) => {
  const clock = scaledClock(SCALE);
  const w = await LoopbackDeployment.start({ metricClock: clock, green: { behaviour: green } });
  world = w;
  Object.assign(process.env, w.awsEnv());
  w.route('test', 'green');
  users = startUserTraffic(w.production.url, 6, ['/', '/cart']);
  await new Promise((r) => setTimeout(r, (blueMinutes * 60_000) / SCALE));
  w.route('production', 'green');
  const log = captureLog();
  const handler = createHookHandler(
    'AfterAllowTraffic',
    () =>
      suiteOf({
        checks: [{ name: 'home', path: '/' }],
        analysis: { ...ANALYSIS, ...analysis },
        hooks: { AfterAllowTraffic: ['home'] },
      }),
    { log, metricClock: clock, readMetrics: cloudWatchMetricReader() },
  );
  const invoke = (id: string, deadlineMs = 30_000) =>
    handler(
      { DeploymentId: w.startDeployment(), LifecycleEventHookExecutionId: id },
      contextWithDeadline(deadlineMs),
    );
  return { w, log, invoke };
};

const reads = (w: LoopbackDeployment) =>
  w.cloudWatch.requests.filter((r) => r.operation === 'GetMetricData');

describe('AfterAllowTraffic: canary analysis against blue before the shift', () => {
  it('Failed for a green answering 5 % 5xx to users, with the metric table', async () => {
    const { w, log, invoke } = await shiftedWorld('errors-5pct');
    const result = await invoke('bad');
    expect(result.status).toBe('Failed');
    expect(w.codeDeploy.hookStatuses.get('bad')).toBe('Failed');
    expect(result.reason).toMatch(
      /canary analysis fail over green \d+ complete minutes?, .* against blue \d+ complete minutes?, .*: target 5xx rate: green [2-9]\.\d\d %/,
    );
    const analysed = result.suite?.checks.find((c) => c.name === 'canary analysis');
    expect(analysed?.analysis?.metrics.map((m) => [m.metric, m.verdict])).toContainEqual([
      'target 5xx rate',
      'fail',
    ]);
    const looks = log.lines.filter((l) => l.message === 'Canary analysis');
    expect(looks.length).toBeGreaterThan(0);
    expect(looks.every((l) => l.fields.baseline === 'time-shifted')).toBe(true);
    expect(reads(w).length).toBe(looks.length);
    // Green's target group after the shift against blue's before it, from the task sets.
    const queries = JSON.stringify(reads(w)[0]?.body);
    expect(queries).toContain('targetgroup/');
    expect(new Set(queries.match(/targetgroup\/[^"\\]+/g)).size).toBe(2);
  });

  it("Failed for a green dropping users' connections: the load balancer's own 5xx, which no target 5xx counts", async () => {
    const { w, invoke } = await shiftedWorld('cart-resets');
    const result = await invoke('resets');
    expect(result.status).toBe('Failed');
    const analysed = result.suite?.checks.find((c) => c.name === 'canary analysis');
    expect(analysed?.analysis?.metrics.map((m) => [m.metric, m.verdict])).toEqual([
      ['target 5xx rate', 'pass'],
      ['load balancer 5xx rate', 'fail'],
      ['p99 response time (ms)', expect.stringMatching(/pass|inconclusive/)],
    ]);
    expect(result.reason).toMatch(
      /: load balancer 5xx rate: green [1-9]\.\d\d % \(\d+\/\d+\) vs blue 0\.00 %/,
    );
    // Read with the LoadBalancer dimension alone, as CloudWatch keeps it.
    const body = JSON.stringify(reads(w)[0]?.body);
    expect(body).toContain('HTTPCode_ELB_5XX_Count');
  });

  it('Succeeded for a healthy green once enough minutes agree, after its check', async () => {
    const { w, log, invoke } = await shiftedWorld('healthy');
    const result = await invoke('good');
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(w.codeDeploy.hookStatuses.get('good')).toBe('Succeeded');
    expect(result.suite?.checks.map((c) => [c.name, c.passed])).toEqual([
      ['home', true],
      ['canary analysis', true],
    ]);
    expect(log.lines.filter((l) => l.message === 'Canary analysis').at(-1)?.fields.verdict).toBe(
      'pass',
    );
  });

  it('Failed, never Succeeded, when blue served too little before the shift', async () => {
    // No baseline minutes at all: blue's side stays short of minRequests for the whole wait.
    const { invoke } = await shiftedWorld('healthy', 0, { maxWaitMs: 420_000 });
    const result = await invoke('quiet');
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(
      /too little traffic to judge: .*; still inconclusive after \d+ s \(analysis\.maxWaitMs 420 s\), and too little traffic is never a pass/,
    );
  });

  it('Failed at once, naming the fix, when the function cannot wait long enough', async () => {
    const { w, invoke } = await shiftedWorld('healthy', 0);
    const started = Date.now();
    // 15 s of Lambda time less the 10 s report margin, at 60x, is 300 metric seconds; the
    // analysis needs 360.
    const result = await invoke('short', 15_000);
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(
      /^canary analysis needs at least 360 s after the shift .* raise afterAllowTraffic's timeout \(at most 900 s\) or lower analysis\.minMinutes$/,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(reads(w)).toHaveLength(0);
  });

  it('Failed when the task sets do not name blue', async () => {
    const { w, invoke } = await shiftedWorld('healthy', 0);
    w.world.taskSets.splice(
      w.world.taskSets.findIndex((t) => t.id === 'ecs-svc/blue'),
      1,
    );
    const result = await invoke('no-blue');
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(/task sets name no pair of target groups/);
    expect(reads(w)).toHaveLength(0);
  });
});
