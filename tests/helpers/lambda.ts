/** Lambda-side test doubles: a context with a real deadline, and a log that keeps its lines. */
import type { Log } from '../../src/logging/logger';

export const contextWithDeadline = (ms: number) => {
  const deadline = Date.now() + ms;
  return { getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()), deadline };
};

export interface LogLine {
  readonly level: 'info' | 'warn' | 'error';
  readonly message: string;
  readonly fields: Record<string, unknown>;
}

export const captureLog = (): Log & { lines: LogLine[]; contexts: unknown[]; text(): string } => {
  const lines: LogLine[] = [];
  const contexts: unknown[] = [];
  let keys: Record<string, unknown> = {};
  const at =
    (level: LogLine['level']) =>
    (message: string, ...extra: object[]) =>
      lines.push({ level, message, fields: Object.assign({}, keys, ...extra) });
  return {
    lines,
    contexts,
    addContext: (context) => contexts.push(context),
    appendKeys: (more) => {
      keys = { ...keys, ...more };
    },
    resetKeys: () => {
      keys = {};
    },
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    text: () => JSON.stringify(lines),
  };
};
