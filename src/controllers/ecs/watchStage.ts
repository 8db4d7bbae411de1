/**
 * The production watch at POST_PRODUCTION_TRAFFIC_SHIFT: one slice per invocation, as long as
 * the invocation's budget allows, then IN_PROGRESS with the watch's progress in the step's
 * state, so no Lambda is held for the whole window. The stage passes only through the verdict:
 * the checks passed in this step (recorded in the state) and the window was covered and ended
 * with its final look.
 */

import type { AlarmReader } from '../../discovery/readAlarmStates';
import { decide } from '../../engine/verdict';
import type { InvocationMeasure } from '../../logging/invocationMeasure';
import type { SecretReader } from '../../probe/secrets';
import type { Suite, WatchSettings } from '../../suite/schema';
import { WATCH_NAME } from '../../suite/selection';
import { runWatchSlice } from '../../traffic/runWatchSlice';
import { answerOf, type EcsHookResponse, failed, RETURN_MARGIN_MS } from './hookResponse';
import { type StepState, stateDetails } from './stepState';

export interface WatchSliceRequest {
  readonly suite: Suite;
  readonly watch: WatchSettings;
  /** Everything the stage selected, the watch included: what the verdict must see judged. */
  readonly selected: readonly string[];
  /** The step's state: the checks that passed, and where the last slice left off. */
  readonly state: StepState;
  readonly productionUrl?: string;
  readonly deploymentAlarms: readonly string[];
  readonly readAlarms?: AlarmReader;
  readonly readSecret?: SecretReader;
  /** performance.now() at which the invocation must have answered. */
  readonly deadlineAt: number;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  /** Receives the slice's result for the invocation's metrics (samples, failures). */
  readonly measure?: Pick<InvocationMeasure, 'checks'>;
  readonly log: {
    info(message: string, attributes: Record<string, unknown>): void;
    warn(message: string, attributes: Record<string, unknown>): void;
  };
}

export const answerWatchSlice = async (r: WatchSliceRequest): Promise<EcsHookResponse> => {
  // A request fired at the slice's end must finish before the deadline.
  const requestMs = r.watch.timeoutMs ?? r.suite.timeoutMs;
  const roomMs = r.deadlineAt - performance.now() - requestMs - RETURN_MARGIN_MS;
  let outcome: Awaited<ReturnType<typeof runWatchSlice>>;
  try {
    outcome = await runWatchSlice({
      suite: r.suite,
      watch: r.watch,
      ...(r.productionUrl && { productionUrl: r.productionUrl }),
      deploymentAlarms: r.deploymentAlarms,
      ...(r.readAlarms && { readAlarms: r.readAlarms }),
      ...(r.readSecret && { readSecret: r.readSecret }),
      budget: r.signal,
      slice: {
        ...(r.state.watch && { progress: r.state.watch }),
        maxSliceMs: Math.max(0, Math.min(r.suite.ecs.watchSliceMs, roomMs)),
        now: () => r.now().getTime(),
      },
    });
  } catch (error) {
    // The watch's headers: a secret that cannot be read (the message names it and why).
    return failed(`production watch: ${(error as Error).message}`);
  }
  const { progress, result } = outcome;
  r.measure?.checks([result]);
  r.log.info('Production watch slice', {
    ...result,
    total: progress.samples,
    coveredMs: Math.round(progress.coveredMs),
  });
  if (progress.longestGapMs > (r.suite.ecs.watchCallBackDelaySeconds + 30) * 1000) {
    r.log.warn(
      'Production watch: a long pause between slices; the window is extended to cover it',
      {
        longestGapMs: Math.round(progress.longestGapMs),
        coveredMs: Math.round(progress.coveredMs),
        windowMs: r.watch.windowMs,
      },
    );
  }
  if (!result.passed) return failed(result.reason ?? 'production watch failed');
  if (outcome.windowOver) {
    const evidence = [
      ...r.state.checksPassed.map((name) => ({ name, passed: true })),
      { name: WATCH_NAME, passed: true },
    ];
    return answerOf(decide(r.selected, evidence, r.state.binding.stage));
  }
  return {
    hookStatus: 'IN_PROGRESS',
    callBackDelay: r.suite.ecs.watchCallBackDelaySeconds,
    hookDetails: stateDetails({ ...r.state, watch: progress }),
  };
};
