/**
 * Resolves header values that reference secrets (SSM Parameter Store SecureString or Secrets
 * Manager) at run time. Values are cached for the life of the container by Powertools Parameters
 * and never logged: callers get the names of secret-sourced headers to redact.
 */
import { SecretResolutionError } from '../errors';
import type { HeaderValue, SecretRef } from './schema';

/** A warm container re-reads a secret at most this often, so a rotation is picked up. */
const SECRET_CACHE_SECONDS = 900;

export type SecretReader = (ref: SecretRef) => Promise<string>;

export const describeSecretRef = (ref: SecretRef): string =>
  'ssm' in ref
    ? `SSM parameter ${ref.ssm}`
    : `Secrets Manager secret ${ref.secretsManager}${ref.jsonKey ? ` (key ${ref.jsonKey})` : ''}`;

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

/** Reads secrets from AWS. The SDK clients are loaded only when a suite uses a secret. */
export const awsSecretReader: SecretReader = async (ref) => {
  let value: unknown;
  if ('ssm' in ref) {
    const { getParameter } = await import('@aws-lambda-powertools/parameters/ssm');
    value = await getParameter(ref.ssm, { decrypt: true, maxAge: SECRET_CACHE_SECONDS });
  } else {
    const { getSecret } = await import('@aws-lambda-powertools/parameters/secrets');
    value = await getSecret(ref.secretsManager, { maxAge: SECRET_CACHE_SECONDS });
    if (ref.jsonKey !== undefined && typeof value === 'string') {
      value = pickJsonKey(value, ref.jsonKey);
    }
  }
  if (typeof value !== 'string') throw new Error('no string value');
  return value;
};

export interface ResolvedHeaders {
  readonly values: Record<string, string>;
  /** Lower-case names of the headers whose value came from a secret. */
  readonly secretHeaders: ReadonlySet<string>;
}

export const resolveHeaders = async (
  headers: Readonly<Record<string, HeaderValue>>,
  readSecret: SecretReader,
): Promise<ResolvedHeaders> => {
  const values: Record<string, string> = {};
  const secretHeaders = new Set<string>();
  await Promise.all(
    Object.entries(headers).map(async ([name, value]) => {
      if (typeof value === 'string') {
        values[name] = value;
        return;
      }
      secretHeaders.add(name.toLowerCase());
      try {
        values[name] = await readSecret(value.secret);
      } catch (error) {
        throw new SecretResolutionError(
          `Cannot read ${describeSecretRef(value.secret)} for header ${name}: check that it exists and that the function's role may read it (${error instanceof Error ? error.message : String(error)})`,
          { cause: error },
        );
      }
    }),
  );
  return { values, secretHeaders };
};
