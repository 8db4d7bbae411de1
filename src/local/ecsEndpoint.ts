/**
 * A local endpoint that speaks ECS's JSON 1.1 protocol (POST /, X-Amz-Target:
 * AmazonEC2ContainerServiceV20141113.<Operation>, errors as HTTP 400 {"__type", "message"}), for
 * the real AWS SDK, from the local world's service, task sets and task definitions. Records every
 * request; faults can be injected per operation. Loopback only.
 */
import type http from 'node:http';
import type { LocalAwsWorld } from './awsWorld';
import { describeServiceRevisions } from './ecsRevisions';
import { FaultQueue, faultAnswer, type InjectedFault } from './faultQueue';
import { LoopbackHttpServer, readJsonRpc } from './loopback';

const TARGET_PREFIX = 'AmazonEC2ContainerServiceV20141113.';

export interface EcsRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
}

export type EcsFault = InjectedFault;

export class LocalEcsEndpoint extends LoopbackHttpServer {
  public readonly requests: EcsRequest[] = [];
  private readonly faults = new FaultQueue();

  public constructor(private readonly world: LocalAwsWorld) {
    super();
  }

  public failNext(operation: string, fault: EcsFault, times = 1): void {
    this.faults.add(operation, fault, times);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    readJsonRpc(req, TARGET_PREFIX, (operation, body) => {
      this.requests.push({ operation, body });
      const fault = this.faults.take(operation);
      const answer = fault
        ? faultAnswer(fault)
        : (({ status, body: b }) => ({ httpStatus: status, body: b }))(
            this.answer(operation, body),
          );
      res.writeHead(answer.httpStatus, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  }

  private answer(
    operation: string,
    body: Record<string, unknown>,
  ): { status: number; body: unknown } {
    const w = this.world;
    switch (operation) {
      case 'DescribeServices': {
        const names = Array.isArray(body.services) ? body.services.map(String) : [];
        const clusterOk = body.cluster === w.group.cluster || body.cluster === w.clusterArn;
        const found = names.filter(
          (n) => clusterOk && (n === w.group.service || n === w.serviceArn),
        );
        return {
          status: 200,
          body: {
            services: found.map(() => ({
              serviceArn: w.serviceArn,
              serviceName: w.group.service,
              clusterArn: w.clusterArn,
              status: 'ACTIVE',
              deploymentController: { type: 'CODE_DEPLOY' },
              taskSets: w.taskSets.map((t) => ({
                id: t.id,
                taskSetArn: `${w.serviceArn.replace(':service/', ':task-set/')}/${t.id}`,
                taskDefinition: t.taskDefinition,
                status: t.status,
                loadBalancers: [
                  { targetGroupArn: t.targetGroupArn, containerName: 'app', containerPort: 80 },
                ],
              })),
            })),
            failures: names
              .filter((n) => !found.includes(n))
              .map((n) => ({ arn: n, reason: 'MISSING' })),
          },
        };
      }
      case 'DescribeTaskDefinition': {
        const ref = String(body.taskDefinition ?? '');
        const td = [...w.taskDefinitions.values()].find(
          (t) => t.arn === ref || `${t.family}:${t.revision}` === ref,
        );
        if (!td) {
          return {
            status: 400,
            body: { __type: 'ClientException', message: 'Unable to describe task definition.' },
          };
        }
        return {
          status: 200,
          body: {
            taskDefinition: {
              taskDefinitionArn: td.arn,
              family: td.family,
              revision: td.revision,
              status: 'ACTIVE',
              containerDefinitions: td.containers.map((c) => ({
                name: c.name,
                image: c.image,
                environment: Object.entries(c.environment).map(([name, value]) => ({
                  name,
                  value,
                })),
              })),
            },
            ...(Array.isArray(body.include) &&
              body.include.includes('TAGS') && {
                tags: Object.entries(td.tags ?? {}).map(([key, value]) => ({ key, value })),
              }),
          },
        };
      }
      case 'DescribeServiceRevisions':
        return describeServiceRevisions(this.world, body);
      case 'DescribeServiceDeployments': {
        const arns = Array.isArray(body.serviceDeploymentArns)
          ? body.serviceDeploymentArns.map(String)
          : [];
        return {
          status: 200,
          body: {
            serviceDeployments: w.serviceDeployments
              .filter((d) => arns.includes(d.arn))
              .map((d) => ({
                serviceDeploymentArn: d.arn,
                serviceArn: w.serviceArn,
                clusterArn: w.clusterArn,
                status: d.status,
                sourceServiceRevisions: d.sourceRevisionArn ? [{ arn: d.sourceRevisionArn }] : [],
                targetServiceRevision: { arn: d.targetRevisionArn },
                alarms: {
                  status: w.deploymentAlarmNames.length > 0 ? 'MONITORING' : 'DISABLED',
                  alarmNames: w.deploymentAlarmNames,
                },
              })),
            failures: [],
          },
        };
      }
      case 'ListServiceDeployments': {
        const statuses = Array.isArray(body.status) ? body.status.map(String) : undefined;
        const ok = body.service === w.group.service || body.service === w.serviceArn;
        return {
          status: 200,
          body: {
            serviceDeployments: (ok ? w.serviceDeployments : [])
              .filter((d) => !statuses || statuses.includes(d.status))
              .map((d) => ({
                serviceDeploymentArn: d.arn,
                serviceArn: w.serviceArn,
                clusterArn: w.clusterArn,
                targetServiceRevisionArn: d.targetRevisionArn,
                status: d.status,
              })),
          },
        };
      }
      case 'StopServiceDeployment': {
        const d = w.serviceDeployments.find((x) => x.arn === body.serviceDeploymentArn);
        if (!d) {
          return {
            status: 400,
            body: { __type: 'ServiceDeploymentNotFoundException', message: 'not found' },
          };
        }
        if (!['PENDING', 'IN_PROGRESS'].includes(d.status)) {
          return {
            status: 400,
            body: { __type: 'ConflictException', message: `deployment is ${d.status}` },
          };
        }
        d.stopType = String(body.stopType ?? 'ROLLBACK');
        d.status = d.stopType === 'ABORT' ? 'STOP_REQUESTED' : 'ROLLBACK_REQUESTED';
        return { status: 200, body: { serviceDeploymentArn: d.arn } };
      }
      default:
        return {
          status: 400,
          body: { __type: 'UnknownOperationException', message: `${operation} is not simulated` },
        };
    }
  }
}
