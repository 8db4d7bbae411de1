/**
 * Whether AfterAllowTraffic's time can hold the canary analysis: refused at once, naming the
 * numbers and the fix, rather than after the checks and the watch have used the time up.
 */
import {
  analysisTimeProblem,
  shiftedAnalysisRunner,
} from '../../../../src/controllers/codedeploy/shiftedAnalysis';
import { analysis } from '../../../../src/suite/analysis';
import type { MetricReader } from '../../../../src/traffic/metricReading';
import { captureLog } from '../../../helpers/lambda';
import { MINUTE, scriptedReader } from '../../../helpers/scriptedMetrics';

// Four whole minutes, the minute of the shift and 30 s to settle: 330 s at least.
const settings = analysis.parse({ minRequests: 500, minMinutes: 4, alpha: 0.05, settleMs: 30_000 });
const NEEDED_MS = 330_000;

describe('analysisTimeProblem', () => {
  it('accepts a suite time that holds the analysis exactly, on the real clock', () => {
    expect(analysisTimeProblem(settings, NEEDED_MS)).toBeUndefined();
    expect(analysisTimeProblem(settings, NEEDED_MS + 1)).toBeUndefined();
  });

  it('refuses a millisecond less, with the numbers and both fixes', () => {
    expect(analysisTimeProblem(settings, NEEDED_MS - 1)).toBe(
      "canary analysis needs at least 330 s after the shift (analysis.minMinutes 4 whole minutes, the minute of the shift and settleMs 30 s) and this hook has 329 s: raise afterAllowTraffic's timeout (at most 900 s) or lower analysis.minMinutes",
    );
  });

  it("counts a rehearsal's faster metric clock: its minutes cost less real time", () => {
    const sixtyTimes = Object.assign(() => 0, { factor: 60 });
    expect(analysisTimeProblem(settings, NEEDED_MS / 60, sixtyTimes)).toBeUndefined();
    expect(analysisTimeProblem(settings, NEEDED_MS / 60 - 1, sixtyTimes)).toMatch(/has 5 s/);
    // A clock without a factor runs at the real pace.
    expect(analysisTimeProblem(settings, NEEDED_MS - 1, () => 0)).toMatch(/has 329 s/);
  });
});

describe('shiftedAnalysisRunner', () => {
  const TARGETS = {
    loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/s/1',
    greenTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/g/2',
    blueTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/b/1',
  };
  const SHIFTED_AT = Date.UTC(2026, 11, 5, 10, 0, 30);
  /** A metric clock already past the first look: the runner looks at once. */
  const later = Object.assign(() => SHIFTED_AT + 20 * MINUTE, { factor: 1 });
  const signals = () => ({
    budget: new AbortController().signal,
    failFast: new AbortController().signal,
  });

  it("reads green's target group as green and blue's as blue, and logs each look", async () => {
    const { read } = scriptedReader({ green: 60, blue: 5 });
    const dimensions: Record<string, unknown> = {};
    const spy: MetricReader = (queries, window, signal) => {
      for (const q of queries) dimensions[q.id] = q;
      return read(queries, window, signal);
    };
    const log = captureLog();
    const runner = shiftedAnalysisRunner({
      analysis: settings,
      targets: TARGETS,
      read: spy,
      metricNow: later,
      shiftedAtMs: SHIFTED_AT,
      log,
    });
    const result = await runner(signals());
    // Green has the 5xx: a swap of the sides would pass it.
    expect(result.passed).toBe(false);
    expect(JSON.stringify(dimensions.green_requests)).toContain('targetgroup/g/2');
    expect(JSON.stringify(dimensions.blue_requests)).toContain('targetgroup/b/1');
    expect(log.lines).toEqual([
      expect.objectContaining({
        message: 'Canary analysis',
        fields: expect.objectContaining({ baseline: 'time-shifted', reads: 1, verdict: 'fail' }),
      }),
    ]);
  });

  it('fails without a read when discovery named no target groups', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const runner = shiftedAnalysisRunner({
      analysis: settings,
      targets: undefined,
      read,
      metricNow: later,
      shiftedAtMs: SHIFTED_AT,
      log: captureLog(),
    });
    expect((await runner(signals())).reason).toMatch(/name no pair of target groups/);
    expect(windows).toHaveLength(0);
  });
});
