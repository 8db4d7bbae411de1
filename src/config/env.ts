/**
 * The one place that reads environment variables. Every default is written here, once, and a
 * reader reports every missing or malformed variable in one error instead of the first only.
 */
import { SDK_ATTEMPT_MS, type SdkSettings } from '../aws/sdkSettings';
import { type AlarmTarget, type DeploymentGroupRef, parseAlarmRoutes } from './alarmTargets';
import { type Env, EnvReader, type EnvReadOptions } from './envReader';

export type { SdkSettings } from '../aws/sdkSettings';
export {
  type AlarmTarget,
  type DeploymentGroupRef,
  type EcsServiceRef,
  isEcsTarget,
  targetLabel,
} from './alarmTargets';
export type { EnvReadOptions } from './envReader';

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

/** ALARM_ROUTES, its problems added to the reader's. */
const alarmRoutesOf = (reader: EnvReader): ReadonlyMap<string, readonly AlarmTarget[]> => {
  const raw = reader.isDeferred('ALARM_ROUTES') ? undefined : reader.optionalString('ALARM_ROUTES');
  if (raw === undefined) return new Map();
  const { routes, problems } = parseAlarmRoutes('ALARM_ROUTES', raw);
  for (const p of problems) reader.problem(p);
  return routes;
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
    routes: alarmRoutesOf(reader),
    dryRun: reader.boolean('ALARM_ROLLBACK_DRY_RUN', ENV_DEFAULTS.ALARM_ROLLBACK_DRY_RUN),
    sdk: readSdk(reader),
  });
};
