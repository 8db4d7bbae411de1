/**
 * Secret header values read from AWS: SSM parameters and Secrets Manager secrets, through
 * Powertools Parameters on our own SDK clients (the same timeouts as every other AWS call),
 * cached for 15 minutes, one request per secret per container. The probe room only knows the
 * SecretReader type; the controllers and the CLI hand this reader in.
 */

import { type SecretReader, sharedSecretReader } from '../probe/secrets';
import type { SecretRef } from '../suite/schema';
import { sdkClientConfig } from './clients';

/** How long a read secret is reused (Powertools' cache). */
const SECRET_CACHE_SECONDS = 900;

/** A key of a JSON secret. Parse errors are replaced: V8's message quotes the secret's text. */
const pickJsonKey = (secret: string, key: string): unknown => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(secret);
  } catch {
    throw new Error(`the secret is not JSON, so key ${key} cannot be read from it`);
  }
  if (parsed === null || typeof parsed !== 'object' || !Object.hasOwn(parsed, key)) {
    throw new Error(`the secret has no key ${key}`);
  }
  return (parsed as Record<string, unknown>)[key];
};

/**
 * Providers built on our own SDK clients, so reads have the same connection and request timeouts
 * as every other AWS call. Loaded only when a suite uses a secret (the Lambda runtime's SDK).
 */
let providers:
  | Promise<{
      ssm: import('@aws-lambda-powertools/parameters/ssm').SSMProvider;
      secrets: import('@aws-lambda-powertools/parameters/secrets').SecretsProvider;
    }>
  | undefined;
const loadProviders = () => {
  providers ??= (async () => {
    const [{ SSMProvider }, { SecretsProvider }, { SSMClient }, { SecretsManagerClient }] =
      await Promise.all([
        import('@aws-lambda-powertools/parameters/ssm'),
        import('@aws-lambda-powertools/parameters/secrets'),
        import('@aws-sdk/client-ssm'),
        import('@aws-sdk/client-secrets-manager'),
      ]);
    return {
      ssm: new SSMProvider({ awsSdkV3Client: new SSMClient(sdkClientConfig()) }),
      secrets: new SecretsProvider({
        awsSdkV3Client: new SecretsManagerClient(sdkClientConfig()),
      }),
    };
  })();
  return providers;
};

const readFromAws = async (ref: SecretRef): Promise<string> => {
  const { ssm, secrets } = await loadProviders();
  let value: unknown;
  if ('ssm' in ref) {
    value = await ssm.get(ref.ssm, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
  } else {
    value = await secrets.get(ref.secretsManager, { maxAge: SECRET_CACHE_SECONDS });
    if (ref.jsonKey !== undefined && typeof value === 'string') {
      value = pickJsonKey(value, ref.jsonKey);
    }
  }
  if (typeof value !== 'string') throw new Error('no string value');
  return value;
};

/** Reads secrets from AWS, one request per secret per container (and per cache period). */
export const awsSecretReader: SecretReader = sharedSecretReader(readFromAws);
