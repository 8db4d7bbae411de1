/**
 * The CodeDeploy client and the CodeDeploy hooks' discovery clients. Apart from clients.ts so
 * that the ECS native hook's bundle leaves the CodeDeploy client out: it is CommonJS, which
 * esbuild cannot tree-shake, so only not importing it keeps ~90 KiB out of that cold start.
 */
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { createEcsReadClients, type DiscoveryClients, sdkClientConfig } from './clients';
import type { SdkSettings } from './sdkSettings';
import { traceClient } from './tracing';

export const createCodeDeployClient = (sdk: SdkSettings): CodeDeployClient =>
  traceClient(new CodeDeployClient(sdkClientConfig(sdk)));

export const createDiscoveryClients = (
  sdk: SdkSettings,
  codeDeploy = createCodeDeployClient(sdk),
): DiscoveryClients => ({ codeDeploy, ...createEcsReadClients(sdk) });
