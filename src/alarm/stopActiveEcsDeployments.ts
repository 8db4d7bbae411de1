/**
 * Stops, with rollback, the in-progress ECS native deployments of one service. Deployments that
 * are already stopping or rolling back are not listed (only PENDING and IN_PROGRESS are), so a
 * duplicate delivery of the same alarm leaves the rollback alone.
 */
import {
  ECSClient,
  ListServiceDeploymentsCommand,
  type ListServiceDeploymentsCommandInput,
  type ListServiceDeploymentsCommandOutput,
  StopServiceDeploymentCommand,
} from '@aws-sdk/client-ecs';
import { createPaginator } from '@smithy/core';
import type { PaginationConfiguration } from '@smithy/types';
import { collectPages } from '../aws/collectPages';
import type { EcsServiceRef } from '../config/env';
import { describeError } from '../errors';
import type { GroupStopReport, StopResult } from './stopActiveDeployments';

/** ECS raises this for a deployment that finished before the stop arrived. */
const ALREADY_DONE = /Conflict|ServiceDeploymentNotUpdatable|already/i;

/**
 * ListServiceDeployments, page by page. This SDK version ships no paginator for it, so one is
 * made the way the SDK makes its own (createPaginator), rather than a hand-rolled token loop.
 */
const paginateListServiceDeployments = createPaginator<
  PaginationConfiguration & { client: ECSClient },
  ListServiceDeploymentsCommandInput,
  ListServiceDeploymentsCommandOutput
>(ECSClient, ListServiceDeploymentsCommand, 'nextToken', 'nextToken', 'maxResults');

export const listActiveServiceDeployments = (
  client: ECSClient,
  target: EcsServiceRef,
): Promise<string[]> =>
  collectPages(
    paginateListServiceDeployments(
      { client },
      { cluster: target.cluster, service: target.service, status: ['PENDING', 'IN_PROGRESS'] },
    ),
    (page) => page.serviceDeployments?.map((d) => d.serviceDeploymentArn),
  );

const stopOne = async (client: ECSClient, arn: string): Promise<StopResult> => {
  try {
    const answer = await client.send(
      new StopServiceDeploymentCommand({ serviceDeploymentArn: arn, stopType: 'ROLLBACK' }),
    );
    return {
      deploymentId: arn,
      outcome: 'stopped',
      status: answer.serviceDeploymentArn ? 'ROLLBACK_REQUESTED' : 'unknown',
    };
  } catch (error) {
    if (ALREADY_DONE.test((error as Error).name))
      return { deploymentId: arn, outcome: 'already-completed' };
    return { deploymentId: arn, outcome: 'failed', error: describeError(error) };
  }
};

export const stopActiveEcsDeployments = async (
  client: ECSClient,
  target: EcsServiceRef,
  options: { readonly dryRun: boolean },
): Promise<GroupStopReport> => {
  const found = await listActiveServiceDeployments(client, target);
  const results = options.dryRun
    ? found.map((deploymentId): StopResult => ({ deploymentId, outcome: 'dry-run' }))
    : await Promise.all(found.map((arn) => stopOne(client, arn)));
  return { group: target, found, rollbacksLeftRunning: [], results };
};
