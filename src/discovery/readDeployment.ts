/**
 * What CodeDeploy says about a deployment, in three reads the caller can overlap: which group
 * (GetDeployment), the group's listeners and ECS service (GetDeploymentGroup), and the new task
 * definition from the revision's appspec. GetDeployment returns
 * the appspec content as null, so the revision is read with GetApplicationRevision (as
 * kayac/ecspresso does), or from S3 for an S3 revision.
 */
import {
  GetApplicationRevisionCommand,
  GetDeploymentCommand,
  GetDeploymentGroupCommand,
  type RevisionLocation,
} from '@aws-sdk/client-codedeploy';
import type { DiscoveryClients } from '../aws/clients';
import { DiscoveryError } from '../errors';
import { type AppspecFacts, readAppspecFacts } from './appspecContent';
import { awsRead } from './awsRead';

/** Which deployment it is, before anything of its group is read. */
export interface DeploymentRef {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

export interface DeploymentView extends DeploymentRef, GroupView {
  /** From the revision; `revisionProblem` says why it is missing. */
  readonly appspec: AppspecFacts;
  readonly revisionProblem?: string;
}

const groupArn = (app: string, group: string) => `the deployment group ${app}/${group}`;

export interface RevisionView {
  readonly appspec: AppspecFacts;
  readonly problem?: string;
}

const readRevision = async (
  clients: DiscoveryClients,
  applicationName: string,
  revision: RevisionLocation | undefined,
  signal: AbortSignal,
): Promise<RevisionView> => {
  if (!revision) return { appspec: {}, problem: 'the deployment has no revision' };
  try {
    if (revision.revisionType === 'S3' && revision.s3Location) {
      const { bucket, key } = revision.s3Location;
      const read = clients.readS3 ?? (await import('./readS3Revision')).readS3Text;
      const text = await read(bucket ?? '', key ?? '', signal);
      return { appspec: readAppspecFacts(text) };
    }
    const answer = await awsRead(
      'codedeploy:GetApplicationRevision',
      `the application ${applicationName}`,
      signal,
      (o) =>
        clients.codeDeploy.send(
          new GetApplicationRevisionCommand({ applicationName, revision }),
          o,
        ),
    );
    const content = answer.revision?.appSpecContent?.content ?? answer.revision?.string?.content;
    if (!content) return { appspec: {}, problem: 'the revision has no appspec content' };
    return { appspec: readAppspecFacts(content) };
  } catch (error) {
    // Only what needs the revision fails: green is then the non-PRIMARY task set.
    return { appspec: {}, problem: (error as Error).message };
  }
};

/** Which deployment it is, before anything of its group is read. */
export interface DeploymentRef {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
}

/** GetDeployment: which application and group, and where the revision is. */
export const getDeploymentRef = async (
  clients: DiscoveryClients,
  deploymentId: string,
  signal: AbortSignal,
): Promise<DeploymentRef & { readonly revision?: RevisionLocation }> => {
  const { deploymentInfo: info } = await awsRead(
    'codedeploy:GetDeployment',
    'the deployment group',
    signal,
    (o) => clients.codeDeploy.send(new GetDeploymentCommand({ deploymentId }), o),
  );
  const applicationName = info?.applicationName;
  const deploymentGroupName = info?.deploymentGroupName;
  if (!applicationName || !deploymentGroupName) {
    throw new DiscoveryError(`GetDeployment returned no application or group for ${deploymentId}`);
  }
  return {
    deploymentId,
    applicationName,
    deploymentGroupName,
    ...(info?.revision && { revision: info.revision }),
  };
};

/** The group's configuration: its listeners and its ECS service. */
export interface GroupView {
  readonly prodListenerArn: string;
  readonly testListenerArn: string;
  readonly cluster: string;
  readonly service: string;
  /** The group's alarm configuration, when enabled (for the watch's `deploymentAlarms`). */
  readonly alarmNames: readonly string[];
}

export const readGroup = async (
  clients: DiscoveryClients,
  ref: DeploymentRef,
  signal: AbortSignal,
): Promise<GroupView> => {
  const { applicationName, deploymentGroupName } = ref;
  const answer = await awsRead(
    'codedeploy:GetDeploymentGroup',
    groupArn(applicationName, deploymentGroupName),
    signal,
    (o) =>
      clients.codeDeploy.send(
        new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }),
        o,
      ),
  );
  const group = answer.deploymentGroupInfo;
  const pair = group?.loadBalancerInfo?.targetGroupPairInfoList?.[0];
  const prodListenerArn = pair?.prodTrafficRoute?.listenerArns?.[0];
  const testListenerArn = pair?.testTrafficRoute?.listenerArns?.[0];
  const ecs = group?.ecsServices?.[0];
  const label = `${applicationName}/${deploymentGroupName}`;
  if (!pair || !prodListenerArn) {
    throw new DiscoveryError(
      `deployment group ${label} has no load balancer target group pair: it is not an ECS blue/green group`,
    );
  }
  if (!testListenerArn) {
    throw new DiscoveryError(
      `deployment group ${label} has no test listener (testTrafficRoute): add one (e.g. port 8080), or set TEST_LISTENER_URL and turn the routing proof off`,
    );
  }
  if (!ecs?.clusterName || !ecs.serviceName) {
    throw new DiscoveryError(`deployment group ${label} names no ECS service`);
  }
  const alarms = group?.alarmConfiguration;
  return {
    prodListenerArn,
    testListenerArn,
    cluster: ecs.clusterName,
    service: ecs.serviceName,
    alarmNames: alarms?.enabled
      ? (alarms.alarms ?? []).flatMap((a) => (a.name ? [a.name] : []))
      : [],
  };
};

export { readRevision };
