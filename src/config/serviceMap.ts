/**
 * One deployment of the hooks for many ECS services: `config/<serviceMap>.yaml` maps each
 * CodeDeploy deployment group to its ECS service, its suite and an optional URL override.
 * Validated at `sls package` (every suite too), bundled into the hooks, and IAM is granted for
 * exactly these groups and services. A deployment of a group that is not in the map reports
 * Failed and names the file to edit.
 *
 *   services:
 *     - codeDeploy: { application: AppECS-shop-web, deploymentGroup: DgpECS-shop-web }
 *       ecs: { cluster: shop, service: web }
 *       suite: web                 # config/suites/web.yaml
 *       testListenerUrl: https://test.shop.example.com:8443   # optional override
 */
import * as z from 'zod/mini';
import { ConfigError } from '../errors';
import { parseBaseUrl } from '../probe/baseUrl';
import type { Suite } from '../suite/schema';
import { issueLines } from '../suite/validateSuite';
import '../suite/zodMessages';

const name = () => z.string().check(z.minLength(1));

export const serviceMapSchema = z.strictObject({
  services: z
    .array(
      z.strictObject({
        codeDeploy: z.strictObject({ application: name(), deploymentGroup: name() }),
        ecs: z.strictObject({ cluster: name(), service: name() }),
        suite: z
          .string()
          .check(z.regex(/^[A-Za-z0-9_-]+$/, 'a suite name: config/suites/<name>.yaml')),
        testListenerUrl: z.optional(
          z.string().check(
            z.superRefine((value, ctx) => {
              const parsed = parseBaseUrl(value, 'testListenerUrl');
              if (!parsed.ok)
                ctx.addIssue({ code: 'custom', input: value, message: parsed.problem });
            }),
          ),
        ),
      }),
    )
    .check(z.minLength(1)),
});

export type ServiceMapDocument = z.output<typeof serviceMapSchema>;

/** A service the hooks serve: its group, its ECS service, its suite (validated). */
export interface ServiceEntry {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly cluster: string;
  readonly service: string;
  readonly suite: Suite;
  readonly testListenerUrl?: string;
}

export const groupKey = (applicationName: string, deploymentGroupName: string) =>
  `${applicationName}/${deploymentGroupName}`;

/** Validates a parsed map document; `suites` turns a suite name into its validated suite. */
export const entriesOf = (
  document: unknown,
  source: string,
  suiteOf: (name: string) => Suite,
  locate: (path: readonly PropertyKey[]) => string = () => `${source}: `,
): ServiceEntry[] => {
  const result = serviceMapSchema.safeParse(document);
  if (!result.success) {
    throw new ConfigError(`Invalid service map ${source}`, issueLines(result.error.issues, locate));
  }
  const problems: string[] = [];
  const seen = new Set<string>();
  const entries: ServiceEntry[] = [];
  result.data.services.forEach((s, i) => {
    const key = groupKey(s.codeDeploy.application, s.codeDeploy.deploymentGroup);
    if (seen.has(key)) {
      problems.push(
        `${locate(['services', i, 'codeDeploy'])}services[${i}].codeDeploy: ${key} is listed twice`,
      );
    }
    seen.add(key);
    try {
      entries.push({
        applicationName: s.codeDeploy.application,
        deploymentGroupName: s.codeDeploy.deploymentGroup,
        cluster: s.ecs.cluster,
        service: s.ecs.service,
        suite: suiteOf(s.suite),
        ...(s.testListenerUrl && { testListenerUrl: s.testListenerUrl.replace(/\/+$/, '') }),
      });
    } catch (error) {
      const details = error instanceof ConfigError ? error.problems : [String(error)];
      problems.push(
        ...details.map((d) => `${locate(['services', i, 'suite'])}services[${i}].suite: ${d}`),
      );
    }
  });
  if (problems.length > 0) throw new ConfigError(`Invalid service map ${source}`, problems);
  return entries;
};
