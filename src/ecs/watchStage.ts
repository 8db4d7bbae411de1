/**
 * The production watch at POST_PRODUCTION_TRAFFIC_SHIFT: one slice per invocation, as long as
 * the invocation's budget allows, then IN_PROGRESS with the watch's progress in hookDetails, so
 * no Lambda is held for the whole window.
 */
import type { AlarmReader } from '../discovery/readAlarmStates';
import type { WatchProgress } from '../smoke/runProductionWatch';
import { runWatchSlice } from '../smoke/runWatchSlice';
import type { Suite, WatchSettings } from '../smoke/schema';
import type { SecretReader } from '../smoke/secrets';
import { type EcsHookResponse, failed, RETURN_MARGIN_MS } from './hookResponse';
import { watchDetailsOf } from './watchState';

export interface WatchSliceRequest {
  readonly suite: Suite;
  readonly watch: WatchSettings;
  /** Where the last slice left off; a new window when absent. */
  readonly progress?: WatchProgress;
  readonly productionUrl?: string;
  readonly deploymentAlarms: readonly string[];
  readonly readAlarms?: AlarmReader;
  readonly readSecret?: SecretReader;
  /** performance.now() at which the invocation must have answered. */
  readonly deadlineAt: number;
  readonly signal: AbortSignal;
  readonly now: () => Date;
  readonly log: { info(message: string, attributes: Record<string, unknown>): void };
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
        ...(r.progress && { progress: r.progress }),
        maxSliceMs: Math.max(0, Math.min(r.suite.ecs.watchSliceMs, roomMs)),
        now: () => r.now().getTime(),
      },
    });
  } catch (error) {
    // The watch's headers: a secret that cannot be read (the message names it and why).
    return failed(`production watch: ${(error as Error).message}`);
  }
  r.log.info('Production watch slice', { ...outcome.result, total: outcome.progress.samples });
  if (!outcome.result.passed) return failed(outcome.result.reason ?? 'production watch failed');
  if (outcome.windowOver) {
    r.log.info('Production watch: the window ended clean', {
      samples: outcome.progress.samples,
      errors: outcome.progress.errors,
    });
    return { hookStatus: 'SUCCEEDED' };
  }
  return {
    hookStatus: 'IN_PROGRESS',
    callBackDelay: r.suite.ecs.watchCallBackDelaySeconds,
    hookDetails: { watch: watchDetailsOf(outcome.progress) },
  };
};
