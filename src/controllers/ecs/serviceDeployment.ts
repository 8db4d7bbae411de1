/**
 * What the ECS hook reads of the service deployment itself (DescribeServiceDeployments): whether
 * it creates the service (no source revision), and the alarms its deploymentConfiguration names.
 */
import { DescribeServiceDeploymentsCommand } from '@aws-sdk/client-ecs';
import type { DiscoveryClients } from '../../aws/clients';
import { awsRead } from '../../discovery/awsRead';

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
    /** A service's first deployment has no source revision. */
    isServiceCreation: async (arn: string, signal: AbortSignal): Promise<boolean> =>
      ((await describe(arn, signal))?.sourceServiceRevisions ?? []).length === 0,
    /** The alarms the deployment names, unless ECS does not use them. */
    alarmNames: async (arn: string, signal: AbortSignal): Promise<readonly string[]> => {
      const alarms = (await describe(arn, signal))?.alarms;
      return alarms?.status === 'DISABLED' ? [] : (alarms?.alarmNames ?? []);
    },
  };
};
