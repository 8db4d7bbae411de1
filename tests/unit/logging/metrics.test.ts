import { type AlarmDecision, decisionMetrics } from '../../../src/alarm/createAlarmHandler';
import { InvocationMeasure } from '../../../src/logging/invocationMeasure';
import { emfMeter } from '../../../src/logging/metrics';
import { WATCH_NAME } from '../../../src/suite/selection';
import { captureEmf, findMetrics, parseEmf } from '../../helpers/emf';

const check = (name: string, passed: boolean, extra: object = {}) =>
  ({ name, method: 'GET', path: '/', passed, attempts: 1, requestHeaders: {}, ...extra }) as const;

describe('InvocationMeasure', () => {
  it('adds each phase up, also when the work throws', async () => {
    const m = new InvocationMeasure();
    await m.timed('Discovery', () => new Promise((r) => setTimeout(r, 20)));
    await expect(
      m.timed('Discovery', async () => {
        await new Promise((r) => setTimeout(r, 20));
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(m.phaseMs.get('Discovery')).toBeGreaterThanOrEqual(35);
    expect(m.phaseMs.has('Suite')).toBe(false);
    expect(m.elapsedMs()).toBeGreaterThanOrEqual(m.phaseMs.get('Discovery') ?? 0);
  });

  it("keeps the failed checks (not the skipped ones) and the watch's samples", () => {
    const m = new InvocationMeasure();
    m.checks([
      check('home page', true),
      check('health', false),
      check('later', false, { skipped: true }),
      check(WATCH_NAME, false, {
        sample: { planned: 10, samples: 9, errors: 3, errorRate: 0.33, durationMs: 1 },
      }),
    ]);
    m.checks([
      check(WATCH_NAME, true, {
        sample: { planned: 5, samples: 5, errors: 0, errorRate: 0, durationMs: 1 },
      }),
    ]);
    expect(m.failedChecks).toEqual(['health', WATCH_NAME]);
    expect([m.watchSamples, m.watchFailures]).toEqual([14, 3]);
  });
});

describe('emfMeter', () => {
  let emf: ReturnType<typeof captureEmf>;
  beforeEach(() => {
    emf = captureEmf();
  });
  afterEach(() => emf.stop());

  it('writes a verdict as EMF: outcome, durations, failed checks by name, watch and skip', async () => {
    const m = new InvocationMeasure();
    await m.timed('Suite', async () => {});
    m.checks([check('health', false), check('health', false)]);
    m.skipped = true;
    m.watchSamples = 4;
    emfMeter('Test').verdict({
      controller: 'ECS',
      step: 'PRE_SCALE_UP',
      outcome: 'FAILED',
      measure: m,
    });
    const metrics = emf.metrics();
    const where = { Controller: 'ECS', Step: 'PRE_SCALE_UP' };
    expect(findMetrics(metrics, 'Verdicts', { ...where, Outcome: 'FAILED' })).toHaveLength(1);
    expect(findMetrics(metrics, 'SuiteDuration', where)).toHaveLength(1);
    expect(findMetrics(metrics, 'DiscoveryDuration')).toEqual([]);
    // one line per failed check name, however often it failed
    expect(findMetrics(metrics, 'FailedChecks', { ...where, Check: 'health' })).toHaveLength(1);
    expect(findMetrics(metrics, 'SmokeSkipped', where).map((x) => x.value)).toEqual([1]);
    expect(findMetrics(metrics, 'WatchSamples', where).map((x) => x.value)).toEqual([4]);
    expect(new Set(metrics.map((x) => x.namespace))).toEqual(new Set(['Test']));
  });

  it('counts alarm decisions by kind', () => {
    emfMeter().alarmDecisions(['stopped', 'ignored', 'stopped']);
    const metrics = emf.metrics();
    expect(findMetrics(metrics, 'AlarmDecisions', { Decision: 'stopped' })[0]?.value).toBe(2);
    expect(findMetrics(metrics, 'AlarmDecisions', { Decision: 'ignored' })[0]?.value).toBe(1);
  });
});

describe('decisionMetrics', () => {
  const group = { application: 'a', deploymentGroup: 'g' };
  const stop = (results: object[]) => ({
    alarmName: 'x',
    action: 'stop' as const,
    groups: [{ group, found: results.length, rollbacksLeftRunning: [], results }] as never,
  });
  it('names what happened to each alarm and target', () => {
    const result = {
      decisions: <AlarmDecision[]>[
        { alarmName: 'x', action: 'ignored' as const, why: 'OK' },
        stop([]),
        stop([{ deploymentId: 'd-1', outcome: 'stopped', status: 'Pending' }]),
        stop([{ deploymentId: 'd-2', outcome: 'failed', error: 'denied' }]),
        { alarmName: 'x', action: 'error' as const, group, error: 'throttled' },
      ],
      rejections: ['not JSON'],
    };
    expect(decisionMetrics(result, false)).toEqual([
      'ignored',
      'nothing-active',
      'stopped',
      'error',
      'error',
      'rejected',
    ]);
    expect(
      decisionMetrics({ decisions: [result.decisions[2] as never], rejections: [] }, true),
    ).toEqual(['dry-run']);
  });
});

describe('parseEmf (the test helper) refuses what CloudWatch would not extract', () => {
  it.each([
    ['{"a":1}', 'no _aws envelope'],
    ['{"_aws":{"Timestamp":"now","CloudWatchMetrics":[]}}', 'epoch milliseconds'],
    [
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[["D"]],"Metrics":[{"Name":"M"}]}]},"M":1}',
      'dimension D has no string value',
    ],
    [
      '{"_aws":{"Timestamp":1,"CloudWatchMetrics":[{"Namespace":"N","Dimensions":[[]],"Metrics":[{"Name":"M"}]}]},"M":"1"}',
      'metric M has no number value',
    ],
  ])('%s', (line, problem) => {
    expect(() => parseEmf(line)).toThrow(problem);
  });
});
