/**
 * Resolves header values that reference secrets (SSM Parameter Store SecureString or Secrets
 * Manager) at run time, through a SecretReader handed in (aws/secretReader.ts reads AWS). Reads
 * are shared (one request per secret, however many checks use it) and bounded by the suite's
 * budget, and values are never logged: callers get the names of secret-sourced headers to
 * redact.
 */
import { SecretResolutionError } from '../errors';
import type { HeaderValue, SecretRef } from '../suite/schema';

/** Reads one secret; rejects when `signal` aborts. */
export type SecretReader = (ref: SecretRef, signal: AbortSignal) => Promise<string>;

/** For runs given no reader: a suite that names a secret fails, saying so. */
export const noSecretReader: SecretReader = async (ref) => {
  throw new Error(`${describeSecretRef(ref)}: this run was given no secret reader`);
};

export const describeSecretRef = (ref: SecretRef): string =>
  'ssm' in ref
    ? `SSM parameter ${ref.ssm}`
    : `Secrets Manager secret ${ref.secretsManager}${ref.jsonKey ? ` (key ${ref.jsonKey})` : ''}`;

/** Rejects with the signal's abort instead of waiting for `promise` past it. */
const untilAborted = <T>(promise: Promise<T>, signal: AbortSignal): Promise<T> =>
  new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new SecretTimeout());
    if (signal.aborted) return onAbort();
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });

class SecretTimeout extends Error {
  public constructor() {
    super('no answer before the time budget ran out');
    this.name = 'SecretTimeout';
  }
}

/**
 * Shares reads of the same secret: concurrent checks (and the readiness gate) wait on one
 * request. A read that fails or was given up on is forgotten, so the next invocation tries again.
 */
export const sharedSecretReader = (read: (ref: SecretRef) => Promise<string>): SecretReader => {
  const inFlight = new Map<string, Promise<string>>();
  return (ref, signal) => {
    const key = JSON.stringify(ref);
    let pending = inFlight.get(key);
    if (!pending) {
      pending = read(ref).finally(() => inFlight.delete(key));
      // Settled reads leave the map; Powertools' cache serves warm invocations.
      pending.catch(() => {});
      inFlight.set(key, pending);
    }
    return untilAborted(pending, signal).catch((error: unknown) => {
      // A read the budget gave up on may hang for ever (no route): let the next one start afresh.
      if (error instanceof SecretTimeout) inFlight.delete(key);
      throw error;
    });
  };
};

/** Why a read failed, with the likely cause for the operator. */
const explainFailure = (ref: SecretRef, error: unknown): string => {
  const service = 'ssm' in ref ? 'SSM (ssm)' : 'Secrets Manager (secretsmanager)';
  if (error instanceof SecretTimeout) {
    return `no answer before the time budget ran out. A function in a VPC needs a route to ${service}: a NAT gateway or a VPC interface endpoint`;
  }
  const name = error instanceof Error ? error.name : '';
  const message = error instanceof Error ? error.message : String(error);
  if (/AccessDenied/i.test(name) || /not authorized|AccessDenied/i.test(message)) {
    return `access denied (${message}). The function's role needs ${'ssm' in ref ? 'ssm:GetParameter' : 'secretsmanager:GetSecretValue'} on it (sls package grants exactly the suite's secrets), and kms:Decrypt when a customer-managed KMS key encrypts it`;
  }
  if (/ParameterNotFound|ResourceNotFound/i.test(name)) {
    return `it does not exist in this account and region (${name})`;
  }
  return `${name ? `${name}: ` : ''}${message}`;
};

export interface ResolvedHeaders {
  readonly values: Record<string, string>;
  /** Lower-case names of the headers whose value came from a secret. */
  readonly secretHeaders: ReadonlySet<string>;
}

/** `h` with `defaults` added where it does not set the header itself (names are case-blind). */
export const withDefaultHeaders = (
  h: ResolvedHeaders,
  defaults: Readonly<Record<string, string>> | undefined,
): ResolvedHeaders => {
  if (!defaults) return h;
  const own = new Set(Object.keys(h.values).map((n) => n.toLowerCase()));
  const added = Object.entries(defaults).filter(([n]) => !own.has(n.toLowerCase()));
  return { ...h, values: { ...Object.fromEntries(added), ...h.values } };
};

export const resolveHeaders = async (
  headers: Readonly<Record<string, HeaderValue>>,
  readSecret: SecretReader,
  signal: AbortSignal,
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
        values[name] = await readSecret(value.secret, signal);
      } catch (error) {
        throw new SecretResolutionError(
          `Cannot read ${describeSecretRef(value.secret)} for header ${name}: ${explainFailure(value.secret, error)}`,
          { cause: error },
        );
      }
    }),
  );
  return { values, secretHeaders };
};
