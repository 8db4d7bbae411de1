/** What the local CodeDeploy endpoint keeps of a deployment: shared by its operations. */
import type http from 'node:http';

export const ACTIVE_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;
export type DeploymentStatus =
  | (typeof ACTIVE_STATUSES)[number]
  | 'Succeeded'
  | 'Failed'
  | 'Stopped';

export interface FakeDeployment {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  status: DeploymentStatus;
  readonly creator: string;
  /** CreateDeployment's free-text description (GetDeployment returns it). */
  readonly description?: string;
  /** For a rollback deployment: the deployment whose stop started it. */
  readonly rollbackOf?: string;
  /** Set by StopDeployment. */
  stoppedWithRollback?: boolean;
  /** The revision's appspec (GetApplicationRevision returns it; GetDeployment does not). */
  readonly appSpecContent?: string;
  /** Or: the revision is an appspec file in S3. */
  readonly s3Revision?: { readonly bucket: string; readonly key: string };
}

export interface ReceivedRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly headers: http.IncomingHttpHeaders;
  /** performance.now() when the request arrived. */
  readonly receivedAt: number;
}

/** A CodeDeploy error answer (JSON 1.1). */
export const error = (type: string, message: string, httpStatus = 400) => ({
  httpStatus,
  body: { __type: type, message },
});

/** ListDeployments: by group and status, paged as the service pages. */
export const listDeployments = (
  deployments: ReadonlyMap<string, FakeDeployment>,
  pageSize: number,
  body: Record<string, unknown>,
) => {
  const { applicationName, deploymentGroupName, includeOnlyStatuses, nextToken } = body;
  if (applicationName !== undefined && deploymentGroupName === undefined) {
    return error('DeploymentGroupNameRequiredException', 'deploymentGroupName is required');
  }
  const statuses = Array.isArray(includeOnlyStatuses) ? includeOnlyStatuses : undefined;
  const matching = [...deployments.values()].filter(
    (d) =>
      (applicationName === undefined || d.applicationName === applicationName) &&
      (deploymentGroupName === undefined || d.deploymentGroupName === deploymentGroupName) &&
      (statuses === undefined || statuses.includes(d.status)),
  );
  const start = typeof nextToken === 'string' ? Number(nextToken) : 0;
  const page = matching.slice(start, start + pageSize).map((d) => d.deploymentId);
  const next = start + pageSize < matching.length ? String(start + pageSize) : undefined;
  return { httpStatus: 200, body: { deployments: page, ...(next && { nextToken: next }) } };
};

/** BatchGetDeployments: at most 25 ids. */
export const batchGetDeployments = (
  deployments: ReadonlyMap<string, FakeDeployment>,
  body: Record<string, unknown>,
) => {
  const ids = Array.isArray(body.deploymentIds) ? body.deploymentIds.map(String) : [];
  if (ids.length === 0) return error('DeploymentIdRequiredException', 'deploymentIds is required');
  if (ids.length > 25) return error('BatchLimitExceededException', 'at most 25 deployment ids');
  const deploymentsInfo = ids.flatMap((id) => {
    const d = deployments.get(id);
    if (!d) return [];
    return [
      {
        deploymentId: d.deploymentId,
        applicationName: d.applicationName,
        deploymentGroupName: d.deploymentGroupName,
        status: d.status,
        creator: d.creator,
        ...(d.rollbackOf && { rollbackInfo: { rollbackTriggeringDeploymentId: d.rollbackOf } }),
      },
    ];
  });
  return { httpStatus: 200, body: { deploymentsInfo } };
};
