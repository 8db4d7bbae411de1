/**
 * The local CodeDeploy endpoint's reads of a deployment, from the local world: GetDeployment
 * (whose appSpecContent.content is null, as the real service returns it), GetDeploymentGroup
 * and GetApplicationRevision (which does return the content).
 */
import { createHash } from 'node:crypto';
import type { LocalAwsWorld } from './awsWorld';
import type { FakeDeployment } from './codeDeployModel';

type Answer = { httpStatus: number; body: unknown };
const error = (type: string, message: string): Answer => ({
  httpStatus: 400,
  body: { __type: type, message },
});

const revisionOf = (d: FakeDeployment, withContent: boolean) => ({
  revisionType: 'AppSpecContent',
  appSpecContent: {
    ...(withContent && { content: d.appSpecContent }),
    sha256: createHash('sha256')
      .update(d.appSpecContent ?? '')
      .digest('hex'),
  },
});

export const answerDiscovery = (
  world: LocalAwsWorld | undefined,
  deployments: ReadonlyMap<string, FakeDeployment>,
  operation: string,
  body: Record<string, unknown>,
): Answer | undefined => {
  switch (operation) {
    case 'GetDeployment': {
      const d = deployments.get(String(body.deploymentId));
      if (!d)
        return error(
          'DeploymentDoesNotExistException',
          `deployment ${String(body.deploymentId)} does not exist`,
        );
      return {
        httpStatus: 200,
        body: {
          deploymentInfo: {
            deploymentId: d.deploymentId,
            applicationName: d.applicationName,
            deploymentGroupName: d.deploymentGroupName,
            status: d.status,
            computePlatform: 'ECS',
            creator: d.creator,
            ...(d.description !== undefined && { description: d.description }),
            ...(d.appSpecContent !== undefined && { revision: revisionOf(d, false) }),
            ...(d.s3Revision && {
              revision: {
                revisionType: 'S3',
                s3Location: {
                  bucket: d.s3Revision.bucket,
                  key: d.s3Revision.key,
                  bundleType: 'YAML',
                },
              },
            }),
          },
        },
      };
    }
    case 'GetDeploymentGroup': {
      const g = world?.findGroup(String(body.applicationName), String(body.deploymentGroupName));
      if (!g) return error('DeploymentGroupDoesNotExistException', 'No deployment group found');
      return {
        httpStatus: 200,
        body: {
          deploymentGroupInfo: {
            applicationName: g.applicationName,
            deploymentGroupName: g.deploymentGroupName,
            computePlatform: 'ECS',
            ecsServices: [{ serviceName: g.service, clusterName: g.cluster }],
            alarmConfiguration: {
              enabled: (world?.deploymentAlarmNames.length ?? 0) > 0,
              ignorePollAlarmFailure: false,
              alarms: (world?.deploymentAlarmNames ?? []).map((name) => ({ name })),
            },
            loadBalancerInfo: {
              targetGroupPairInfoList: [
                {
                  targetGroups: g.targetGroupNames.map((name) => ({ name })),
                  prodTrafficRoute: { listenerArns: [g.prodListenerArn] },
                  testTrafficRoute: { listenerArns: [g.testListenerArn] },
                },
              ],
            },
          },
        },
      };
    }
    case 'GetApplicationRevision': {
      const revision = body.revision as { appSpecContent?: { sha256?: string } } | undefined;
      const d = [...deployments.values()].find(
        (x) =>
          x.applicationName === body.applicationName &&
          x.appSpecContent !== undefined &&
          revisionOf(x, false).appSpecContent.sha256 === revision?.appSpecContent?.sha256,
      );
      if (!d) return error('RevisionDoesNotExistException', 'The revision does not exist');
      return {
        httpStatus: 200,
        body: {
          applicationName: d.applicationName,
          revision: revisionOf(d, true),
          revisionInfo: {},
        },
      };
    }
    default:
      return undefined;
  }
};
