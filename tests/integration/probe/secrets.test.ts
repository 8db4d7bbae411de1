/**
 * Secret-sourced headers through the real reader: Powertools Parameters and the real SSM and
 * Secrets Manager SDK clients, pointed at a loopback endpoint by the standard variables.
 */

import { awsSecretReader } from '../../../src/aws/secretReader';
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import { type SecretsEndpoint, startSecretsEndpoint } from '../../helpers/localSecretsEndpoint';
import { startApp } from '../../helpers/localServers';
import { suiteOf } from '../../helpers/suites';

const saved = { ...process.env };
// One endpoint for the file: Powertools keeps its SDK clients for the life of the container.
let endpoint: SecretsEndpoint;
beforeAll(async () => {
  endpoint = await startSecretsEndpoint(
    { '/app/key': 'ssm-secret' },
    {
      'app/creds': '{"token":"sm-secret","other":"x"}',
      'app/plain': 'hunter2-plain',
      'app/other': '{"user":"hunter2-json"}',
    },
  );
  Object.assign(process.env, {
    AWS_ENDPOINT_URL_SSM: endpoint.url,
    AWS_ENDPOINT_URL_SECRETS_MANAGER: endpoint.url,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'test',
    AWS_SECRET_ACCESS_KEY: 'test',
  });
});
afterAll(async () => {
  await endpoint.stop();
  process.env = saved;
});

describe('awsSecretReader', () => {
  it('reads SSM and Secrets Manager values, decrypting and picking a JSON key, once per container', async () => {
    const app = await startApp();
    const suite = suiteOf({
      checks: [
        {
          name: 'with secrets',
          path: '/',
          headers: {
            'X-Api-Key': { secret: { ssm: '/app/key' } },
            Authorization: { secret: { secretsManager: 'app/creds', jsonKey: 'token' } },
          },
        },
      ],
    });
    const run = () =>
      runSmokeSuite({
        suite,
        hook: 'BeforeAllowTraffic',
        baseUrl: app.url,
        budget: AbortSignal.timeout(10_000),
        readSecret: awsSecretReader,
      });
    const first = await run();
    const second = await run();
    expect([first.verdict, second.verdict]).toEqual(['Succeeded', 'Succeeded']);
    expect(app.headers.map((h) => `${h['x-api-key']}|${h.authorization}`)).toEqual([
      'ssm-secret|sm-secret',
      'ssm-secret|sm-secret',
    ]);
    expect(endpoint.calls.map((c) => c.target).sort()).toEqual([
      'AmazonSSM.GetParameter',
      'secretsmanager.GetSecretValue',
    ]);
    expect(endpoint.calls.find((c) => c.target === 'AmazonSSM.GetParameter')?.body).toMatchObject({
      Name: '/app/key',
      WithDecryption: true,
    });
    expect(JSON.stringify([first, second])).not.toMatch(/ssm-secret|sm-secret/);
  });

  it('fails without quoting the secret when a jsonKey secret is not JSON or lacks the key', async () => {
    const app = await startApp();
    const resultFor = (secretId: string) =>
      runSmokeSuite({
        suite: suiteOf({
          checks: [
            {
              name: 'c',
              path: '/',
              headers: {
                Authorization: { secret: { secretsManager: secretId, jsonKey: 'token' } },
              },
            },
          ],
        }),
        hook: 'BeforeAllowTraffic',
        baseUrl: app.url,
        budget: AbortSignal.timeout(10_000),
        readSecret: awsSecretReader,
      });
    const plain = await resultFor('app/plain');
    const other = await resultFor('app/other');
    expect(plain.reason).toMatch(
      /app\/plain \(key token\) for header Authorization: .*the secret is not JSON, so key token cannot be read from it/,
    );
    expect(other.reason).toMatch(/the secret has no key token/);
    expect(JSON.stringify([plain, other])).not.toContain('hunter2');
    expect(app.paths).toEqual([]);
  });
});
