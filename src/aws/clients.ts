/**
 * The one place that builds AWS SDK clients: the SDK's default chain (region from AWS_REGION,
 * endpoint from AWS_ENDPOINT_URL_<SERVICE> / AWS_ENDPOINT_URL, credentials from the role), enough
 * attempts to ride out a short throttle, and timeouts on every attempt.
 *
 * The SDK's default HTTP handler has no connection or request timeout: one black-holed
 * connection (a VPC with no route, a stuck NAT) would use the whole report window in a single
 * attempt. With these, a hook's safety margin holds several attempts (see
 * MIN_HOOK_SAFETY_MARGIN_MS).
 */
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { ECSClient } from '@aws-sdk/client-ecs';
import { ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { SDK_TIMEOUTS, type SdkSettings } from './sdkSettings';
import { traceClient } from './tracing';

export { SDK_ATTEMPT_MS, SDK_TIMEOUTS } from './sdkSettings';

/** Without `sdk`, the SDK reads AWS_MAX_ATTEMPTS itself. */
export const sdkClientConfig = (sdk?: SdkSettings) => ({
  ...(sdk && { maxAttempts: sdk.maxAttempts }),
  requestHandler: {
    connectionTimeout: SDK_TIMEOUTS.connectionTimeoutMs,
    requestTimeout: SDK_TIMEOUTS.requestTimeoutMs,
    // Without this, @smithy/node-http-handler only logs a warning when requestTimeout passes and
    // keeps waiting: the attempt never ends (seen against a stalled local endpoint).
    throwOnRequestTimeout: true,
  },
});

/** The clients deployment discovery reads with (S3 is loaded only for S3 revisions). */
export interface DiscoveryClients {
  readonly codeDeploy: CodeDeployClient;
  readonly elb: ElasticLoadBalancingV2Client;
  readonly ecs: ECSClient;
  /** Reads an S3 revision's text; by default the runtime SDK's S3 client, loaded on first use. */
  readonly readS3?: (bucket: string, key: string, signal: AbortSignal) => Promise<string>;
}

/** What the ECS native hook reads with: no CodeDeploy (see codeDeployClients.ts). */
export type EcsReadClients = Pick<DiscoveryClients, 'elb' | 'ecs'>;

export const createEcsReadClients = (sdk: SdkSettings): EcsReadClients => ({
  elb: traceClient(new ElasticLoadBalancingV2Client(sdkClientConfig(sdk))),
  ecs: traceClient(new ECSClient(sdkClientConfig(sdk))),
});
