/**
 * CodeDeploy's in-place canary analysis with a scripted reader and a fast clock (a metric minute
 * per real millisecond): when it first looks, how it waits between looks, what ends the wait
 * (a verdict, maxWaitMs, the budget, another item's failure) and which read errors it rides out.
 */
import { AccessDeniedError, DiscoveryError } from '../../../src/errors';
import { analysis } from '../../../src/suite/analysis';
import type { SideTarget } from '../../../src/traffic/albMetricQueries';
import type { MetricReader } from '../../../src/traffic/metricReading';
import {
  firstLookAt,
  runShiftedAnalysis,
  type ShiftedAnalysisContext,
  shiftedAnalysisMinMs,
} from '../../../src/traffic/runShiftedAnalysis';
import { MINUTE, scriptedReader } from '../../helpers/scriptedMetrics';

const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);
const LB = 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/sample/0123';
const side = (s: SideTarget['side'], tg: string): SideTarget => ({
  side: s,
  targetGroupArn: `arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/${tg}/abcd`,
  loadBalancerArn: LB,
});
const SIDES = { green: side('green', 'tg-2'), blue: side('blue', 'tg-1') };
const SETTINGS_INPUT = { minRequests: 500, minMinutes: 4, alpha: 0.05 };
const settings = analysis.parse(SETTINGS_INPUT);

/** A metric clock from `startMs` running a minute per real millisecond. */
const fastClock = (startMs: number, factor = MINUTE) => {
  const started = performance.now();
  return Object.assign(() => startMs + Math.floor((performance.now() - started) * factor), {
    factor,
  });
};

const context = (
  read: MetricReader,
  over: Partial<ShiftedAnalysisContext> = {},
): ShiftedAnalysisContext => {
  const shiftedAtMs = T0 + 30_000;
  return {
    read,
    sides: SIDES,
    settings,
    shiftedAtMs,
    metricNow: fastClock(shiftedAtMs),
    budget: new AbortController().signal,
    failFast: new AbortController().signal,
    ...over,
  };
};

describe('runShiftedAnalysis', () => {
  it('first looks once minMinutes whole minutes after the shift can be settled', () => {
    // Shift at 10:00:30: whole minutes from 10:01, four of them end 10:05, settled 10:07.
    expect(firstLookAt(T0 + 30_000, settings)).toBe(T0 + 7 * MINUTE);
    expect(firstLookAt(T0, settings)).toBe(T0 + 6 * MINUTE);
    expect(shiftedAnalysisMinMs(settings)).toBe(7 * MINUTE);
  });

  it('passes a green like blue, reading green after the shift and blue before it', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const looks: number[] = [];
    const result = await runShiftedAnalysis(
      context(read, { onLook: (_, reads) => looks.push(reads) }),
    );
    expect(result).toMatchObject({
      name: 'canary analysis',
      method: 'GetMetricData',
      path: 'AWS/ApplicationELB',
      passed: true,
    });
    expect(Object.keys(result)).not.toContain('reason');
    expect(result.analysis?.verdict).toBe('pass');
    expect(looks).toEqual([1]);
    // One read spans blue's baseline (whole minutes before the shift) and green's minutes after.
    expect(windows[0]?.startMs).toBe(T0 + MINUTE - settings.baselineMs);
  });

  it("ends blue's baseline baselineOffsetMs before the shift", async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const offset = analysis.parse({
      ...SETTINGS_INPUT,
      baselineMs: 300_000,
      baselineOffsetMs: 120_000,
    });
    await runShiftedAnalysis(context(read, { settings: offset }));
    // Shift at 10:00:30: blue from 09:53:30 to 09:58:30, whole minutes from 09:54.
    expect(windows[0]?.startMs).toBe(T0 - 6 * MINUTE);
  });

  it('fails a green with more 5xx at the first look that shows it, with its numbers', async () => {
    const { read, windows } = scriptedReader({ green: 60, blue: 5 });
    const result = await runShiftedAnalysis(context(read));
    expect(result.passed).toBe(false);
    // A failing look ends the wait: no second look, no "inconclusive".
    expect(windows).toHaveLength(1);
    expect(result.reason).not.toMatch(/inconclusive/);
    expect(result.reason).toMatch(
      /^canary analysis fail over green \d+ complete minutes, .*target 5xx rate: green 6\.00 %/,
    );
    expect(result.analysis?.metrics[0]).toMatchObject({
      metric: 'target 5xx rate',
      verdict: 'fail',
    });
  });

  it('looks when the clock reads the first look time exactly, not a moment later', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const shiftedAtMs = T0 + 30_000;
    // A clock that stands still at the first look time: waiting for it to pass would never end.
    const at = Object.assign(() => firstLookAt(shiftedAtMs, settings), { factor: 1 });
    const result = await runShiftedAnalysis(context(read, { metricNow: at }));
    expect(result.passed).toBe(true);
    expect(windows).toHaveLength(1);
  });

  it('fails without a look when the task sets named no pair of target groups', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const result = await runShiftedAnalysis(context(read, { sides: undefined }));
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/task sets name no pair of target groups/);
    expect(windows).toHaveLength(0);
  });

  it('fails at maxWaitMs when too little traffic keeps it inconclusive, its last look at the end', async () => {
    const quiet = analysis.parse({
      minRequests: 100_000,
      minMinutes: 4,
      alpha: 0.05,
      maxWaitMs: 600_000,
    });
    const { read } = scriptedReader({ green: 0, blue: 0 });
    const looks: number[] = [];
    // A metric second per real millisecond: each look is a moment, ten minutes pass in 0.6 s.
    const ctx = context(read, { settings: quiet, metricNow: fastClock(T0 + 30_000, 1_000) });
    const times: number[] = [];
    const result = await runShiftedAnalysis({
      ...ctx,
      onLook: (_, n) => {
        looks.push(n);
        times.push(ctx.metricNow());
      },
    });
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(
      /too little traffic to judge: .*; still inconclusive after \d+ s \(analysis\.maxWaitMs 600 s\), and too little traffic is never a pass$/,
    );
    // Looks from the first possible one, a callBackDelay apart, the last at maxWaitMs itself.
    expect(looks.length).toBeGreaterThanOrEqual(3);
    expect(times.at(-1)).toBeGreaterThanOrEqual(ctx.shiftedAtMs + quiet.maxWaitMs);
    // Each time is read after its look's read returned, a few microseconds past the look itself;
    // at a thousand metric ms per real ms that can shorten a gap by a few metric ms, so the gap
    // is held to a callBackDelay less one real millisecond (seen: 59,996 on a loaded machine).
    for (let i = 1; i < times.length - 1; i++) {
      expect((times[i] as number) - (times[i - 1] as number)).toBeGreaterThanOrEqual(59_000);
    }
  });

  it('rides out a failed read until the next look', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 }, (call) =>
      call === 0 ? new DiscoveryError('cloudwatch:GetMetricData failed: TimeoutError') : undefined,
    );
    // Six metric seconds per real millisecond: the second look comes well before maxWaitMs.
    const result = await runShiftedAnalysis(
      context(read, { metricNow: fastClock(T0 + 30_000, 6_000) }),
    );
    expect(result.passed).toBe(true);
    expect(windows).toHaveLength(2);
  });

  it('names the last failed read when no look succeeded', async () => {
    const { read } = scriptedReader(
      { green: 5, blue: 5 },
      () => new DiscoveryError('cloudwatch:GetMetricData failed: TimeoutError'),
    );
    const result = await runShiftedAnalysis(context(read));
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(
      /^canary analysis: no look was made; the last read failed: cloudwatch:GetMetricData failed: TimeoutError; still inconclusive/,
    );
  });

  it('fails at once on a denied read: asking again will not help', async () => {
    const { read, windows } = scriptedReader(
      { green: 5, blue: 5 },
      () => new AccessDeniedError('cloudwatch:GetMetricData was denied'),
    );
    const result = await runShiftedAnalysis(context(read));
    expect(result).toMatchObject({
      passed: false,
      reason: 'canary analysis: cloudwatch:GetMetricData was denied',
    });
    expect(windows).toHaveLength(1);
  });

  it('does not call a read cut short by the budget a failed read', async () => {
    const budget = new AbortController();
    const read: MetricReader = async () => {
      budget.abort();
      throw new Error('The operation was aborted');
    };
    const result = await runShiftedAnalysis(context(read, { budget: budget.signal }));
    expect(result.passed).toBe(false);
    expect(result.reason).toMatch(/the hook's time ran out/);
    expect(result.reason).not.toMatch(/the last read failed/);
  });

  describe('with no timer running', () => {
    // Fake timers never fire unless advanced: an abort must wake the wait by itself.
    beforeEach(() => jest.useFakeTimers({ doNotFake: ['nextTick', 'queueMicrotask'] }));
    afterEach(() => jest.useRealTimers());

    it('stops when the budget is spent, naming the timeout to raise', async () => {
      const budget = new AbortController();
      const { read, windows } = scriptedReader({ green: 5, blue: 5 });
      const ctx = context(read, { budget: budget.signal });
      // A slow clock: the first look is minutes away, and the budget ends first.
      const result = runShiftedAnalysis({
        ...ctx,
        metricNow: Object.assign(() => ctx.shiftedAtMs, { factor: 1 }),
      });
      budget.abort();
      await expect(result).resolves.toMatchObject({
        passed: false,
        reason: expect.stringMatching(
          /the hook's time ran out after 0 s \(raise afterAllowTraffic's timeout, at most 900 s, or lower analysis\.minMinutes\)/,
        ),
      });
      expect(windows).toHaveLength(0);
    });

    it('stops when another item failed, saying so', async () => {
      const failFast = new AbortController();
      const { read } = scriptedReader({ green: 5, blue: 5 });
      const ctx = context(read, { failFast: failFast.signal });
      const result = runShiftedAnalysis({
        ...ctx,
        metricNow: Object.assign(() => ctx.shiftedAtMs, { factor: 1 }),
      });
      failFast.abort();
      await expect(result).resolves.toMatchObject({
        passed: false,
        reason: 'canary analysis: stopped after 0 s, another item failed',
      });
    });
  });
});
