/**
 * The report to CodeDeploy alone, with a scripted client: what it sends, that it can be
 * aborted, and an error that tells the operator what to check whatever was thrown.
 */
import {
  type CodeDeployClient,
  LifecycleEventAlreadyCompletedException,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import { reportHookStatus } from '../../../../src/controllers/codedeploy/reportHookStatus';
import { HookReportError } from '../../../../src/errors';

const clientThat = (answer: () => unknown) => {
  const calls: { command: PutLifecycleEventHookExecutionStatusCommand; options: unknown }[] = [];
  const client = {
    send: async (command: PutLifecycleEventHookExecutionStatusCommand, options: unknown) => {
      calls.push({ command, options });
      return answer();
    },
  } as unknown as CodeDeployClient;
  return { client, calls };
};

describe('reportHookStatus', () => {
  it('sends the status for the execution, with the abort signal it was given', async () => {
    const { client, calls } = clientThat(() => ({}));
    const signal = new AbortController().signal;
    const report = { deploymentId: 'd-1', executionId: 'e-1', status: 'Failed' } as const;
    expect(await reportHookStatus(client, report, signal)).toBe('reported');
    expect(calls[0]?.command).toBeInstanceOf(PutLifecycleEventHookExecutionStatusCommand);
    expect(calls[0]?.command.input).toStrictEqual({
      deploymentId: 'd-1',
      lifecycleEventHookExecutionId: 'e-1',
      status: 'Failed',
    });
    expect(calls[0]?.options).toStrictEqual({ abortSignal: signal });
  });

  it('sends no deploymentId key when the event had none, and no signal when given none', async () => {
    const { client, calls } = clientThat(() => ({}));
    await reportHookStatus(client, { deploymentId: undefined, executionId: 'e', status: 'Failed' });
    expect(calls[0]?.command.input).toStrictEqual({
      lifecycleEventHookExecutionId: 'e',
      status: 'Failed',
    });
    expect(calls[0]?.options).toStrictEqual({});
  });

  it('a status CodeDeploy already has is a duplicate invocation, not an error', async () => {
    const { client } = clientThat(() => {
      throw new LifecycleEventAlreadyCompletedException({ message: 'done', $metadata: {} });
    });
    expect(
      await reportHookStatus(client, { deploymentId: 'd', executionId: 'e', status: 'Succeeded' }),
    ).toBe('already-completed');
  });

  it('any other failure is a HookReportError saying what to check, the cause kept', async () => {
    const cause = new Error('connect ETIMEDOUT');
    const { client } = clientThat(() => {
      throw cause;
    });
    const error = await reportHookStatus(client, {
      deploymentId: undefined,
      executionId: 'e',
      status: 'Failed',
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(HookReportError);
    expect((error as Error).message).toBe(
      'Could not report Failed for deployment (unknown): Error: connect ETIMEDOUT. Check that the function can reach CodeDeploy (NAT or VPC endpoint) and may call codedeploy:PutLifecycleEventHookExecutionStatus (IAM authorises it only against Resource "*").',
    );
    expect((error as Error).cause).toBe(cause);
    const thrownText = clientThat(() => {
      throw 'socket hang up';
    });
    await expect(
      reportHookStatus(thrownText.client, {
        deploymentId: 'd-9',
        executionId: 'e',
        status: 'Failed',
      }),
    ).rejects.toThrow('Could not report Failed for deployment d-9: socket hang up. Check');
  });
});
