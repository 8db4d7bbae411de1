/**
 * Validates the event CodeDeploy sends a lifecycle hook function. Without an execution id there
 * is nothing to report to, so that is thrown; a bad DeploymentId still gets a Failed report.
 */
import * as z from 'zod/mini';
import { InvalidEventError } from '../../errors';

export interface HookEvent {
  readonly executionId: string;
  /** Undefined when the event's DeploymentId is missing or malformed (see `problems`). */
  readonly deploymentId: string | undefined;
  readonly problems: readonly string[];
}

const nonEmpty = z.string().check(z.trim(), z.minLength(1));

export const parseHookEvent = (event: unknown): HookEvent => {
  const fields: Record<string, unknown> =
    event !== null && typeof event === 'object' ? (event as Record<string, unknown>) : {};
  const executionId = nonEmpty.safeParse(fields.LifecycleEventHookExecutionId);
  if (!executionId.success) {
    throw new InvalidEventError(
      `LifecycleEventHookExecutionId is missing or empty in the hook event (got keys: ${Object.keys(fields).join(', ') || 'none'}); without it no status can be reported. Is this function invoked by CodeDeploy through appspec.yaml Hooks?`,
    );
  }
  const deploymentId = nonEmpty.safeParse(fields.DeploymentId);
  return {
    // Passed through untouched: the id is base64-like (+, /, =).
    executionId: fields.LifecycleEventHookExecutionId as string,
    deploymentId: deploymentId.success ? deploymentId.data : undefined,
    problems: deploymentId.success ? [] : ['DeploymentId is missing or empty in the hook event'],
  };
};
