/**
 * Deployed function names, computed in one place for serverless.yml (through
 * build/function-names.js), appspec.yaml and the CLI.
 */
import { HOOK_NAME_PREFIX } from '../packaging/preflight';

export interface FunctionNames {
  readonly afterAllowTestTraffic: string;
  readonly beforeAllowTraffic: string;
  readonly afterAllowTraffic: string;
  readonly alarmRollback: string;
  /** ECS native hooks need no CodeDeployHook_ prefix: ECS invokes through its own role. */
  readonly ecsLifecycleHook: string;
}

export const functionNamesFor = (serviceName: string, stage: string): FunctionNames => {
  const name = (suffix: string) => `${HOOK_NAME_PREFIX}${serviceName}-${stage}-${suffix}`;
  return {
    afterAllowTestTraffic: name('AfterAllowTestTraffic'),
    beforeAllowTraffic: name('BeforeAllowTraffic'),
    afterAllowTraffic: name('AfterAllowTraffic'),
    alarmRollback: name('AlarmRollback'),
    ecsLifecycleHook: `${serviceName}-${stage}-EcsLifecycleHook`,
  };
};
