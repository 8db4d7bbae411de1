/**
 * The operator's escape hatch for CodeDeploy: a suite with `skipSmoke` lets a deployment whose
 * description contains its marker pass without checks (seek-oss/aws-codedeploy-hooks has the
 * same, for when the smoke test itself is what is broken). Off unless the suite sets it.
 *
 * A skip needs the marker read from the deployment itself: when the description cannot be read,
 * nothing is skipped and the checks run.
 */
import { type CodeDeployClient, GetDeploymentCommand } from '@aws-sdk/client-codedeploy';
import type { Log } from '../../logging/logger';
import type { Suite } from '../../suite/schema';
import { entryFor, type HookCatalog } from './hookCatalog';

/** Whether any suite of the catalog has the escape hatch (only then is the deployment read). */
export const catalogSkips = (catalog: HookCatalog): boolean =>
  catalog.services
    ? catalog.services.some((s) => s.suite.skipSmoke)
    : catalog.suite.skipSmoke !== undefined;

/** The marker `text` carries for `suite`, if its escape hatch is on and the marker is there. */
export const markerFound = (suite: Suite | undefined, text: string | undefined) => {
  const marker = suite?.skipSmoke?.marker;
  return marker !== undefined && text?.includes(marker) ? marker : undefined;
};

/** Why this deployment skips its checks, or undefined to run them. */
export const deploymentSkip = async (
  codeDeploy: CodeDeployClient,
  catalog: HookCatalog,
  deploymentId: string,
  signal: AbortSignal,
  log: Log,
): Promise<string | undefined> => {
  try {
    const { deploymentInfo: d } = await codeDeploy.send(
      new GetDeploymentCommand({ deploymentId }),
      {
        abortSignal: signal,
      },
    );
    const suite = catalog.services
      ? entryFor(catalog, d?.applicationName ?? '', d?.deploymentGroupName ?? '').suite
      : catalog.suite;
    const marker = markerFound(suite, d?.description);
    return marker && `the deployment's description contains the suite's skip marker "${marker}"`;
  } catch (error) {
    log.warn('Skip marker: the deployment could not be read; the checks run', { error });
    return undefined;
  }
};
