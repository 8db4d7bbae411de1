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

export const createLogger = (): Logger => new Logger({ serviceName: SERVICE_NAME });

/** Swallows everything: for the CLI, which prints its own timeline. */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
