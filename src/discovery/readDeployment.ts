/**
 * What CodeDeploy says about a deployment: its group, the group's listeners, target groups and
 * ECS service, and the new task definition from the revision's appspec. GetDeployment returns
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

export interface DeploymentView {
  readonly deploymentId: string;
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly prodListenerArn: string;
  readonly testListenerArn: string;
  readonly cluster: string;
  readonly service: string;
  /** From the revision; `revisionProblem` says why it is missing. */
  readonly appspec: AppspecFacts;
  readonly revisionProblem?: string;
}

const groupArn = (app: string, group: string) => `the deployment group ${app}/${group}`;

const readRevision = async (
  clients: DiscoveryClients,
  applicationName: string,
  revision: RevisionLocation | undefined,
  signal: AbortSignal,
): Promise<{ appspec: AppspecFacts; problem?: string }> => {
  if (!revision) return { appspec: {}, problem: 'the deployment has no revision' };
  try {
    if (revision.revisionType === 'S3' && revision.s3Location) {
      const { bucket, key } = revision.s3Location;
      const { readS3Text } = await import('./readS3Revision');
      const text = await readS3Text(bucket ?? '', key ?? '', signal);
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

export const readDeployment = async (
  clients: DiscoveryClients,
  deploymentId: string,
  signal: AbortSignal,
  /** Runs once the group is known, before it is read: may refuse the deployment (throw). */
  admit: (ref: DeploymentRef) => void = () => {},
): Promise<DeploymentView> => {
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
  admit({ deploymentId, applicationName, deploymentGroupName });
  const [groupAnswer, revision] = await Promise.all([
    awsRead(
      'codedeploy:GetDeploymentGroup',
      groupArn(applicationName, deploymentGroupName),
      signal,
      (o) =>
        clients.codeDeploy.send(
          new GetDeploymentGroupCommand({ applicationName, deploymentGroupName }),
          o,
        ),
    ),
    readRevision(clients, applicationName, info?.revision, signal),
  ]);
  const group = groupAnswer.deploymentGroupInfo;
  const pair = group?.loadBalancerInfo?.targetGroupPairInfoList?.[0];
  const prodListenerArn = pair?.prodTrafficRoute?.listenerArns?.[0];
  const testListenerArn = pair?.testTrafficRoute?.listenerArns?.[0];
  const ecs = group?.ecsServices?.[0];
  if (!pair || !prodListenerArn) {
    throw new DiscoveryError(
      `deployment group ${applicationName}/${deploymentGroupName} has no load balancer target group pair: it is not an ECS blue/green group`,
    );
  }
  if (!testListenerArn) {
    throw new DiscoveryError(
      `deployment group ${applicationName}/${deploymentGroupName} has no test listener (testTrafficRoute): add one (e.g. port 8080), or set TEST_LISTENER_URL and turn the routing proof off`,
    );
  }
  if (!ecs?.clusterName || !ecs.serviceName) {
    throw new DiscoveryError(
      `deployment group ${applicationName}/${deploymentGroupName} names no ECS service`,
    );
  }
  return {
    deploymentId,
    applicationName,
    deploymentGroupName,
    prodListenerArn,
    testListenerArn,
    cluster: ecs.clusterName,
    service: ecs.serviceName,
    appspec: revision.appspec,
    ...(revision.problem && { revisionProblem: revision.problem }),
  };
};
