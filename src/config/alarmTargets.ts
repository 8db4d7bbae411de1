/**
 * What an alarm stops: a CodeDeploy deployment group, or an ECS service (ECS native blue/green),
 * and ALARM_ROUTES, which names other targets per alarm.
 */
import * as z from 'zod/mini';
import '../suite/zodMessages';

export interface DeploymentGroupRef {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

/** An ECS service deployed by ECS native blue/green. */
export interface EcsServiceRef {
  readonly cluster: string;
  readonly service: string;
}

/** What an alarm stops: a CodeDeploy deployment group, or an ECS service. */
export type AlarmTarget = DeploymentGroupRef | EcsServiceRef;

export const isEcsTarget = (t: AlarmTarget): t is EcsServiceRef => 'cluster' in t;

export const targetLabel = (t: AlarmTarget): string =>
  isEcsTarget(t)
    ? `ECS service ${t.cluster}/${t.service}`
    : `${t.applicationName}/${t.deploymentGroupName}`;

const groupRoute = z.strictObject({
  application: z.string().check(z.minLength(1)),
  deploymentGroup: z.string().check(z.minLength(1)),
});
const ecsRoute = z.strictObject({
  ecsService: z.strictObject({
    cluster: z.string().check(z.minLength(1)),
    service: z.string().check(z.minLength(1)),
  }),
});
/** The branch is chosen by the entry's shape, so an error names the field that is wrong. */
const alarmRoutesSchema = z.record(
  z.string().check(z.minLength(1)),
  z
    .array(
      z.pipe(
        z.unknown(),
        z.transform((entry, ctx) => {
          const schema =
            entry !== null && typeof entry === 'object' && 'ecsService' in entry
              ? ecsRoute
              : groupRoute;
          const result = schema.safeParse(entry);
          if (result.success)
            return result.data as z.output<typeof groupRoute> | z.output<typeof ecsRoute>;
          for (const issue of result.error.issues)
            ctx.issues.push({ ...issue, input: entry } as never);
          return z.NEVER;
        }),
      ),
    )
    .check(z.minLength(1)),
);

/**
 * ALARM_ROUTES as JSON: {"<alarm name>": [{"application": "…", "deploymentGroup": "…"} or
 * {"ecsService": {"cluster": "…", "service": "…"}}]}. Problems are returned, named by `name`.
 */
export const parseAlarmRoutes = (
  name: string,
  raw: string,
): { routes: ReadonlyMap<string, readonly AlarmTarget[]>; problems: string[] } => {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    return { routes: new Map(), problems: [`${name} is not valid JSON: ${raw.slice(0, 60)}`] };
  }
  const result = alarmRoutesSchema.safeParse(parsed);
  if (!result.success) {
    return {
      routes: new Map(),
      problems: result.error.issues.map(
        (issue) =>
          `${name}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`,
      ),
    };
  }
  return {
    routes: new Map(
      Object.entries(result.data).map(([alarm, targets]) => [
        alarm,
        targets.map(
          (t): AlarmTarget =>
            'ecsService' in t
              ? { cluster: t.ecsService.cluster, service: t.ecsService.service }
              : { applicationName: t.application, deploymentGroupName: t.deploymentGroup },
        ),
      ]),
    ),
    problems: [],
  };
};
