/**
 * One ECS invocation's judgement of green at one stage and traffic step. The step's state
 * (stepState.ts) says where the stage stands: waiting for green to be ready, checks passed and
 * the watch under way, or nothing yet. What it answers comes from the verdict (engine/verdict):
 * SUCCEEDED only when every selected item was judged and passed in this deployment, stage and
 * step; IN_PROGRESS while green starts or the watch has window left; FAILED otherwise.
 */
import type { HookSettings } from '../../config/env';
import type { EcsGreenDiscovery } from '../../discovery/discoverEcsGreen';
import type { AlarmReader } from '../../discovery/readAlarmStates';
import { runSmokeSuite } from '../../engine/runSmokeSuite';
import { decide, exempt } from '../../engine/verdict';
import type { InvocationMeasure } from '../../logging/invocationMeasure';
import type { Log } from '../../logging/logger';
import type { SecretReader } from '../../probe/secrets';
import type { EcsStage, Suite } from '../../suite/schema';
import { tagSafe } from '../../suite/schema';
import {
  ANALYSIS_NAME,
  analysisForHook,
  comparisonsForHook,
  selectedItems,
  WATCH_NAME,
  watchForHook,
} from '../../suite/selection';
import type { Phase } from '../../time/timeBudget';
import type { MetricReader } from '../../traffic/metricReading';
import { answerAnalysis } from './analysisStage';
import { answerOf, type EcsHookResponse, failed } from './hookResponse';
import type { EcsHookEvent } from './parseEcsHookEvent';
import type { createServiceDeploymentReads } from './serviceDeployment';
import { type StepState, stateDetails } from './stepState';
import { answerWatchSlice } from './watchStage';

export interface StageJudge {
  readonly suite: Suite;
  readonly settings: HookSettings;
  readonly discovery: EcsGreenDiscovery;
  readonly serviceDeployment: ReturnType<typeof createServiceDeploymentReads>;
  readonly readAlarms?: AlarmReader;
  readonly readMetrics?: MetricReader;
  readonly readSecret?: SecretReader;
  readonly now: () => Date;
  /** The clock of the load balancer's metrics, for canary analysis (epoch ms). */
  readonly metricNow: () => number;
  readonly log: Log;
  readonly phase: Phase;
  /** What this invocation measured (durations, failed checks, watch samples) for its metrics. */
  readonly measure: InvocationMeasure;
  /** performance.now() at which the invocation must have answered. */
  readonly deadlineAt: number;
}

/** Why a stage with nothing selected fails, and both ways to fix it. */
export const nothingSelectedReason = (stage: EcsStage): string =>
  `nothing was judged: the suite selects no check for ${stage}, so this hook cannot pass it. List checks for ${stage} in the suite's hooks:, or remove ${stage} from the service's deploymentConfiguration.lifecycleHooks lifecycleStages`;

/** Why this deployment skips its checks, or undefined: a read that fails skips nothing. */
const markerSkip = async (
  j: StageJudge,
  event: EcsHookEvent,
  marker: string,
  signal: AbortSignal,
) => {
  try {
    const tags = await j.serviceDeployment.taskDefinitionTags(
      event.executionDetails.targetServiceRevisionArn,
      signal,
    );
    // The schema keeps at least 3 tag-safe characters: an empty marker would match any tag.
    const wanted = tagSafe(marker);
    return wanted.length >= 3 && tags.some((t) => t.includes(wanted))
      ? `a tag of the task definition being deployed contains the suite's skip marker "${wanted}"`
      : undefined;
  } catch (error) {
    j.log.warn('Skip marker: the task definition could not be read; the checks run', { error });
    return undefined;
  }
};

export const judgeStage = async (
  j: StageJudge,
  event: EcsHookEvent,
  state: StepState,
  testUrl: string | undefined,
  signal: AbortSignal,
): Promise<EcsHookResponse> => {
  const { suite, log, phase } = j;
  const stage = event.lifecycleStage;
  const selected = selectedItems(suite, stage);
  const watch = watchForHook(suite, stage);
  phase.current = 'reading the service deployment';
  if (
    suite.ecs.skipOnServiceCreation &&
    (await j.serviceDeployment.isServiceCreation(event.resourceArn, signal))
  ) {
    log.info('First deployment of the service, and the suite skips it: SUCCEEDED', { stage });
    return answerOf(exempt('skipOnServiceCreation', 'the first deployment of a new service'));
  }
  if (suite.skipSmoke) {
    phase.current = 'reading the skip marker';
    const skip = await markerSkip(j, event, suite.skipSmoke.marker, signal);
    if (skip) {
      j.measure.skipped = true;
      log.warn('Smoke checks skipped by the operator', { why: skip });
      return answerOf(exempt('operator skip marker', skip));
    }
  }
  phase.current = 'discovery';
  const green = await j.measure.timed('Discovery', () =>
    j.discovery({
      serviceDeploymentArn: event.resourceArn,
      targetServiceRevisionArn: event.executionDetails.targetServiceRevisionArn,
      stage,
      routingProof: j.settings.routingProof,
      needsBlueAlone: comparisonsForHook(suite, stage).length > 0,
      ...(testUrl && { overrideUrl: testUrl }),
      signal,
    }),
  );
  log.info('Green discovered', {
    baseUrl: green.baseUrl,
    ...(green.routing && { routing: green.routing }),
  });
  // The param overrides what discovery found, as TEST_LISTENER_URL does for green.
  const productionUrl = j.settings.productionListenerUrl ?? green.productionUrl;
  const checks = selected.filter((name) => name !== WATCH_NAME && name !== ANALYSIS_NAME);
  const watchSlice = async (s: StepState) => {
    phase.current = 'the production watch';
    return answerWatchSlice({
      suite,
      watch: watch as NonNullable<typeof watch>,
      selected,
      state: s,
      ...(productionUrl && { productionUrl }),
      deploymentAlarms: watch?.deploymentAlarms
        ? await j.serviceDeployment.alarmNames(event.resourceArn, signal)
        : [],
      ...(j.readAlarms && { readAlarms: j.readAlarms }),
      ...(j.readSecret && { readSecret: j.readSecret }),
      deadlineAt: j.deadlineAt,
      signal,
      now: j.now,
      log,
      measure: j.measure,
    });
  };
  const analysis = analysisForHook(suite, stage);
  const analysisStep = async (s: StepState) => {
    phase.current = 'the canary analysis';
    if (!j.readMetrics) return failed('canary analysis: no metric reader');
    return answerAnalysis({
      analysis: analysis as NonNullable<typeof analysis>,
      selected,
      state: s,
      event,
      ...(green.metricTargets && { targets: green.metricTargets }),
      readMetrics: j.readMetrics,
      metricNow: j.metricNow,
      signal,
      log,
    });
  };
  const checksDone = checks.every((name) => state.checksPassed.includes(name));
  // The checks ran and passed earlier in this step (or there are none): carry on watching, or
  // analysing.
  if (watch && state.watch && checksDone) return watchSlice(state);
  if (analysis && (checks.length === 0 || (state.analysis && checksDone))) {
    return analysisStep(state);
  }
  phase.current = 'the suite';
  const result = await j.measure.timed('Suite', () =>
    runSmokeSuite({
      suite,
      hook: stage,
      baseUrl: green.baseUrl,
      ...(productionUrl && { productionUrl }),
      budget: signal,
      facts: green.facts,
      ...(j.readSecret && { readSecret: j.readSecret }),
      // One probe per invocation: a green that is still starting is asked again later.
      gateAttempts: 1,
      ...(green.testHeader && {
        greenHeaders: { [green.testHeader.name]: green.testHeader.value },
      }),
      watchProduction: false,
      analyse: false,
      onProgress: (p) => {
        if (p.type === 'check') log.info('Smoke check', { ...p.result });
      },
    }),
  );
  j.measure.checks(result.checks);
  if (result.verdict === 'Succeeded') {
    if (watch) {
      return watchSlice({ ...state, checksPassed: checks, readinessAttempts: 0 });
    }
    if (analysis) {
      return analysisStep({ ...state, checksPassed: checks, readinessAttempts: 0 });
    }
    return answerOf(decide(selected, result.checks, stage));
  }
  if (result.readiness?.waiting) {
    const attempts = state.readinessAttempts + 1;
    const waitedMs = j.now().getTime() - state.since;
    if (waitedMs >= suite.ecs.overallBudgetMs) {
      return failed(
        `green never became ready within ${Math.round(suite.ecs.overallBudgetMs / 1000)} s (${attempts} invocations; ${result.reason})`,
      );
    }
    return {
      hookStatus: 'IN_PROGRESS',
      callBackDelay: suite.ecs.callBackDelaySeconds,
      hookDetails: stateDetails({ ...state, readinessAttempts: attempts }),
    };
  }
  return failed(result.reason ?? 'the suite failed');
};
