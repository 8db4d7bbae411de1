/**
 * Structured JSON logging with AWS Lambda Powertools Logger (the field's standard: Lambda context,
 * log levels from POWERTOOLS_LOG_LEVEL, cold-start flag). Domain code depends on the small `Log`
 * interface so the CLI can print its own way and tests can capture lines.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { Context } from 'aws-lambda';

export interface Log {
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
  /** Powertools adds the request id, function name and cold-start flag to every line. */
  addContext?(context: Context): void;
  /** Keys on every line until resetKeys (one invocation's deployment id and hook). */
  appendKeys?(keys: Record<string, unknown>): void;
  resetKeys?(): void;
  /** A logger of its own with the same settings (Powertools' createChild). */
  createChild?(): Log;
}

/** Attaches a real Lambda context (not the CLI's or a test's stand-in) to the log lines. */
export const attachLambdaContext = (log: Pick<Log, 'addContext'>, context: unknown): void => {
  if (
    log.addContext &&
    typeof context === 'object' &&
    context !== null &&
    'functionName' in context
  ) {
    log.addContext(context as Context);
  }
};

export const SERVICE_NAME = 'ecs-bluegreen-hooks';

/**
 * Powertools' Logger as our Log. The cast is only about typing: Powertools types a line's extra
 * input more narrowly (an Error, a string or attribute objects) than `object`, which is what the
 * domain code passes.
 */
export const createLogger = (): Log => new Logger({ serviceName: SERVICE_NAME }) as unknown as Log;

/** Swallows everything: for the CLI, which prints its own timeline. */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };

/** One invocation's log: its keys on every line, and `close()` once it has answered. */
export interface InvocationLog extends Log {
  close(): void;
}

/**
 * A log for one invocation that never shares keys with another: a child logger (Powertools)
 * with this invocation's Lambda context and keys, rather than keys appended to the shared one,
 * because work cut off by a hard stop may still be running, and logging, when the next
 * invocation starts. Lines written after the answer are marked `afterAnswer`.
 */
export const invocationLog = (
  base: Log,
  context: unknown,
  keys: Record<string, unknown>,
): InvocationLog => {
  const own = base.createChild?.();
  attachLambdaContext(own ?? base, context);
  let closed = false;
  const line =
    (level: 'info' | 'warn' | 'error') =>
    (message: string, ...extra: object[]) =>
      (own ?? base)[level](message, keys, ...(closed ? [{ afterAnswer: true }] : []), ...extra);
  return {
    info: line('info'),
    warn: line('warn'),
    error: line('error'),
    close: () => {
      closed = true;
    },
  };
};
