/** Starts loopback servers for a test file and stops them after it. */
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
