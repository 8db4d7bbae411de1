/**
 * Whether AfterAllowTraffic's time can hold the canary analysis: refused at once, naming the
 * numbers and the fix, rather than after the checks and the watch have used the time up.
 */
import { analysisTimeProblem } from '../../../../src/controllers/codedeploy/shiftedAnalysis';
import { analysis } from '../../../../src/suite/analysis';

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
