/**
 * Structured JSON logging with AWS Lambda Powertools Logger (the field's standard: Lambda context,
 * log levels from POWERTOOLS_LOG_LEVEL, cold-start flag). Domain code depends on the small `Log`
 * interface so the CLI can print its own way and tests can capture lines.
 */
import { Logger } from '@aws-lambda-powertools/logger';

export interface Log {
  info(message: string, ...extra: object[]): void;
  warn(message: string, ...extra: object[]): void;
  error(message: string, ...extra: object[]): void;
}

export const SERVICE_NAME = 'ecs-bluegreen-hooks';

export const createLogger = (): Logger => new Logger({ serviceName: SERVICE_NAME });

/** Swallows everything: for the CLI, which prints its own timeline. */
export const silentLog: Log = { info: () => {}, warn: () => {}, error: () => {} };
