/** What the local CodeDeploy endpoint keeps of a deployment: shared by its operations. */

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
  /** For a rollback deployment: the deployment whose stop started it. */
  readonly rollbackOf?: string;
  /** Set by StopDeployment. */
  stoppedWithRollback?: boolean;
  /** The revision's appspec (GetApplicationRevision returns it; GetDeployment does not). */
  readonly appSpecContent?: string;
  /** Or: the revision is an appspec file in S3. */
  readonly s3Revision?: { readonly bucket: string; readonly key: string };
}
