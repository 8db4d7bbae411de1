/**
 * The SDK settings every client is built with: attempts, and timeouts on every attempt. Its own
 * module so that the configuration reader (config/env) and the client builder (aws/clients) both
 * depend on it, and not on each other.
 */

export interface SdkSettings {
  readonly maxAttempts: number;
}

export const SDK_TIMEOUTS = {
  /** TCP + TLS set-up; CodeDeploy answers from the same region in well under this. */
  connectionTimeoutMs: 1_000,
  /** From request sent to the whole answer; the attempt is abandoned after it. */
  requestTimeoutMs: 1_500,
} as const;

/** The longest one attempt can take before the SDK moves on to the next. */
export const SDK_ATTEMPT_MS = SDK_TIMEOUTS.connectionTimeoutMs + SDK_TIMEOUTS.requestTimeoutMs;
