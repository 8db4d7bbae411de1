/**
 * Turns a suite file (YAML) or an already-parsed document into a validated Suite. Errors name the
 * file, the line and the field, and list every problem at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ConfigError } from '../errors';
import { type Suite, suiteSchema } from './schema';

/** Where suites live, relative to the project root; a stage picks one by name. */
export const SUITES_DIR = join('config', 'suites');

export const suiteFilePath = (projectRoot: string, suiteName: string): string =>
  join(projectRoot, SUITES_DIR, `${suiteName}.yaml`);

/** `checks[1].expect.status` */
export const formatIssuePath = (path: readonly PropertyKey[]): string =>
  path
    .map((key, i) => (typeof key === 'number' ? `[${key}]` : `${i === 0 ? '' : '.'}${String(key)}`))
    .join('') || '(top level)';

const issueLines = (
  issues: readonly z.core.$ZodIssue[],
  locate: (path: readonly PropertyKey[]) => string,
): string[] =>
  issues.map((issue) => `${locate(issue.path)}${formatIssuePath(issue.path)}: ${issue.message}`);

/** Validates a parsed document (e.g. the JSON bundled into a Lambda). */
export const validateSuite = (document: unknown, source: string): Suite => {
  const result = suiteSchema.safeParse(document);
  if (result.success) return result.data;
  throw new ConfigError(
    `Invalid smoke suite ${source}`,
    issueLines(result.error.issues, () => `${source}: `),
  );
};

/** Parses and validates suite YAML; `file` is only used in messages. */
export const parseSuiteYaml = (text: string, file: string): Suite => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `Invalid YAML in smoke suite ${file}`,
      doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message}`),
    );
  }
  const result = suiteSchema.safeParse(doc.toJS());
  if (result.success) return result.data;

  // The line of the deepest node that exists on the issue's path: for a missing field, its parent.
  const locate = (path: readonly PropertyKey[]): string => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}: `;
    }
    return `${file}: `;
  };
  throw new ConfigError(`Invalid smoke suite ${file}`, issueLines(result.error.issues, locate));
};

/** Reads and validates a suite file. */
export const loadSuiteFile = (file: string): Suite => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new ConfigError(`Cannot read smoke suite ${file}`, [String(error)], { cause: error });
  }
  return parseSuiteYaml(text, file);
};
