/** Starts loopback servers for a test file and stops them after it. */
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { type AlarmReader, cloudWatchAlarmReader } from '../../src/discovery/readAlarmStates';
import { LocalCloudWatchEndpoint } from '../../src/local/cloudWatchEndpoint';
import { LocalCodeDeployEndpoint } from '../../src/local/codeDeployEndpoint';
import { SampleApp, type SampleAppOptions } from '../../src/local/sampleApp';

const running: Array<{ stop(): Promise<void> }> = [];

afterAll(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

export const startApp = async (options: Partial<SampleAppOptions> = {}): Promise<SampleApp> => {
  const app = new SampleApp({ version: 'v2', ...options });
  await app.start();
  running.push(app);
  return app;
};

export const startCodeDeploy = async (
  options?: ConstructorParameters<typeof LocalCodeDeployEndpoint>[0],
): Promise<LocalCodeDeployEndpoint> => {
  const endpoint = new LocalCodeDeployEndpoint(options);
  await endpoint.start();
  running.push(endpoint);
  return endpoint;
};

/** A local CloudWatch endpoint and the real SDK's alarm reader pointed at it. */
export const startCloudWatch = async (): Promise<{
  endpoint: LocalCloudWatchEndpoint;
  readAlarms: AlarmReader;
}> => {
  const endpoint = new LocalCloudWatchEndpoint();
  await endpoint.start();
  running.push(endpoint);
  const client = new CloudWatchClient({
    endpoint: endpoint.url,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    maxAttempts: 2,
  });
  return { endpoint, readAlarms: cloudWatchAlarmReader(client) };
};

/**
 * Points the real AWS SDK at a local endpoint, the way a deployed function would be pointed at
 * CodeDeploy: through the standard environment variables.
 */
export const localAwsEnv = (endpointUrl: string): Record<string, string> => ({
  AWS_ENDPOINT_URL_CODEDEPLOY: endpointUrl,
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'test',
  AWS_SECRET_ACCESS_KEY: 'test',
});
