/**
 * Which checks run at which CodeDeploy hook or ECS stage: a hook's own `hooks:` entry, else its
 * CodeDeploy equivalent's (ECS), else every check (CodeDeploy); an ECS stage with neither selects
 * nothing, and the ECS hook answers FAILED there.
 */

import { ANALYSIS_NAME, WATCH_NAME } from './itemNames';
import type {
  AnalysisSettings,
  Check,
  CompareCheck,
  HookName,
  SampledCheck,
  Suite,
  WatchSettings,
} from './schema';
import { ECS_EQUIVALENTS, isEcsStage } from './stages';

/**
 * Where a hook's selection comes from: its own `hooks:` entry, its CodeDeploy equivalent's, or
 * 'all' (a CodeDeploy hook with no entry runs every check); undefined: nothing is selected.
 */
export const selectionSource = (suite: Suite, hook: HookName): HookName | 'all' | undefined => {
  if (suite.hooks[hook]) return hook;
  if (!isEcsStage(hook)) return 'all';
  const equivalent = ECS_EQUIVALENTS[hook];
  if (!equivalent) return undefined;
  return suite.hooks[equivalent] ? equivalent : 'all';
};

/** The checks a hook runs, in file order (see selectionSource). */
export const checksForHook = (suite: Suite, hook: HookName): Check[] =>
  selectForHook(suite, hook, suite.checks);

/** The sampled checks a hook runs, chosen as `checksForHook` chooses checks. */
export const sampledForHook = (suite: Suite, hook: HookName): SampledCheck[] =>
  selectForHook(suite, hook, suite.sampled);

/** The comparisons a hook runs, chosen the same way. */
export const comparisonsForHook = (suite: Suite, hook: HookName): CompareCheck[] =>
  selectForHook(suite, hook, suite.compare);

/** The stages where green serves production and the suite's `watch:` runs. */
export const WATCH_STAGES: readonly HookName[] = [
  'AfterAllowTraffic',
  'POST_PRODUCTION_TRAFFIC_SHIFT',
];

/** The suite's production watch, if this hook runs it. */
export const watchForHook = (suite: Suite, hook: HookName): WatchSettings | undefined =>
  WATCH_STAGES.includes(hook) ? suite.watch : undefined;

/**
 * The stages where the suite's `analysis:` judges real user traffic: every production traffic
 * step of an ECS deployment (one look per invocation), and CodeDeploy's AfterAllowTraffic, where
 * green took all production at once and blue's minutes before the shift are the baseline (it
 * waits in place, beside the watch).
 */
export const ANALYSIS_STAGES: readonly HookName[] = [
  'PRODUCTION_TRAFFIC_SHIFT',
  'AfterAllowTraffic',
];

/** The suite's canary analysis, if this hook runs it. */
export const analysisForHook = (suite: Suite, hook: HookName): AnalysisSettings | undefined =>
  ANALYSIS_STAGES.includes(hook) ? suite.analysis : undefined;

/** Everything a hook runs, by name: the selection that the verdict must see judged. */
export const selectedItems = (suite: Suite, hook: HookName): string[] => [
  ...checksForHook(suite, hook).map((c) => c.name),
  ...sampledForHook(suite, hook).map((c) => c.name),
  ...comparisonsForHook(suite, hook).map((c) => c.name),
  ...(watchForHook(suite, hook) ? [WATCH_NAME] : []),
  ...(analysisForHook(suite, hook) ? [ANALYSIS_NAME] : []),
];

/** Whether a hook's selection needs the production listener: a comparison, or the watch. */
export const needsProduction = (suite: Suite, hook: HookName): boolean =>
  comparisonsForHook(suite, hook).length > 0 || watchForHook(suite, hook) !== undefined;

export { ANALYSIS_NAME, WATCH_NAME } from './itemNames';

const selectForHook = <T extends { name: string }>(suite: Suite, hook: HookName, all: T[]): T[] => {
  const source = selectionSource(suite, hook);
  if (source === undefined) return [];
  if (source === 'all') return all;
  const selected = suite.hooks[source] ?? [];
  return all.filter((c) => selected.includes(c.name));
};
