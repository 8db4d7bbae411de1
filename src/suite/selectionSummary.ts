/**
 * What runs where, as `sls package` prints it: for each CodeDeploy hook and ECS stage, the
 * checks it runs and where that selection comes from. A stage that selects nothing is shown as
 * what it is: the ECS hook answers FAILED there, so a service must not list it.
 */
import { CODEDEPLOY_HOOKS, ECS_STAGES, type HookName, isEcsStage, type Suite } from './schema';
import { analysisForHook, selectedItems, selectionSource } from './selection';

export interface SelectionRow {
  readonly controller: 'CodeDeploy' | 'ECS';
  readonly hook: HookName;
  /** Where the selection comes from: the hook's own entry, its CodeDeploy equivalent, or all. */
  readonly from: string;
  readonly items: readonly string[];
}

export const selectionRows = (suite: Suite): SelectionRow[] =>
  [...CODEDEPLOY_HOOKS, ...ECS_STAGES].map((hook) => {
    const source = selectionSource(suite, hook);
    return {
      controller: isEcsStage(hook) ? 'ECS' : 'CodeDeploy',
      hook,
      from:
        source === undefined
          ? analysisForHook(suite, hook)
            ? 'analysis:'
            : 'not listed'
          : source === 'all'
            ? 'not listed: every check'
            : source === hook
              ? 'hooks:'
              : `as ${source}`,
      items: selectedItems(suite, hook),
    };
  });

export const selectionSummary = (suite: Suite): string => {
  const rows = selectionRows(suite);
  const width = Math.max(...rows.map((r) => r.hook.length));
  return [
    `Suite "${suite.name}": what runs at each hook and stage`,
    ...rows.map(
      (r) =>
        `  ${r.controller.padEnd(10)} ${r.hook.padEnd(width)}  ${
          r.items.length === 0
            ? 'nothing: the ECS hook answers FAILED here, so leave this stage out of lifecycleStages'
            : `${r.items.join(', ')}  (${r.from})`
        }`,
    ),
    ...(suite.analysis
      ? [
          "  canary analysis (analysis:) judges every ECS PRODUCTION_TRAFFIC_SHIFT step against blue's same minutes (blue's minutes before the step at 100 %), and CodeDeploy's AfterAllowTraffic against blue's minutes before the shift, waiting in place: afterAllowTraffic's timeout must hold it",
        ]
      : []),
  ].join('\n');
};
