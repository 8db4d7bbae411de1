/**
 * Package-time checks of a stage, run by build/serverless-preflight.js before `sls package` and
 * `sls deploy`: every problem that would otherwise surface at cold start or mid-deployment is
 * reported here, all at once, naming the function, the parameter or the file.
 */

import { ENV_DEFAULTS, readAlarmSettings, readHookSettings } from '../config/env';
import { ConfigError } from '../errors';
import { loadSuiteFile } from '../suite/loadSuite';
import type { SecretRef, Suite } from '../suite/schema';
import { shiftedAnalysisMinMs } from '../traffic/runShiftedAnalysis';

/** Lambda's limit on function names, and the names it accepts. */
export const MAX_FUNCTION_NAME_LENGTH = 64;
const FUNCTION_NAME_PATTERN = /^[A-Za-z0-9_-]+$/;
/** AWSCodeDeployRoleForECSLimited may only invoke functions whose name starts with this. */
export const HOOK_NAME_PREFIX = 'CodeDeployHook_';

export type FunctionKind = 'hook' | 'alarm' | 'ecsHook';

/** The functions this project defines, by their key in serverless.yml. */
export const FUNCTION_KINDS: Readonly<Record<string, FunctionKind>> = {
  afterAllowTestTraffic: 'hook',
  beforeAllowTraffic: 'hook',
  afterAllowTraffic: 'hook',
  alarmRollback: 'alarm',
  ecsLifecycleHook: 'ecsHook',
};

export interface PreflightFunction {
  readonly key: string;
  readonly name: string;
  /** Provider and function environment merged; values that are CloudFormation objects are skipped. */
  readonly environment: Readonly<Record<string, unknown>>;
  /** The function's timeout in seconds (its own, else the provider's). */
  readonly timeoutSeconds?: number;
}

export interface PreflightInput {
  readonly stage: string;
  readonly functions: readonly PreflightFunction[];
  readonly suiteFile: string;
  /** `sls deploy` (not just package): placeholder values are refused then. */
  readonly deploying: boolean;
  /** The stage's serviceMap param: each service then has its own URL override, or none. */
  readonly serviceMap?: string;
}

const PLACEHOLDER_HOST = /\.invalid$/;

/**
 * Plain values as strings (YAML may give numbers); values that are CloudFormation intrinsics
 * (`Ref`, `Fn::Join`…) are only known at deploy time, so they are deferred, not checked.
 */
const splitEnv = (env: PreflightFunction['environment']) => {
  const values: Record<string, string> = {};
  const deferred = new Set<string>();
  for (const [k, v] of Object.entries(env)) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') {
      values[k] = String(v);
    } else {
      deferred.add(k);
    }
  }
  return { values, deferred };
};

const checkName = (fn: PreflightFunction, stage: string, problems: string[]) => {
  if (fn.name.length > MAX_FUNCTION_NAME_LENGTH) {
    problems.push(
      `function ${fn.key}: name "${fn.name}" is ${fn.name.length} characters, Lambda allows ${MAX_FUNCTION_NAME_LENGTH}; use a stage name at most ${Math.max(0, stage.length - (fn.name.length - MAX_FUNCTION_NAME_LENGTH))} characters long, or a shorter serviceName param`,
    );
  }
  if (!FUNCTION_NAME_PATTERN.test(fn.name)) {
    problems.push(
      `function ${fn.key}: name "${fn.name}" may only contain letters, digits, - and _`,
    );
  }
  if (FUNCTION_KINDS[fn.key] !== 'ecsHook' && !fn.name.startsWith(HOOK_NAME_PREFIX)) {
    problems.push(
      `function ${fn.key}: name "${fn.name}" must start with ${HOOK_NAME_PREFIX} (the AWSCodeDeployRoleForECSLimited role invokes only such functions)`,
    );
  }
};

const checkEnvironment = (fn: PreflightFunction, deploying: boolean, problems: string[]) => {
  const kind = FUNCTION_KINDS[fn.key];
  const { values: env, deferred } = splitEnv(fn.environment);
  try {
    if (kind === 'hook' || kind === 'ecsHook') {
      const settings = readHookSettings(env, { deferred });
      if (
        deploying &&
        settings.testListenerUrl &&
        PLACEHOLDER_HOST.test(new URL(settings.testListenerUrl).hostname)
      ) {
        problems.push(
          `function ${fn.key}: TEST_LISTENER_URL is the placeholder ${settings.testListenerUrl}; set the stage's testListenerUrl param to your ALB's test listener`,
        );
      }
    } else if (kind === 'alarm') {
      readAlarmSettings(env, { deferred });
    } else {
      problems.push(
        `function ${fn.key}: unknown function (known: ${Object.keys(FUNCTION_KINDS).join(', ')})`,
      );
    }
  } catch (error) {
    const details = error instanceof ConfigError ? error.problems : [String(error)];
    for (const p of details) problems.push(`function ${fn.key}: ${p}`);
  }
};

/** Secrets the suite's headers reference: the hook roles must be allowed to read exactly these. */
export const secretRefsOf = (suite: Suite | undefined): SecretRef[] => {
  if (!suite) return [];
  const refs = new Map<string, SecretRef>();
  const headerSets = [
    suite.readiness?.headers ?? {},
    ...[...suite.checks, ...suite.sampled, ...suite.compare].map((c) => c.headers),
    suite.watch?.headers ?? {},
  ];
  for (const headers of headerSets) {
    for (const value of Object.values(headers)) {
      if (typeof value !== 'string') refs.set(JSON.stringify(value.secret), value.secret);
    }
  }
  return [...refs.values()];
};

/** Returns the validated suite; throws a ConfigError listing every problem. */
export const runPreflight = (input: PreflightInput): Suite | undefined => {
  const problems: string[] = [];
  for (const fn of input.functions) {
    checkName(fn, input.stage, problems);
    checkEnvironment(fn, input.deploying, problems);
  }
  if (input.serviceMap) {
    for (const fn of input.functions) {
      const url = fn.environment.TEST_LISTENER_URL;
      if (typeof url === 'string' && url.trim()) {
        problems.push(
          `function ${fn.key}: the testListenerUrl param (${url}) is set together with serviceMap ${input.serviceMap}; a map's services are never tested at the stage's URL, so set testListenerUrl on each service's entry in the map that needs one, and leave the param empty`,
        );
      }
    }
  }
  let suite: Suite | undefined;
  try {
    suite = loadSuiteFile(input.suiteFile);
  } catch (error) {
    problems.push(...(error instanceof ConfigError ? error.problems : [String(error)]));
  }
  if (problems.length > 0) {
    throw new ConfigError(`Stage "${input.stage}" is not ready to package`, problems);
  }
  return suite;
};

/** Whether the suite's production watch reads CloudWatch alarms (cloudwatch:DescribeAlarms). */
export const watchesAlarms = (suite: Suite | undefined): boolean =>
  !!suite?.watch && (suite.watch.alarms.length > 0 || suite.watch.deploymentAlarms);

/**
 * AfterAllowTraffic waits in place for canary analysis: a timeout that cannot hold it would fail
 * every deployment after its checks, so it is refused here, naming the timeout that would.
 */
export const analysisTimeoutProblems = (
  functions: readonly PreflightFunction[],
  suites: readonly (Suite | undefined)[],
): string[] => {
  const fn = functions.find((f) => f.key === 'afterAllowTraffic');
  if (!fn?.timeoutSeconds) return [];
  const margin = Number(fn.environment.HOOK_SAFETY_MARGIN_MS) || ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS;
  return suites.flatMap((suite) => {
    if (!suite?.analysis) return [];
    const neededS = Math.ceil((shiftedAnalysisMinMs(suite.analysis) + margin) / 1000);
    return neededS > (fn.timeoutSeconds as number)
      ? [
          `function afterAllowTraffic: suite "${suite.name}" asks for canary analysis, which needs at least ${neededS} s at AfterAllowTraffic (analysis.minMinutes ${suite.analysis.minMinutes} + the minute of the shift + settleMs, and the report margin); its timeout is ${fn.timeoutSeconds} s: raise functions.afterAllowTraffic.timeout (at most 900) or lower analysis.minMinutes`,
        ]
      : [];
  });
};

/** Whether the suite asks for canary analysis (cloudwatch:GetMetricData, both hooks). */
export const analysesMetrics = (suite: Suite | undefined): boolean => !!suite?.analysis;
