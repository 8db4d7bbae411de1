/**
 * What a hook function judges with: one suite (a single-service stage), or a service map that
 * picks the suite, and the URL override, by the deployment's group.
 */
import { groupKey, type ServiceEntry } from '../../config/serviceMap';
import { DiscoveryError } from '../../errors';
import type { Suite } from '../../suite/schema';

export type HookCatalog =
  | { readonly suite: Suite; readonly services?: undefined }
  | {
      readonly services: readonly ServiceEntry[];
      readonly source: string;
      readonly suite?: undefined;
    };

/** Accepts a plain suite too (tests and the CLI build handlers from one). */
export const asCatalog = (loaded: Suite | HookCatalog): HookCatalog =>
  'checks' in loaded ? { suite: loaded } : loaded;

/** The map's entry for a deployment's group, or a DiscoveryError naming the file to edit. */
export const entryFor = (
  catalog: Extract<HookCatalog, { services: readonly ServiceEntry[] }>,
  applicationName: string,
  deploymentGroupName: string,
): ServiceEntry => {
  const entry = catalog.services.find(
    (s) =>
      groupKey(s.applicationName, s.deploymentGroupName) ===
      groupKey(applicationName, deploymentGroupName),
  );
  if (!entry) {
    throw new DiscoveryError(
      `deployment group ${groupKey(applicationName, deploymentGroupName)} is not in ${catalog.source}: add it there (its ECS service and suite) and redeploy`,
    );
  }
  return entry;
};
