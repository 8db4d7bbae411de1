/**
 * Reports a lifecycle hook's verdict to CodeDeploy. A second report for the same execution is not
 * an error for us: an earlier invocation already reported, which is what matters.
 */
import {
  type CodeDeployClient,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import type { Verdict } from '../../engine/runSmokeSuite';
import { HookReportError } from '../../errors';

export interface HookReport {
  readonly deploymentId: string | undefined;
  readonly executionId: string;
  readonly status: Verdict;
}

export type ReportOutcome = 'reported' | 'already-completed';

export const reportHookStatus = async (
  client: CodeDeployClient,
  report: HookReport,
  abortSignal?: AbortSignal,
): Promise<ReportOutcome> => {
  try {
    await client.send(
      new PutLifecycleEventHookExecutionStatusCommand({
        ...(report.deploymentId !== undefined && { deploymentId: report.deploymentId }),
        lifecycleEventHookExecutionId: report.executionId,
        status: report.status,
      }),
      abortSignal ? { abortSignal } : {},
    );
    return 'reported';
  } catch (error) {
    if (error instanceof LifecycleEventAlreadyCompletedException) return 'already-completed';
    throw new HookReportError(
      `Could not report ${report.status} for deployment ${report.deploymentId ?? '(unknown)'}: ${error instanceof Error ? `${error.name}: ${error.message}` : String(error)}. Check that the function can reach CodeDeploy (NAT or VPC endpoint) and may call codedeploy:PutLifecycleEventHookExecutionStatus (IAM authorises it only against Resource "*").`,
      { cause: error },
    );
  }
};
