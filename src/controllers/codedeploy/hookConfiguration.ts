/**
 * A CodeDeploy hook's configuration, read once at cold start: its settings and what it judges
 * with (one suite or a service map), and when it must read the deployment (discovery).
 */

import { type DeploymentGroupRef, type HookSettings, readHookSettings } from '../../config/env';
import { DiscoveryError } from '../../errors';
import { stringsIn } from '../../suite/facts';
import type { HookName, Suite } from '../../suite/schema';
import { needsProduction, watchForHook } from '../../suite/selection';
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
  // Canary analysis judges the steps of an ECS native deployment; a CodeDeploy hook cannot run
  // it yet, and must not pass a deployment whose suite asks for it without it.
  const analysing = catalog && suitesOf(catalog).find((s) => s.analysis);
  if (analysing) {
    problems.push(
      `suite "${analysing.name}" asks for canary analysis (analysis:), which runs at ECS native blue/green's PRODUCTION_TRAFFIC_SHIFT only; no CodeDeploy hook can judge it. Give this deployment group a suite without analysis:, or move the service to ECS native blue/green`,
    );
    catalog = undefined;
  }
  return catalog && settings
    ? { ok: true, catalog, settings }
    : { ok: false, error: `Invalid configuration, fix it and redeploy. ${problems.join('\n')}` };
};

const suitesOf = (catalog: HookCatalog): Suite[] =>
  catalog.services ? catalog.services.map((s) => s.suite) : [catalog.suite];

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
 * no production URL needed (a comparison or the watch) that a param does not give, and no watch
 * of the deployment group's own alarms (only the deployment read names them). A service map
 * always needs it: the deployment's group picks the suite.
 */
export const needsDiscovery = (config: Loaded, hook: HookName): boolean =>
  config.ok &&
  (config.catalog.services !== undefined ||
    !config.settings.testListenerUrl ||
    config.settings.routingProof ||
    usesFacts(config.catalog.suite) ||
    watchForHook(config.catalog.suite, hook)?.deploymentAlarms === true ||
    (needsProduction(config.catalog.suite, hook) && !config.settings.productionListenerUrl));
