/**
 * Revision facts in expectations: `{{container.web.imageTag}}` stands for a fact of the
 * deployment under test. The grammar is small and closed, checked when the suite loads (an
 * unknown name is a load error with file and line), and a reference is replaced by text, never
 * evaluated. A fact the deployment cannot give fails the check that uses it, with the reason.
 *
 *   deployment.id
 *   taskDefinition.arn | taskDefinition.family | taskDefinition.revision
 *   container.<name>.image | container.<name>.imageTag | container.<name>.env.<VARIABLE>
 */

const REFERENCE = /\{\{\s*([^{}]*?)\s*\}\}/g;
const NAME =
  /^(deployment\.id|taskDefinition\.(arn|family|revision)|container\.[A-Za-z0-9_-]+\.(image|imageTag)|container\.[A-Za-z0-9_-]+\.env\.[A-Za-z_][A-Za-z0-9_]*)$/;

export const FACT_GRAMMAR =
  'deployment.id, taskDefinition.arn|family|revision, container.<name>.image|imageTag, container.<name>.env.<VARIABLE>';

/** Facts of one deployment, by name; `unavailable` says why a missing one is missing. */
export interface Facts {
  readonly values: Readonly<Record<string, string>>;
  readonly unavailable?: string;
}

export const NO_FACTS: Facts = {
  values: {},
  unavailable: 'this run has no deployment (a plain URL): facts come from a deployment',
};

/** Every `{{…}}` reference in a text. */
export const referencesIn = (text: string): string[] =>
  [...text.matchAll(REFERENCE)].map((m) => m[1] as string);

/** Why a reference is not a fact name, or undefined. */
export const factNameProblem = (name: string): string | undefined =>
  NAME.test(name) ? undefined : `"{{${name}}}" is not a known fact (known: ${FACT_GRAMMAR})`;

/** Strings in a value, with their path, for load-time checks. */
export const stringsIn = (
  value: unknown,
  path: readonly PropertyKey[] = [],
): Array<{ path: PropertyKey[]; text: string }> => {
  if (typeof value === 'string') return [{ path: [...path], text: value }];
  if (Array.isArray(value)) return value.flatMap((v, i) => stringsIn(v, [...path, i]));
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.entries(value).flatMap(([k, v]) => stringsIn(v, [...path, k]));
  }
  return [];
};

class MissingFact extends Error {}

const substitute = (value: unknown, facts: Facts): unknown => {
  if (typeof value === 'string') {
    return value.replace(REFERENCE, (_, name: string) => {
      const fact = facts.values[name];
      if (fact === undefined) {
        throw new MissingFact(
          `fact {{${name}}} is not known for this deployment${facts.unavailable ? `: ${facts.unavailable}` : ''}`,
        );
      }
      return fact;
    });
  }
  if (Array.isArray(value)) return value.map((v) => substitute(v, facts));
  // Only plain objects: RegExp and other values are kept as they are.
  if (
    value !== null &&
    typeof value === 'object' &&
    Object.getPrototypeOf(value) === Object.prototype
  ) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, substitute(v, facts)]));
  }
  return value;
};

/** The expectation with its facts filled in, or the reason it cannot be. */
export const withFacts = <E>(
  expect: E,
  facts: Facts,
): { ok: true; expect: E } | { ok: false; reason: string } => {
  if (!stringsIn(expect).some((s) => s.text.includes('{{'))) return { ok: true, expect };
  try {
    return { ok: true, expect: substitute(expect, facts) as E };
  } catch (error) {
    if (error instanceof MissingFact) return { ok: false, reason: error.message };
    throw error;
  }
};
