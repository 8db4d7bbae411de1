/**
 * Canary analysis at one ECS production traffic step (PRODUCTION_TRAFFIC_SHIFT): one read of the
 * load balancer's metrics per invocation, green's target group against blue's over the complete
 * minutes since the step began. While blue still serves production the baseline is blue's same
 * minutes; at 100 % it is blue's minutes before the step. Inconclusive answers IN_PROGRESS until
 * `maxWaitMs`, then FAILED naming the traffic seen and needed: too little traffic is never a pass.
 * The stage passes only through the verdict: the step's checks passed (state) and the analysis
 * passed.
 */
import type { MetricTargets } from '../../discovery/metricTargets';
import { decide } from '../../engine/verdict';
import type { AnalysisSettings } from '../../suite/analysis';
import { ANALYSIS_NAME } from '../../suite/selection';
import {
  analyseWindow,
  analysisStats,
  baselineWindow,
  type WindowAnalysis,
} from '../../traffic/canaryWindow';
import type { MetricReader } from '../../traffic/metricReading';
import { answerOf, type EcsHookResponse } from './hookResponse';
import type { EcsHookEvent } from './parseEcsHookEvent';
import { type StepState, stateDetails } from './stepState';

export interface AnalysisRequest {
  readonly analysis: AnalysisSettings;
  /** Everything the stage selected, the analysis included: what the verdict must see judged. */
  readonly selected: readonly string[];
  /** The step's state: when it began, the checks that passed, the reads made. */
  readonly state: StepState;
  readonly event: EcsHookEvent;
  readonly targets?: MetricTargets;
  readonly readMetrics: MetricReader;
  /** The metrics' clock (epoch ms): CloudWatch's is the wall clock; the rehearsal's runs faster. */
  readonly metricNow: () => number;
  readonly signal: AbortSignal;
  readonly log: { info(message: string, attributes: Record<string, unknown>): void };
}

const failedWith = (reason: string, details?: Record<string, unknown>): EcsHookResponse => ({
  hookStatus: 'FAILED',
  hookDetails: { reason, ...details },
});

/** Clocks of two Lambda hosts may differ a little; more than this in the future is refused. */
const CLOCK_SKEW_MS = 5_000;

/**
 * When this step's analysis began: the carried start if it is one this step could honestly have
 * (not in the future, not older than a whole wait plus the pauses around it), else now. A
 * restart means more waiting, never less: no carried start can shorten the wait or the minutes.
 */
export const analysisStart = (
  carried: number | undefined,
  nowMs: number,
  a: Pick<AnalysisSettings, 'maxWaitMs' | 'callBackDelaySeconds'>,
): number => {
  const oldest = nowMs - a.maxWaitMs - 2 * a.callBackDelaySeconds * 1000 - LAMBDA_MAX_MS;
  return carried !== undefined && carried <= nowMs + CLOCK_SKEW_MS && carried >= oldest
    ? carried
    : nowMs;
};

/** Lambda's longest timeout: the most one invocation can add between two looks. */
const LAMBDA_MAX_MS = 900_000;

export const answerAnalysis = async (r: AnalysisRequest): Promise<EcsHookResponse> => {
  const d = r.event.executionDetails;
  const greenWeight = d.productionTrafficWeights?.[d.targetServiceRevisionArn];
  if (greenWeight === undefined) {
    return failedWith(
      `${ANALYSIS_NAME}: the event gives green no production traffic weight, so there is no real traffic to judge it by`,
    );
  }
  if (!r.targets) {
    return failedWith(
      `${ANALYSIS_NAME}: the service revision names no pair of target groups behind a load balancer listener rule, so there are no load balancer metrics of green and blue to compare`,
    );
  }
  const t = r.targets;
  const nowMs = r.metricNow();
  const since = analysisStart(r.state.analysis?.startedAt, nowMs, r.analysis);
  // Blue serves nothing at 100 %: its baseline is then the minutes before this step.
  const shifted = greenWeight >= 100;
  let result: WindowAnalysis;
  try {
    result = await analyseWindow({
      read: r.readMetrics,
      green: {
        side: 'green',
        targetGroupArn: t.greenTargetGroupArn,
        loadBalancerArn: t.loadBalancerArn,
      },
      blue: {
        side: 'blue',
        targetGroupArn: t.blueTargetGroupArn,
        loadBalancerArn: t.loadBalancerArn,
      },
      window: { startMs: since, endMs: nowMs },
      ...(shifted && { blueWindow: baselineWindow(since, r.analysis) }),
      settings: r.analysis,
      nowMs,
      signal: r.signal,
    });
  } catch (error) {
    return failedWith(`${ANALYSIS_NAME}: ${(error as Error).message}`);
  }
  const reads = (since === r.state.analysis?.startedAt ? r.state.analysis.reads : 0) + 1;
  const details = { canaryAnalysis: analysisStats(result) };
  r.log.info('Canary analysis', {
    greenWeight,
    baseline: shifted ? 'time-shifted' : 'concurrent',
    reads,
    ...details.canaryAnalysis,
  });
  if (result.verdict === 'fail') return failedWith(result.summary, details);
  if (result.verdict === 'pass') {
    const evidence = [
      ...r.state.checksPassed.map((name) => ({ name, passed: true })),
      { name: ANALYSIS_NAME, passed: true },
    ];
    const answer = answerOf(decide(r.selected, evidence, r.state.binding.stage));
    return { ...answer, hookDetails: { ...answer.hookDetails, ...details } };
  }
  const waitedMs = nowMs - since;
  if (waitedMs >= r.analysis.maxWaitMs) {
    return failedWith(
      `${result.summary}; still inconclusive after ${Math.round(waitedMs / 1000)} s (analysis.maxWaitMs ${r.analysis.maxWaitMs / 1000} s), and too little traffic is never a pass: lower analysis.minRequests or minMinutes for a quiet service, or rely on a synthetic comparison (compare:) at POST_TEST_TRAFFIC_SHIFT`,
      details,
    );
  }
  return {
    hookStatus: 'IN_PROGRESS',
    callBackDelay: r.analysis.callBackDelaySeconds,
    hookDetails: {
      ...stateDetails({ ...r.state, analysis: { startedAt: since, reads } }),
      ...details,
    },
  };
};
