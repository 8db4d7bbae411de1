/**
 * The one place that reads environment variables. Every default is written here, once, and a
 * reader reports every missing or malformed variable in one error instead of the first only.
 */
import * as z from 'zod/mini';
import { SDK_ATTEMPT_MS, type SdkSettings } from '../aws/sdkSettings';
import { ConfigError } from '../errors';
import { parseBaseUrl } from '../probe/baseUrl';
import '../suite/zodMessages';

/** Defaults, documented in the README's runtime contract. */
export const ENV_DEFAULTS = {
  /** Time kept back from the Lambda deadline to report to CodeDeploy (SDK retries included). */
  HOOK_SAFETY_MARGIN_MS: 10_000,
  /** SDK attempts per call: rides out a short throttle (standard mode backs off exponentially). */
  AWS_MAX_ATTEMPTS: 5,
  ALARM_ROLLBACK_DRY_RUN: false,
  /** Prove that the test listener routes only to green before any check. */
  ROUTING_PROOF: true,
} as const;

/**
 * The report needs room for three SDK attempts, each bounded by the client's timeouts, plus
 * their backoff: a smaller margin turns one slow attempt into a hook that never reports.
 */
export const MIN_HOOK_SAFETY_MARGIN_MS = 3 * SDK_ATTEMPT_MS + 500;

type Env = Readonly<Record<string, string | undefined>>;

export interface EnvReadOptions {
  /**
   * Variables whose value only CloudFormation knows (given as `Ref`, `Fn::Join`…): at package
   * time they are not checked, at cold start they are real strings and are.
   */
  readonly deferred?: ReadonlySet<string>;
}

/** Collects problems while typed values are read, then throws them all at once. */
class EnvReader {
  private readonly problems: string[] = [];
  private readonly deferred: ReadonlySet<string>;

  public constructor(
    private readonly env: Env,
    options: EnvReadOptions = {},
  ) {
    this.deferred = options.deferred ?? new Set();
  }

  /** Known only at deploy time: nothing to check now. */
  public isDeferred(name: string): boolean {
    return this.deferred.has(name);
  }

  public requiredString(name: string): string {
    if (this.isDeferred(name)) return '';
    const value = this.env[name]?.trim();
    if (!value) {
      this.problems.push(`${name} is not set`);
      return '';
    }
    return value;
  }

  /** An optional base URL: checked when set. */
  public optionalHttpUrl(name: string): string | undefined {
    if (this.isDeferred(name) || this.optionalString(name) === undefined) return undefined;
    return this.httpUrl(name) || undefined;
  }

  public optionalString(name: string): string | undefined {
    const value = this.env[name]?.trim();
    return value ? value : undefined;
  }

  public httpUrl(name: string): string {
    const value = this.requiredString(name);
    if (!value) return '';
    const parsed = parseBaseUrl(value, name);
    if (!parsed.ok) {
      this.problems.push(parsed.problem);
      return '';
    }
    return parsed.url;
  }

  public positiveInt(name: string, fallback: number, min = 1): number {
    const raw = this.isDeferred(name) ? undefined : this.optionalString(name);
    if (raw === undefined) return fallback;
    const value = Number(raw);
    if (!Number.isSafeInteger(value) || value <= 0) {
      this.problems.push(`${name} must be a positive integer, got "${raw}"`);
      return fallback;
    }
    if (value < min) {
      this.problems.push(`${name} must be at least ${min}, got ${value}`);
      return fallback;
    }
    return value;
  }

  public boolean(name: string, fallback: boolean): boolean {
    const raw = this.isDeferred(name) ? undefined : this.optionalString(name)?.toLowerCase();
    if (raw === undefined) return fallback;
    if (['true', '1', 'yes'].includes(raw)) return true;
    if (['false', '0', 'no'].includes(raw)) return false;
    this.problems.push(`${name} must be true or false, got "${raw}"`);
    return fallback;
  }

  /**
   * ALARM_ROUTES as JSON: {"<alarm name>": [{"application": "…", "deploymentGroup": "…"} or
   * {"ecsService": {"cluster": "…", "service": "…"}}]}.
   */
  public alarmRoutes(name: string): ReadonlyMap<string, readonly AlarmTarget[]> {
    const raw = this.isDeferred(name) ? undefined : this.optionalString(name);
    if (raw === undefined) return new Map();
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      this.problems.push(`${name} is not valid JSON: ${raw.slice(0, 60)}`);
      return new Map();
    }
    const result = alarmRoutesSchema.safeParse(parsed);
    if (!result.success) {
      for (const issue of result.error.issues) {
        this.problems.push(
          `${name}: ${issue.path.map(String).join('.') || '(top level)'}: ${issue.message}`,
        );
      }
      return new Map();
    }
    return new Map(
      Object.entries(result.data).map(([alarm, targets]) => [
        alarm,
        targets.map(
          (t): AlarmTarget =>
            'ecsService' in t
              ? { cluster: t.ecsService.cluster, service: t.ecsService.service }
              : { applicationName: t.application, deploymentGroupName: t.deploymentGroup },
        ),
      ]),
    );
  }

  public problem(text: string): void {
    this.problems.push(text);
  }

  public done<T>(what: string, value: T): T {
    if (this.problems.length > 0) throw new ConfigError(what, this.problems);
    return value;
  }
}

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

export type { SdkSettings } from '../aws/sdkSettings';

export interface HookSettings {
  /** An override of the discovered test listener URL; absent: discovered from the deployment. */
  readonly testListenerUrl?: string;
  /**
   * An override of the discovered production listener URL (blue's side of a comparison, the
   * production watch); absent: discovered from the deployment.
   */
  readonly productionListenerUrl?: string;
  /** Prove the test listener routes only to green before any check (ROUTING_PROOF). */
  readonly routingProof: boolean;
  /** The deployment group this function serves; a deployment of another group is refused. */
  readonly serves?: DeploymentGroupRef;
  readonly safetyMarginMs: number;
  readonly sdk: SdkSettings;
}

export interface AlarmSettings {
  /** What an alarm stops unless ALARM_ROUTES names others for it. */
  readonly defaultTarget: AlarmTarget;
  readonly routes: ReadonlyMap<string, readonly AlarmTarget[]>;
  readonly dryRun: boolean;
  readonly sdk: SdkSettings;
}

const readSdk = (reader: EnvReader): SdkSettings => ({
  maxAttempts: reader.positiveInt('AWS_MAX_ATTEMPTS', ENV_DEFAULTS.AWS_MAX_ATTEMPTS),
});

/** Settings of the lifecycle-hook functions. Throws a ConfigError listing every problem. */
export const readHookSettings = (
  env: Env = process.env,
  options: EnvReadOptions = {},
): HookSettings => {
  const reader = new EnvReader(env, options);
  const testListenerUrl = reader.optionalHttpUrl('TEST_LISTENER_URL');
  const productionListenerUrl = reader.optionalHttpUrl('PRODUCTION_LISTENER_URL');
  const applicationName = reader.optionalString('CODEDEPLOY_APPLICATION_NAME');
  const deploymentGroupName = reader.optionalString('CODEDEPLOY_DEPLOYMENT_GROUP_NAME');
  return reader.done('Invalid lifecycle hook environment', {
    ...(testListenerUrl && { testListenerUrl }),
    ...(productionListenerUrl && { productionListenerUrl }),
    ...(applicationName &&
      deploymentGroupName && { serves: { applicationName, deploymentGroupName } }),
    routingProof: reader.boolean('ROUTING_PROOF', ENV_DEFAULTS.ROUTING_PROOF),
    safetyMarginMs: reader.positiveInt(
      'HOOK_SAFETY_MARGIN_MS',
      ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS,
      MIN_HOOK_SAFETY_MARGIN_MS,
    ),
    sdk: readSdk(reader),
  });
};

/** Settings of the alarm rollback function. Throws a ConfigError listing every problem. */
export const readAlarmSettings = (
  env: Env = process.env,
  options: EnvReadOptions = {},
): AlarmSettings => {
  const reader = new EnvReader(env, options);
  // Exactly one default target: a CodeDeploy group, or (ECS native blue/green) an ECS service.
  const cluster = reader.optionalString('ECS_CLUSTER_NAME');
  const service = reader.optionalString('ECS_SERVICE_NAME');
  let defaultTarget: AlarmTarget;
  if (cluster || service) {
    if (
      reader.optionalString('CODEDEPLOY_APPLICATION_NAME') ||
      reader.optionalString('CODEDEPLOY_DEPLOYMENT_GROUP_NAME')
    ) {
      reader.problem(
        'set exactly one default target: CODEDEPLOY_APPLICATION_NAME + CODEDEPLOY_DEPLOYMENT_GROUP_NAME, or ECS_CLUSTER_NAME + ECS_SERVICE_NAME, not both',
      );
    }
    defaultTarget = {
      cluster: reader.requiredString('ECS_CLUSTER_NAME'),
      service: reader.requiredString('ECS_SERVICE_NAME'),
    };
  } else {
    defaultTarget = {
      applicationName: reader.requiredString('CODEDEPLOY_APPLICATION_NAME'),
      deploymentGroupName: reader.requiredString('CODEDEPLOY_DEPLOYMENT_GROUP_NAME'),
    };
  }
  return reader.done('Invalid alarm rollback environment', {
    defaultTarget,
    routes: reader.alarmRoutes('ALARM_ROUTES'),
    dryRun: reader.boolean('ALARM_ROLLBACK_DRY_RUN', ENV_DEFAULTS.ALARM_ROLLBACK_DRY_RUN),
    sdk: readSdk(reader),
  });
};
