/**
 * A CodeDeploy hook's configuration, read once at cold start: its settings and what it judges
 * with (one suite or a service map), and when it must read the deployment (discovery).
 */

import { type DeploymentGroupRef, type HookSettings, readHookSettings } from '../../config/env';
import { DiscoveryError } from '../../errors';
import { stringsIn } from '../../suite/facts';
import type { HookName, Suite } from '../../suite/schema';
import { analysisForHook, needsProduction, watchForHook } from '../../suite/selection';
import { asCatalog, type HookCatalog } from './hookCatalog';

export type Loaded =
  | { ok: true; catalog: HookCatalog; settings: HookSettings }
  | { ok: false; error: string };

export const loadConfiguration = (
  load: () => Suite | HookCatalog,
  env: Readonly<Record<string, string | undefined>> | undefined,
): Loaded => {
  const problems: string[] = [];
  let catalog: HookCatalog | undefined;
  let settings: HookSettings | undefined;
  try {
    settings = readHookSettings(env);
  } catch (error) {
    problems.push((error as Error).message);
  }
  try {
    catalog = asCatalog(load());
  } catch (error) {
    problems.push((error as Error).message);
  }
  return catalog && settings
    ? { ok: true, catalog, settings }
    : { ok: false, error: `Invalid configuration, fix it and redeploy. ${problems.join('\n')}` };
};

const usesFacts = (suite: Suite): boolean =>
  suite.checks.some((c) => stringsIn(c.expect).some((t) => t.text.includes('{{')));

/** Refuses a deployment of a group the single-service stage does not serve. */
export const servesOnly =
  (serves: DeploymentGroupRef) =>
  (d: { applicationName: string; deploymentGroupName: string; deploymentId: string }) => {
    if (
      serves.applicationName !== d.applicationName ||
      serves.deploymentGroupName !== d.deploymentGroupName
    ) {
      throw new DiscoveryError(
        `deployment ${d.deploymentId} belongs to ${d.applicationName}/${d.deploymentGroupName}, which this function does not serve (it serves ${serves.applicationName}/${serves.deploymentGroupName}, the stage's codeDeployApplication and codeDeployDeploymentGroup params); point that group's appspec at its own stage's hooks, or list it in a service map`,
      );
    }
    return undefined;
  };

/**
 * Discovery is skipped only when nothing needs it: one suite, a URL override, no proof, no facts,
 * no production URL needed (a comparison or the watch) that a param does not give, no watch
 * of the deployment group's own alarms (only the deployment read names them) and no canary
 * analysis (only the task sets name both target groups). A service map always needs it: the
 * deployment's group picks the suite.
 */
export const needsDiscovery = (config: Loaded, hook: HookName): boolean =>
  config.ok &&
  (config.catalog.services !== undefined ||
    !config.settings.testListenerUrl ||
    config.settings.routingProof ||
    usesFacts(config.catalog.suite) ||
    watchForHook(config.catalog.suite, hook)?.deploymentAlarms === true ||
    analysisForHook(config.catalog.suite, hook) !== undefined ||
    (needsProduction(config.catalog.suite, hook) && !config.settings.productionListenerUrl));

/** Whether this hook runs canary analysis for any suite it may judge (a service map's included). */
export const analysesAt = (config: Loaded, hook: HookName): boolean =>
  config.ok &&
  (config.catalog.services
    ? config.catalog.services.map((s) => s.suite)
    : [config.catalog.suite]
  ).some((suite) => analysisForHook(suite, hook) !== undefined);
