/** What an ECS lifecycle hook answers: `{ hookStatus, callBackDelay?, hookDetails? }`. */
import type { Verdict } from '../../engine/verdict';

export type HookStatus = 'SUCCEEDED' | 'FAILED' | 'IN_PROGRESS';

export interface EcsHookResponse {
  readonly hookStatus: HookStatus;
  readonly callBackDelay?: number;
  readonly hookDetails?: Record<string, unknown>;
}

/** Time kept back from the Lambda deadline to return (there is no report to send). */
export const RETURN_MARGIN_MS = 1_000;

/** FAILED with the reason where ECS shows it (hookDetails) and the operator looks. */
export const failed = (reason: string): EcsHookResponse => ({
  hookStatus: 'FAILED',
  hookDetails: { reason },
});

/**
 * The verdict, as ECS takes it: the adapter translates, it never decides. A pass by exemption
 * (no check ran) says so where the operator looks, with the rule's name.
 */
export const answerOf = (verdict: Verdict): EcsHookResponse => {
  if (verdict.status !== 'Succeeded') return failed(verdict.reason);
  return verdict.exemption
    ? { hookStatus: 'SUCCEEDED', hookDetails: { reason: verdict.reason } }
    : { hookStatus: 'SUCCEEDED' };
};
