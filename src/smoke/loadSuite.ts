/**
 * Turns a suite file (YAML) into a validated Suite. Errors name the file, the line and the field,
 * and list every problem at once.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import type { Suite } from './schema';
import { checkSuite, issueLines } from './validateSuite';

/** Where suites live, relative to the project root; a stage picks one by name. */
export const SUITES_DIR = join('config', 'suites');

export const suiteFilePath = (projectRoot: string, suiteName: string): string =>
  join(projectRoot, SUITES_DIR, `${suiteName}.yaml`);

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
  const result = checkSuite(doc.toJS());
  if (result.success) return result.suite;

  // The line of the deepest node that exists on the issue's path: for a missing field, its parent.
  const locate = (path: readonly PropertyKey[]): string => {
    for (let depth = path.length; depth >= 0; depth--) {
      const node = doc.getIn(path.slice(0, depth) as unknown[], true);
      if (isNode(node) && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}: `;
    }
    return `${file}: `;
  };
  throw new ConfigError(`Invalid smoke suite ${file}`, issueLines(result.issues, locate));
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
