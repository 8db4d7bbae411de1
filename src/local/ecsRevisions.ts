/**
 * DescribeServiceRevisions over the local world: each revision's load balancer rules (or, for a
 * Service Connect service, its test traffic rules), as ECS describes them.
 */
import type { LocalAwsWorld } from './awsWorld';

export const describeServiceRevisions = (
  w: LocalAwsWorld,
  body: Record<string, unknown>,
): {
  status: number;
  body: unknown;
} => {
  const arns = Array.isArray(body.serviceRevisionArns) ? body.serviceRevisionArns.map(String) : [];
  const revision = (arn: string) => {
    const green = arn === w.greenRevisionArn;
    if (!green && arn !== w.blueRevisionArn) return undefined;
    const td = green ? w.green : w.blue;
    const tg = green ? w.tg2 : w.tg1;
    return {
      serviceRevisionArn: arn,
      serviceArn: w.serviceArn,
      clusterArn: w.clusterArn,
      taskDefinition: td.arn,
      ...(!w.serviceConnect && {
        loadBalancers: [
          {
            targetGroupArn: w.tg1.arn,
            containerName: td.containers[0]?.name,
            containerPort: 80,
            advancedConfiguration: {
              alternateTargetGroupArn: w.tg2.arn,
              productionListenerRule: w.ruleOf(w.prodListener),
              testListenerRule: w.ruleOf(w.testListener),
              roleArn: 'arn:aws:iam::123456789012:role/ecs-elb',
            },
          },
        ],
        resolvedConfiguration: {
          loadBalancers: [
            { targetGroupArn: tg.arn, productionListenerRule: w.ruleOf(w.prodListener) },
          ],
        },
      }),
      ...(w.serviceConnect && {
        serviceConnectConfiguration: {
          enabled: true,
          services: [
            {
              portName: 'http',
              clientAliases: [
                {
                  port: 80,
                  ...(w.serviceConnect.header && {
                    testTrafficRules: {
                      header: {
                        name: w.serviceConnect.header.name,
                        value: { exact: w.serviceConnect.header.value },
                      },
                    },
                  }),
                },
              ],
            },
          ],
        },
      }),
    };
  };
  const found = arns.map(revision);
  return {
    status: 200,
    body: {
      serviceRevisions: found.filter(Boolean),
      failures: arns.filter((_, i) => !found[i]).map((arn) => ({ arn, reason: 'MISSING' })),
    },
  };
};
