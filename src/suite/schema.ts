/**
 * The smoke suite language: what a suite file may say, its defaults, and the typed values the
 * engine runs on. Validation happens once, at the edge (package time, cold start, CLI start).
 * Its parts: stages.ts (hook and stage names), primitives.ts (defaults, statuses, headers,
 * paths), checks.ts (checks and suite settings), streams.ts (sampled, compare, watch); which
 * checks run where is selection.ts.
 */
import * as z from 'zod/mini';
import { analysis } from './analysis';
import { check, ecsSettings, readiness, retry, tls } from './checks';
import { closeMatches } from './closeMatches';
import { factNameProblem, referencesIn, stringsIn } from './facts';
import { RESERVED_NAMES } from './itemNames';
import { milliseconds, nonEmpty, positiveInt, SUITE_DEFAULTS, tagSafe } from './primitives';
import { HOOK_NAMES } from './stages';
import { compare, sampled, watch } from './streams';

export * from './analysis';
export * from './checks';
export * from './primitives';
export * from './stages';
export * from './streams';

export const suiteSchema = z
  .strictObject({
    name: nonEmpty(),
    concurrency: z._default(positiveInt().check(z.maximum(64)), SUITE_DEFAULTS.concurrency),
    timeoutMs: z._default(milliseconds(), SUITE_DEFAULTS.timeoutMs),
    retry: z.prefault(retry, {}),
    tls: z.optional(tls),
    ecs: z.prefault(ecsSettings, {}),
    readiness: z.optional(readiness),
    checks: z.array(check).check(z.minLength(1)),
    /** Sampled-traffic checks: run after the checks pass, one at a time. */
    sampled: z._default(z.array(sampled), []),
    /** Green against blue: run after the checks pass, one at a time. */
    compare: z._default(z.array(compare), []),
    /** The production watch: AfterAllowTraffic, or POST_PRODUCTION_TRAFFIC_SHIFT in slices. */
    watch: z.optional(watch),
    /**
     * Canary analysis of real user traffic from the load balancer's metrics, green's target group
     * against blue's, at every ECS PRODUCTION_TRAFFIC_SHIFT step (src/suite/analysis.ts).
     */
    analysis: z.optional(analysis),
    /**
     * The operator's escape hatch, off unless set: a deployment marked with `marker` passes
     * without checks, logged and counted (CodeDeploy: the deployment's description; ECS: a tag
     * value of the task definition it deploys). For when the smoke test itself is what is broken.
     */
    skipSmoke: z.optional(
      z.strictObject({
        // Three characters at least, also as ECS reads it (tag-safe characters only): a marker
        // that short, text contains by chance, and the deployment skips for real.
        marker: z._default(
          nonEmpty().check(
            z.refine((m) => tagSafe(m).length >= 3, {
              message:
                'needs at least 3 letters, digits, spaces or + - = . _ : / @ (the characters an ECS tag can hold)',
            }),
          ),
          SUITE_DEFAULTS.skipMarker,
        ),
      }),
    ),
    /** Which checks run in which hook; a hook not listed runs every check. */
    hooks: z._default(
      z.partialRecord(z.enum(HOOK_NAMES), z.array(nonEmpty()).check(z.minLength(1))),
      {},
    ),
  })
  .check(
    z.superRefine((suite, ctx) => {
      const names = new Set<string>();
      suite.checks.forEach((c, i) => {
        // Revision facts: a closed grammar, checked here so a typo is a load error.
        for (const { path, text } of stringsIn(c.expect, ['checks', i, 'expect'])) {
          for (const name of referencesIn(text)) {
            const problem = factNameProblem(name);
            if (problem) ctx.addIssue({ code: 'custom', input: text, path, message: problem });
          }
        }
        // Facts are text, filled in by replacement: inside a regular expression they would be
        // neither checked nor filled in, so they are refused where they are written.
        const regexes: Array<[PropertyKey[], RegExp]> = [
          ...(c.expect.bodyMatches
            ? [
                [['checks', i, 'expect', 'bodyMatches'], c.expect.bodyMatches] as [
                  PropertyKey[],
                  RegExp,
                ],
              ]
            : []),
          ...Object.entries(c.expect.headers).flatMap(
            ([h, e]): Array<[PropertyKey[], RegExp]> =>
              'matches' in e ? [[['checks', i, 'expect', 'headers', h, 'matches'], e.matches]] : [],
          ),
        ];
        for (const [path, re] of regexes) {
          const facts = referencesIn(re.source);
          if (facts.length > 0) {
            ctx.addIssue({
              code: 'custom',
              input: re.source,
              path,
              message: `{{${facts[0]}}} inside a regular expression is neither checked nor filled in; compare a fact as text instead (bodyContains, a header's equals or contains, or json equals)`,
            });
          }
        }
        if (names.has(c.name)) {
          ctx.addIssue({
            code: 'custom',
            input: c.name,
            path: ['checks', i, 'name'],
            message: `duplicate check name "${c.name}"`,
          });
        }
        names.add(c.name);
      });
      // The verdict knows the watch and the analysis by name: a check must not stand in for them.
      for (const section of ['checks', 'sampled', 'compare'] as const) {
        suite[section].forEach((c, i) => {
          if (RESERVED_NAMES.includes(c.name)) {
            ctx.addIssue({
              code: 'custom',
              input: c.name,
              path: [section, i, 'name'],
              message: `"${c.name}" is the name of the suite's ${c.name}; give this check another name`,
            });
          }
        });
      }
      for (const section of ['sampled', 'compare'] as const) {
        suite[section].forEach((c, i) => {
          if (names.has(c.name)) {
            ctx.addIssue({
              code: 'custom',
              input: c.name,
              path: [section, i, 'name'],
              message: `duplicate check name "${c.name}"`,
            });
          }
          names.add(c.name);
        });
      }
      for (const hook of HOOK_NAMES) {
        suite.hooks[hook]?.forEach((name, i) => {
          if (!names.has(name)) {
            ctx.addIssue({
              code: 'custom',
              input: name,
              path: ['hooks', hook, i],
              message: `no check is named "${name}"${didYouMean(name, names)}`,
            });
          }
        });
      }
    }),
  );

/** A few close names, never the whole list (a suite may have hundreds of checks). */
const didYouMean = (name: string, known: Iterable<string>): string => {
  const close = closeMatches(name, known, 3);
  return close.length > 0 ? `; did you mean ${close.map((n) => `"${n}"`).join(', ')}?` : '';
};

export type SuiteInput = z.input<typeof suiteSchema>;
export type Suite = z.output<typeof suiteSchema>;
export type Check = Suite['checks'][number];
