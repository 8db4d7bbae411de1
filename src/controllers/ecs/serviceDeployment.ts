/**
 * What the ECS hook reads of the service deployment itself (DescribeServiceDeployments): whether
 * it creates the service (no source revision), and the alarms its deploymentConfiguration names;
 * and the tags of the task definition it deploys (the operator's skip marker).
 */
import {
  DescribeServiceDeploymentsCommand,
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import type { DiscoveryClients } from '../../aws/clients';
import { awsRead } from '../../discovery/awsRead';
import { DiscoveryError } from '../../errors';

export const createServiceDeploymentReads = (clients: Pick<DiscoveryClients, 'ecs'>) => {
  const describe = async (serviceDeploymentArn: string, signal: AbortSignal) => {
    const answer = await awsRead(
      'ecs:DescribeServiceDeployments',
      'the service deployment',
      signal,
      (o) =>
        clients.ecs.send(
          new DescribeServiceDeploymentsCommand({ serviceDeploymentArns: [serviceDeploymentArn] }),
          o,
        ),
    );
    return answer.serviceDeployments?.[0];
  };
  return {
    /**
     * A service's first deployment has no source revision. Only a deployment ECS returned can
     * show that: an answer without it proves nothing, and the checks run.
     */
    isServiceCreation: async (arn: string, signal: AbortSignal): Promise<boolean> => {
      const deployment = await describe(arn, signal);
      return deployment !== undefined && (deployment.sourceServiceRevisions ?? []).length === 0;
    },
    /**
     * The alarms the deployment names, unless ECS does not use them. A deployment ECS does not
     * return is an error: the watch asked for its alarms, and none could be read.
     */
    alarmNames: async (arn: string, signal: AbortSignal): Promise<readonly string[]> => {
      const deployment = await describe(arn, signal);
      if (!deployment) {
        throw new DiscoveryError(
          `service deployment ${arn} was not found, so its alarms (watch.deploymentAlarms) could not be read`,
        );
      }
      const alarms = deployment.alarms;
      return alarms?.status === 'DISABLED' ? [] : (alarms?.alarmNames ?? []);
    },
    /**
     * The tag values of the task definition a revision deploys. A service deployment has no
     * free text of its own (the API's ServiceDeployment has no description), so a marker rides
     * on what each release registers: its task definition revision.
     */
    taskDefinitionTags: async (revisionArn: string, signal: AbortSignal): Promise<string[]> => {
      const revisions = await awsRead('ecs:DescribeServiceRevisions', 'the revision', signal, (o) =>
        clients.ecs.send(
          new DescribeServiceRevisionsCommand({ serviceRevisionArns: [revisionArn] }),
          o,
        ),
      );
      const taskDefinition = revisions.serviceRevisions?.[0]?.taskDefinition;
      if (!taskDefinition) return [];
      const answer = await awsRead('ecs:DescribeTaskDefinition', '"*"', signal, (o) =>
        clients.ecs.send(
          new DescribeTaskDefinitionCommand({ taskDefinition, include: ['TAGS'] }),
          o,
        ),
      );
      return (answer.tags ?? []).flatMap((t) => [t.key ?? '', t.value ?? '']);
    },
  };
};
