/**
 * The CodeDeploy client: the SDK's default chain (region from AWS_REGION, endpoint from
 * AWS_ENDPOINT_URL_CODEDEPLOY / AWS_ENDPOINT_URL, credentials from the role), plus enough retry
 * attempts to ride out a short throttle.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { SdkSettings } from '../config/env';

export const createCodeDeployClient = (sdk: SdkSettings): CodeDeployClient =>
  new CodeDeployClient({ maxAttempts: sdk.maxAttempts });
