/**
 * The cold-start reference: what a team writes by hand from the AWS documentation's hook sample.
 * One GET with axios, then PutLifecycleEventHookExecutionStatus with the same SDK client. The
 * bench bundles it exactly as serverless-esbuild bundles ours. Never deployed.
 */
import {
  CodeDeployClient,
  PutLifecycleEventHookExecutionStatusCommand,
} from '@aws-sdk/client-codedeploy';
import axios from 'axios';

const client = new CodeDeployClient({});

export const handler = async (event: {
  DeploymentId: string;
  LifecycleEventHookExecutionId: string;
}) => {
  let status: 'Succeeded' | 'Failed' = 'Succeeded';
  try {
    const res = await axios.get(`${process.env.TEST_LISTENER_URL}/`, { timeout: 5_000 });
    if (res.status !== 200) status = 'Failed';
  } catch {
    status = 'Failed';
  }
  await client.send(
    new PutLifecycleEventHookExecutionStatusCommand({
      deploymentId: event.DeploymentId,
      lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId,
      status,
    }),
  );
  return status;
};
