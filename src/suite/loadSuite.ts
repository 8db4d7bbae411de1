/**
 * Turns a suite file (YAML) into a validated Suite. Errors name the file, the line and the field,
 * and list every problem at once.
 */
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isNode, LineCounter, parseDocument } from 'yaml';
import { ConfigError } from '../errors';
import type { Suite } from './schema';
import { checkSuite, issueLines } from './validateSuite';

/** Where suites live, relative to the project root; a stage picks one by name. */
export const SUITES_DIR = join('config', 'suites');

export const suiteFilePath = (projectRoot: string, suiteName: string): string =>
  join(projectRoot, SUITES_DIR, `${suiteName}.yaml`);

/** The parsed document, or a ConfigError naming the file and line. */
export const parseYamlDocument = (text: string, file: string) => {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false });
  if (doc.errors.length > 0) {
    throw new ConfigError(
      `Invalid YAML in smoke suite ${file}`,
      doc.errors.map((e) => `${file}:${lineCounter.linePos(e.pos[0]).line}: ${e.message}`),
    );
  }
  let data: unknown;
  try {
    data = doc.toJS();
  } catch (error) {
    // The yaml library refuses alias bombs ("Excessive alias count…") with a ReferenceError.
    throw new ConfigError(
      `Invalid YAML in smoke suite ${file}`,
      [
        `${file}: ${(error as Error).message}; a suite needs no more than a few aliases (*name), so expand them or split the file`,
      ],
      { cause: error },
    );
  }
  return { doc, data, lineCounter };
};

/**
 * Reads `tls.caFile` (relative to the suite file) into `tls.ca`, so the suite carries the PEM
 * itself: what the Lambda bundle embeds, with no file to find at run time.
 */
export const inlineCaFile = (data: unknown, file: string, line: () => string): unknown => {
  const tls = (data as { tls?: { caFile?: unknown } } | null)?.tls;
  if (!tls || typeof tls.caFile !== 'string') return data;
  const caPath = resolve(dirname(file), tls.caFile);
  let pem: string;
  try {
    pem = readFileSync(caPath, 'utf8');
  } catch (error) {
    throw new ConfigError(`Invalid smoke suite ${file}`, [
      `${line()}tls.caFile: cannot read ${caPath} (${(error as NodeJS.ErrnoException).code ?? String(error)}); the path is relative to the suite file`,
    ]);
  }
  if (!pem.includes('-----BEGIN CERTIFICATE-----')) {
    throw new ConfigError(`Invalid smoke suite ${file}`, [
      `${line()}tls.caFile: ${caPath} holds no PEM certificate (-----BEGIN CERTIFICATE-----)`,
    ]);
  }
  const { caFile: _, ...rest } = tls as Record<string, unknown>;
  return { ...(data as object), tls: { ...rest, ca: pem } };
};

export const lineOf = (
  doc: ReturnType<typeof parseDocument>,
  lineCounter: LineCounter,
  file: string,
  path: readonly PropertyKey[],
): string => {
  // The line of the deepest node that exists on the path: for a missing field, its parent.
  for (let depth = path.length; depth >= 0; depth--) {
    const node = doc.getIn(path.slice(0, depth) as unknown[], true);
    if (isNode(node) && node.range) return `${file}:${lineCounter.linePos(node.range[0]).line}: `;
  }
  return `${file}: `;
};

/**
 * Parses and validates suite YAML; `file` names it in messages and anchors tls.caFile. Returns
 * the suite and the plain document a Lambda bundles (tls.caFile read into tls.ca).
 */
export const parseSuite = (text: string, file: string): { suite: Suite; document: unknown } => {
  const { doc, data, lineCounter } = parseYamlDocument(text, file);
  const fail = (issues: Parameters<typeof issueLines>[0]): never => {
    throw new ConfigError(
      `Invalid smoke suite ${file}`,
      issueLines(issues, (path) => lineOf(doc, lineCounter, file, path)),
    );
  };
  const first = checkSuite(data);
  if (!first.success) return fail(first.issues);
  if (!first.suite.tls?.caFile) return { suite: first.suite, document: data };
  const document = inlineCaFile(data, file, () =>
    lineOf(doc, lineCounter, file, ['tls', 'caFile']),
  );
  const inlined = checkSuite(document);
  return inlined.success ? { suite: inlined.suite, document } : fail(inlined.issues);
};

export const parseSuiteYaml = (text: string, file: string): Suite => parseSuite(text, file).suite;

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
