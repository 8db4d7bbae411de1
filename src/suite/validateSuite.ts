/**
 * Validates a parsed suite document against the schema; the messages name the source and the
 * field. Kept apart from the YAML loader so the Lambda bundle carries no YAML parser.
 */
import type * as z from 'zod/mini';
import { ConfigError } from '../errors';
import { formatIssuePath } from './issuePath';
import { type Suite, suiteSchema } from './schema';

export { formatIssuePath } from './issuePath';

/**
 * The most specific message of an issue. A union that failed on every branch, and a record key
 * that failed its check, say only "Invalid input" / "Invalid key in record"; our own messages
 * (custom checks, patterns) sit inside them.
 */
const messageOf = (issue: z.core.$ZodIssue): string => {
  const inner =
    issue.code === 'invalid_union'
      ? issue.errors.flat()
      : issue.code === 'invalid_key' || issue.code === 'invalid_element'
        ? issue.issues
        : [];
  const specific = inner.find((i) => i.code === 'custom' || i.code === 'invalid_format');
  return specific ? messageOf(specific) : issue.message;
};

export const issueLines = (
  issues: readonly z.core.$ZodIssue[],
  locate: (path: readonly PropertyKey[]) => string,
): string[] =>
  issues.map((issue) => `${locate(issue.path)}${formatIssuePath(issue.path)}: ${messageOf(issue)}`);

export type SuiteValidation =
  | { readonly success: true; readonly suite: Suite }
  | { readonly success: false; readonly issues: readonly z.core.$ZodIssue[] };

export const checkSuite = (document: unknown): SuiteValidation => {
  const result = suiteSchema.safeParse(document);
  return result.success
    ? { success: true, suite: result.data }
    : { success: false, issues: result.error.issues };
};

/** Validates a parsed document (e.g. the JSON bundled into a Lambda). */
export const validateSuite = (document: unknown, source: string): Suite => {
  const result = checkSuite(document);
  if (result.success) return result.suite;
  throw new ConfigError(
    `Invalid smoke suite ${source}`,
    issueLines(result.issues, () => `${source}: `),
  );
};
