/**
 * Canary analysis at CodeDeploy's AfterAllowTraffic: the engine's analysis runner for one
 * invocation, built from what discovery found, and the check that the function's time can hold
 * the analysis at all (so a timeout too short fails at once, naming the fix, instead of after
 * the checks and the watch).
 */
import type { MetricTargets } from '../../discovery/metricTargets';
import type { AnalysisRunner } from '../../engine/runSmokeSuite';
import type { Log } from '../../logging/logger';
import type { AnalysisSettings } from '../../suite/analysis';
import { analysisStats } from '../../traffic/canaryWindow';
import type { MetricClock, MetricReader } from '../../traffic/metricReading';
import { runShiftedAnalysis, shiftedAnalysisMinMs } from '../../traffic/runShiftedAnalysis';

export interface ShiftedAnalysisInput {
  readonly analysis: AnalysisSettings;
  readonly targets: MetricTargets | undefined;
  readonly read: MetricReader;
  readonly metricNow: MetricClock;
  /** The hook's start on the metrics' clock: CodeDeploy shifted production just before it. */
  readonly shiftedAtMs: number;
  readonly log: Log;
}

export const shiftedAnalysisRunner =
  (i: ShiftedAnalysisInput): AnalysisRunner =>
  ({ budget, failFast }) =>
    runShiftedAnalysis({
      read: i.read,
      sides: i.targets && {
        green: {
          side: 'green',
          targetGroupArn: i.targets.greenTargetGroupArn,
          loadBalancerArn: i.targets.loadBalancerArn,
        },
        blue: {
          side: 'blue',
          targetGroupArn: i.targets.blueTargetGroupArn,
          loadBalancerArn: i.targets.loadBalancerArn,
        },
      },
      settings: i.analysis,
      shiftedAtMs: i.shiftedAtMs,
      metricNow: i.metricNow,
      budget,
      failFast,
      onLook: (look, reads) =>
        i.log.info('Canary analysis', {
          baseline: 'time-shifted',
          reads,
          ...analysisStats(look),
        }),
    });

/**
 * Why the suite's time cannot hold the analysis, or undefined when it can. `suiteMs` is real
 * time; a rehearsal's metric clock runs `factor` times faster, so its minutes cost less of it.
 */
export const analysisTimeProblem = (
  analysis: AnalysisSettings,
  suiteMs: number,
  clock?: MetricClock,
): string | undefined => {
  const needed = shiftedAnalysisMinMs(analysis);
  return suiteMs * (clock?.factor ?? 1) < needed
    ? `canary analysis needs at least ${Math.ceil(needed / 1000)} s after the shift (analysis.minMinutes ${analysis.minMinutes} whole minutes, the minute of the shift and settleMs ${analysis.settleMs / 1000} s) and this hook has ${Math.floor(suiteMs / 1000)} s: raise afterAllowTraffic's timeout (at most 900 s) or lower analysis.minMinutes`
    : undefined;
};
