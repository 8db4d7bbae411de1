/**
 * Judges one HTTP response against a check's expectations. Pure: the first unmet expectation is
 * returned as a reason an operator can act on, `undefined` when everything holds.
 */

import { isDeepStrictEqual } from 'node:util';
import type { ObservedResponse } from '../probe/httpMessages';
import { isSensitiveHeader, REDACTED } from '../probe/redact';
import type { Expectation, StatusExpectation } from '../suite/schema';

export type { ObservedResponse } from '../probe/httpMessages';

const MAX_QUOTED = 80;
const quote = (text: string): string =>
  JSON.stringify(text.length > MAX_QUOTED ? `${text.slice(0, MAX_QUOTED)}…` : text);

export const statusMatches = (expected: StatusExpectation, status: number): boolean =>
  'oneOf' in expected
    ? expected.oneOf.includes(status)
    : status >= expected.min && status <= expected.max;

/** Reads `a.b[0].c` from a parsed JSON value; `found: false` when any step is missing. */
export const readJsonPath = (value: unknown, path: string): { found: boolean; value?: unknown } => {
  const steps = path.match(/[^.[\]]+/g) ?? [];
  let current: unknown = value;
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return { found: false };
    const container = current as Record<string, unknown>;
    if (!Object.hasOwn(container, step)) return { found: false };
    current = container[step];
  }
  return { found: true, value: current };
};

const checkHeaders = (expect: Expectation, headers: ObservedResponse['headers']) => {
  for (const [rawName, rule] of Object.entries(expect.headers)) {
    const name = rawName.toLowerCase();
    const actual = headers[name];
    const shown = (v: string) => (isSensitiveHeader(name) ? REDACTED : quote(v));
    if ('present' in rule) {
      if ((actual !== undefined) !== rule.present) {
        return `header ${name} is ${actual === undefined ? 'missing' : 'present'}, expected it ${rule.present ? 'present' : 'absent'}`;
      }
      continue;
    }
    if (actual === undefined) return `header ${name} is missing`;
    if ('equals' in rule && actual !== rule.equals) {
      return `header ${name} is ${shown(actual)}, expected ${shown(rule.equals)}`;
    }
    if ('contains' in rule && !actual.includes(rule.contains)) {
      return `header ${name} is ${shown(actual)}, expected it to contain ${shown(rule.contains)}`;
    }
    if ('matches' in rule && !rule.matches.test(actual)) {
      return `header ${name} is ${shown(actual)}, expected it to match ${rule.matches}`;
    }
  }
  return undefined;
};

const cutNote = (response: ObservedResponse): string =>
  response.bodyCutAt === undefined
    ? ''
    : ` (judged on the first ${response.bodyCutAt} bytes: the body is larger)`;

const checkJson = (expect: Expectation, response: ObservedResponse) => {
  if (expect.json.length === 0) return undefined;
  if (response.bodyCutAt !== undefined) {
    return `body is larger than ${response.bodyCutAt} bytes, so its JSON was not read; point JSON checks at a smaller document`;
  }
  const body = response.body;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    return `body is not JSON (starts with ${quote(body)})`;
  }
  for (const rule of expect.json) {
    const { found, value } = readJsonPath(parsed, rule.path);
    if ('exists' in rule) {
      if (found !== rule.exists) {
        return `JSON field ${rule.path} is ${found ? 'present' : 'missing'}, expected it ${rule.exists ? 'present' : 'absent'}`;
      }
    } else if (!found) {
      return `JSON field ${rule.path} is missing, expected ${JSON.stringify(rule.equals)}`;
    } else if (!isDeepStrictEqual(value, rule.equals)) {
      return `JSON field ${rule.path} is ${JSON.stringify(value)}, expected ${JSON.stringify(rule.equals)}`;
    }
  }
  return undefined;
};

/** The first unmet expectation, or undefined when the response passes. */
export const findUnmetExpectation = (
  expect: Expectation,
  response: ObservedResponse,
): string | undefined => {
  if (!statusMatches(expect.status, response.status)) {
    const location = response.headers.location;
    // A redirect that fails a check is usually HTTP→HTTPS or a missing trailing slash: show it.
    const where =
      response.status >= 300 && response.status < 400 && location
        ? ` (Location: ${quote(location)})`
        : '';
    return `status ${response.status}, expected ${expect.status.text}${where}`;
  }
  if (response.truncated) {
    return 'truncated body: the connection closed before the whole body (Content-Length) arrived';
  }
  const headerProblem = checkHeaders(expect, response.headers);
  if (headerProblem) return headerProblem;
  for (const needle of expect.bodyContains) {
    if (!response.body.includes(needle)) {
      return `body does not contain ${quote(needle)}${cutNote(response)}`;
    }
  }
  // Stateless: a g or y flag is refused when the suite loads (lastIndex would carry over).
  if (expect.bodyMatches && response.body.search(expect.bodyMatches) === -1) {
    return `body does not match ${expect.bodyMatches}${cutNote(response)}`;
  }
  const jsonProblem = checkJson(expect, response);
  if (jsonProblem) return jsonProblem;
  if (expect.maxLatencyMs !== undefined && response.latencyMs > expect.maxLatencyMs) {
    return `latency ${Math.round(response.latencyMs)} ms, expected at most ${expect.maxLatencyMs} ms`;
  }
  return undefined;
};
