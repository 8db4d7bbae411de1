/**
 * Stops, with automatic rollback, the active deployments of one deployment group. Rollback
 * deployments are left alone: stopping with rollback starts one, and a duplicate delivery of the
 * same alarm (SNS and EventBridge both deliver, and both retry) must not stop the rollback that
 * is sending production back to blue.
 */

import {
  BatchGetDeploymentsCommand,
  type CodeDeployClient,
  DeploymentAlreadyCompletedException,
  type DeploymentInfo,
  paginateListDeployments,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { collectPages } from '../aws/collectPages';
import type { AlarmTarget, DeploymentGroupRef } from '../config/env';
import { describeError } from '../errors';

/** Statuses of a deployment that can still be stopped. */
export const ACTIVE_DEPLOYMENT_STATUSES = [
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Ready',
] as const;
/** BatchGetDeployments takes at most this many ids per call. */
const BATCH_GET_LIMIT = 25;
const ROLLBACK_CREATORS = new Set(['codeDeployRollback', 'CloudFormationRollback']);

export type StopResult =
  | { readonly deploymentId: string; readonly outcome: 'stopped'; readonly status: string }
  | { readonly deploymentId: string; readonly outcome: 'already-completed' }
  | { readonly deploymentId: string; readonly outcome: 'dry-run' }
  | { readonly deploymentId: string; readonly outcome: 'failed'; readonly error: string };

export interface GroupStopReport {
  /** The deployment group (or, for ECS native, the service) whose deployments were stopped. */
  readonly group: AlarmTarget;
  /** Active deployments found, rollbacks included. */
  readonly found: readonly string[];
  /** Active rollback deployments, left running. */
  readonly rollbacksLeftRunning: readonly string[];
  readonly results: readonly StopResult[];
}

export const listActiveDeployments = (
  client: CodeDeployClient,
  group: DeploymentGroupRef,
): Promise<string[]> =>
  collectPages(
    paginateListDeployments(
      { client },
      {
        applicationName: group.applicationName,
        deploymentGroupName: group.deploymentGroupName,
        includeOnlyStatuses: [...ACTIVE_DEPLOYMENT_STATUSES],
      },
    ),
    (page) => page.deployments,
  );

export const isRollbackDeployment = (info: DeploymentInfo): boolean =>
  ROLLBACK_CREATORS.has(info.creator ?? '') ||
  Boolean(info.rollbackInfo?.rollbackTriggeringDeploymentId);

const findRollbacks = async (
  client: CodeDeployClient,
  ids: readonly string[],
): Promise<Set<string>> => {
  const rollbacks = new Set<string>();
  for (let i = 0; i < ids.length; i += BATCH_GET_LIMIT) {
    const { deploymentsInfo } = await client.send(
      new BatchGetDeploymentsCommand({ deploymentIds: ids.slice(i, i + BATCH_GET_LIMIT) }),
    );
    for (const info of deploymentsInfo ?? []) {
      if (info.deploymentId && isRollbackDeployment(info)) rollbacks.add(info.deploymentId);
    }
  }
  return rollbacks;
};

const stopOne = async (client: CodeDeployClient, deploymentId: string): Promise<StopResult> => {
  try {
    const { status } = await client.send(
      new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }),
    );
    return { deploymentId, outcome: 'stopped', status: status ?? 'unknown' };
  } catch (error) {
    if (error instanceof DeploymentAlreadyCompletedException) {
      return { deploymentId, outcome: 'already-completed' };
    }
    return { deploymentId, outcome: 'failed', error: describeError(error) };
  }
};

/** Lists, filters and stops; per-deployment failures are reported, not thrown. */
export const stopActiveDeployments = async (
  client: CodeDeployClient,
  group: DeploymentGroupRef,
  options: { readonly dryRun: boolean },
): Promise<GroupStopReport> => {
  const found = await listActiveDeployments(client, group);
  // No active deployment: findRollbacks makes no call.
  const rollbacks = await findRollbacks(client, found);
  const targets = found.filter((id) => !rollbacks.has(id));
  const results = options.dryRun
    ? targets.map((deploymentId): StopResult => ({ deploymentId, outcome: 'dry-run' }))
    : await Promise.all(targets.map((id) => stopOne(client, id)));
  return { group, found, rollbacksLeftRunning: [...rollbacks], results };
};
