/**
 * The hooks and stages a suite names: CodeDeploy's lifecycle hooks and ECS native blue/green's
 * lifecycle stages, and which CodeDeploy hook an unlisted ECS stage stands in for.
 */

/** CodeDeploy lifecycle hooks: a hook not listed in `hooks:` runs every check. */
export const CODEDEPLOY_HOOKS = [
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;
/**
 * ECS native blue/green lifecycle stages. A stage not listed in `hooks:` takes the selection of
 * its CodeDeploy equivalent (ECS_EQUIVALENTS); any other unlisted stage selects nothing, and the
 * ECS hook answers FAILED there rather than pass without looking.
 */
export const ECS_STAGES = [
  'RECONCILE_SERVICE',
  'PRE_SCALE_UP',
  'POST_SCALE_UP',
  'TEST_TRAFFIC_SHIFT',
  'POST_TEST_TRAFFIC_SHIFT',
  'PRE_PRODUCTION_TRAFFIC_SHIFT',
  'PRODUCTION_TRAFFIC_SHIFT',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
] as const;
export const HOOK_NAMES = [...CODEDEPLOY_HOOKS, ...ECS_STAGES] as const;
export type HookName = (typeof HOOK_NAMES)[number];
export type EcsStage = (typeof ECS_STAGES)[number];

export const isEcsStage = (hook: HookName): hook is EcsStage =>
  (ECS_STAGES as readonly string[]).includes(hook);

export type CodeDeployHook = (typeof CODEDEPLOY_HOOKS)[number];

/**
 * The CodeDeploy hook whose selection an ECS stage takes when `hooks:` does not list the stage,
 * so one suite serves both controllers unedited: the test listener reaches green, green is about
 * to take production, green serves production.
 */
export const ECS_EQUIVALENTS: Readonly<Partial<Record<EcsStage, CodeDeployHook>>> = {
  POST_TEST_TRAFFIC_SHIFT: 'AfterAllowTestTraffic',
  PRE_PRODUCTION_TRAFFIC_SHIFT: 'BeforeAllowTraffic',
  POST_PRODUCTION_TRAFFIC_SHIFT: 'AfterAllowTraffic',
};
