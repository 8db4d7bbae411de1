/**
 * Where a CodeDeploy hook sends its requests, and with which suite: read from the deployment
 * (discovery), or, when nothing needs that read (hookConfiguration's needsDiscovery), taken from
 * the stage's params as they are.
 */
import type { HookSettings } from '../../config/env';
import type { GreenDiscovery } from '../../discovery/discoverGreen';
import type { MetricTargets } from '../../discovery/metricTargets';
import type { Log } from '../../logging/logger';
import { type Facts, NO_FACTS } from '../../suite/facts';
import type { Suite } from '../../suite/schema';
import { entryFor, type HookCatalog } from './hookCatalog';
import { servesOnly } from './hookConfiguration';

export interface FoundGreen {
  readonly baseUrl: string;
  readonly productionUrl?: string;
  readonly deploymentAlarms: readonly string[];
  readonly facts: Facts;
  /** The suite that judges this deployment: a service map's entry picks it in discovery. */
  readonly suite?: Suite;
  /** Both target groups, for canary analysis. */
  readonly metricTargets?: MetricTargets;
}

/** Without discovery: the params' URLs, no facts, no alarms of the group. */
export const greenFromSettings = (catalog: HookCatalog, settings: HookSettings): FoundGreen => ({
  baseUrl: settings.testListenerUrl ?? '',
  ...(settings.productionListenerUrl && { productionUrl: settings.productionListenerUrl }),
  deploymentAlarms: [],
  facts: NO_FACTS,
  ...(catalog.suite && { suite: catalog.suite }),
});

export interface FindGreenInput {
  readonly discovery: GreenDiscovery;
  readonly catalog: HookCatalog;
  readonly settings: HookSettings;
  readonly deploymentId: string;
  /** Name both target groups (the hook runs canary analysis). */
  readonly metricTargets: boolean;
  readonly signal: AbortSignal;
  readonly log: Log;
}

export const findGreen = async (i: FindGreenInput): Promise<FoundGreen> => {
  const { catalog, settings } = i;
  let suite = catalog.suite;
  const green = await i.discovery({
    deploymentId: i.deploymentId,
    // A service map's entry has its own override or none: never the stage's.
    ...(settings.testListenerUrl && !catalog.services && { overrideUrl: settings.testListenerUrl }),
    routingProof: settings.routingProof,
    ...(i.metricTargets && { metricTargets: true }),
    // A map picks the service's suite and override; one suite serves one group.
    select: (d) => {
      if (catalog.services) {
        const entry = entryFor(catalog, d.applicationName, d.deploymentGroupName);
        suite = entry.suite;
        return entry.testListenerUrl ? { overrideUrl: entry.testListenerUrl } : undefined;
      }
      return settings.serves ? servesOnly(settings.serves)(d) : undefined;
    },
    signal: i.signal,
  });
  i.log.info('Green discovered', {
    baseUrl: green.baseUrl,
    deploymentGroup: `${green.deployment.applicationName}/${green.deployment.deploymentGroupName}`,
    ...(green.routing && { routing: green.routing }),
  });
  const productionUrl = settings.productionListenerUrl ?? green.productionUrl;
  return {
    baseUrl: green.baseUrl,
    ...(productionUrl && { productionUrl }),
    deploymentAlarms: green.deployment.alarmNames,
    facts: green.facts,
    ...(suite && { suite }),
    ...(green.metricTargets && { metricTargets: green.metricTargets }),
  };
};
