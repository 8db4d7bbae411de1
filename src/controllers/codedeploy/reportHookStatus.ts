/**
 * Reports a lifecycle hook's verdict to CodeDeploy. A second report for the same execution is not
 * an error for us: an earlier invocation already reported, which is what matters.
 */
import {
  type CodeDeployClient,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { traceStep } from '../../aws/tracing';
import type { Verdict } from '../../engine/runSmokeSuite';
import { HookReportError } from '../../errors';
import type { Log } from '../../logging/logger';
import { withDeadline } from '../../time/deadline';
import { reportTimeoutMs } from '../../time/timeBudget';

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

/**
 * Reports within whatever time the function has left (the SDK aborts rather than outlive it)
 * and logs the outcome; a failed report is logged and thrown, so Lambda retries the invocation.
 */
export const deliverVerdict = traceStep(
  'report',
  async (
    codeDeploy: CodeDeployClient,
    report: HookReport,
    remainingMs: number,
    log: Log,
  ): Promise<ReportOutcome> => {
    const outcome = await withDeadline(reportTimeoutMs(remainingMs), undefined, ({ signal }) =>
      reportHookStatus(codeDeploy, report, signal),
    ).catch((error: unknown) => {
      log.error('Reporting to CodeDeploy failed; throwing so Lambda retries the invocation', {
        verdict: report.status,
        error,
      });
      throw error;
    });
    if (outcome === 'already-completed') {
      log.warn(
        'CodeDeploy already had a status for this hook execution (a duplicate invocation); nothing to do',
      );
    } else {
      log.info('Reported hook status to CodeDeploy', { verdict: report.status });
    }
    return outcome;
  },
);
