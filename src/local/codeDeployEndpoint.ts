/**
 * A local HTTP endpoint that speaks CodeDeploy's JSON 1.1 protocol (POST /, X-Amz-Target:
 * CodeDeploy_20141006.<Operation>, errors as HTTP 400 {"__type", "message"}), for the real AWS
 * SDK to talk to in tests, the rehearsal and the benchmark. It keeps the state those need:
 * deployments with a status, hook executions with their one reported status, and every request.
 * Loopback only.
 */
import type http from 'node:http';
import type { LocalAwsWorld } from './awsWorld';
import { answerDiscovery } from './codeDeployDiscoveryOps';
import {
  ACTIVE_STATUSES,
  batchGetDeployments,
  type DeploymentStatus,
  error,
  type FakeDeployment,
  listDeployments,
  type ReceivedRequest,
} from './codeDeployModel';
import { FaultQueue, faultAnswer, type InjectedFault } from './faultQueue';
import { LoopbackHttpServer, readJsonRpc } from './loopback';

export {
  ACTIVE_STATUSES,
  type DeploymentStatus,
  type FakeDeployment,
  type ReceivedRequest,
} from './codeDeployModel';

export type { InjectedFault } from './faultQueue';

export interface CodeDeployEndpointOptions {
  /** Deployments per ListDeployments page (the real service pages at 100). */
  readonly pageSize?: number;
  /** Deployment groups, listeners and revisions for the discovery reads. */
  readonly world?: LocalAwsWorld;
}

export class LocalCodeDeployEndpoint extends LoopbackHttpServer {
  public readonly requests: ReceivedRequest[] = [];
  public readonly deployments = new Map<string, FakeDeployment>();
  /** Reported statuses by hook execution id. */
  public readonly hookStatuses = new Map<string, string>();
  private readonly faults = new FaultQueue();
  private readonly stalls = new Map<string, number>();
  private readonly pageSize: number;
  private readonly world: LocalAwsWorld | undefined;
  private counter = 0;

  public constructor(options: CodeDeployEndpointOptions = {}) {
    super();
    this.pageSize = options.pageSize ?? 100;
    this.world = options.world;
  }

  /** Adds a deployment; returns its id (d- and nine characters, like the real ones). */
  public addDeployment(
    applicationName: string,
    deploymentGroupName: string,
    status: DeploymentStatus = 'InProgress',
    extra: {
      creator?: string;
      description?: string;
      rollbackOf?: string;
      appSpecContent?: string;
      s3Revision?: { bucket: string; key: string };
    } = {},
  ): string {
    this.counter++;
    const deploymentId = `d-${this.counter.toString(36).toUpperCase().padStart(9, '0')}`;
    this.deployments.set(deploymentId, {
      deploymentId,
      applicationName,
      deploymentGroupName,
      status,
      creator: extra.creator ?? 'user',
      ...(extra.description !== undefined && { description: extra.description }),
      ...(extra.rollbackOf && { rollbackOf: extra.rollbackOf }),
      ...(extra.appSpecContent !== undefined && { appSpecContent: extra.appSpecContent }),
      ...(extra.s3Revision && { s3Revision: extra.s3Revision }),
    });
    return deploymentId;
  }

  /** Deployments a stop-with-rollback started, as the real service does. */
  public rollbacksOf(deploymentId: string): FakeDeployment[] {
    return [...this.deployments.values()].filter((d) => d.rollbackOf === deploymentId);
  }

  /** The next `times` calls of `operation` fail with `fault`. */
  public failNext(operation: string, fault: InjectedFault, times = 1): void {
    this.faults.add(operation, fault, times);
  }

  /** Drops the faults not yet used (of one operation, or all). */
  public clearFaults(operation?: string): void {
    this.faults.clear(operation);
  }

  /**
   * The next `times` calls of `operation` are received and never answered, like a black-holed
   * connection: only the client's own timeouts get it out.
   */
  public stallNext(operation: string, times = 1): void {
    this.stalls.set(operation, (this.stalls.get(operation) ?? 0) + times);
  }

  public requestsFor(operation: string): ReceivedRequest[] {
    return this.requests.filter((r) => r.operation === operation);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    readJsonRpc(req, 'CodeDeploy_20141006.', (operation, body) => {
      const receivedAt = performance.now();
      this.requests.push({ operation, body, headers: req.headers, receivedAt });
      const stalls = this.stalls.get(operation) ?? 0;
      if (stalls > 0) {
        this.stalls.set(operation, stalls - 1);
        return; // never answered; closed when the server stops
      }
      const answer = this.answer(req, operation, body);
      res.writeHead(answer.httpStatus, { 'content-type': 'application/x-amz-json-1.1' });
      res.end(JSON.stringify(answer.body));
    });
  }

  private answer(
    req: http.IncomingMessage,
    operation: string,
    body: Record<string, unknown>,
  ): { httpStatus: number; body: unknown } {
    if (req.method !== 'POST' || req.url !== '/') {
      return error('UnknownOperationException', 'CodeDeploy takes POST /');
    }
    const fault = this.faults.take(operation);
    if (fault) return faultAnswer(fault);
    switch (operation) {
      case 'PutLifecycleEventHookExecutionStatus':
        return this.putHookStatus(body);
      case 'ListDeployments':
        return listDeployments(this.deployments, this.pageSize, body);
      case 'StopDeployment':
        return this.stopDeployment(body);
      case 'BatchGetDeployments':
        return batchGetDeployments(this.deployments, body);
      case 'GetDeployment':
      case 'GetDeploymentGroup':
      case 'GetApplicationRevision':
        return answerDiscovery(this.world, this.deployments, operation, body) as {
          httpStatus: number;
          body: unknown;
        };
      default:
        return error('UnknownOperationException', `operation "${operation}" is not simulated`);
    }
  }

  private putHookStatus(body: Record<string, unknown>) {
    const executionId = body.lifecycleEventHookExecutionId;
    const status = body.status;
    if (typeof executionId !== 'string' || executionId === '') {
      return error('LifecycleEventHookExecutionIdRequiredException', 'execution id required');
    }
    if (status !== 'Succeeded' && status !== 'Failed') {
      return error(
        'InvalidLifecycleEventHookExecutionStatusException',
        `bad status ${String(status)}`,
      );
    }
    const deploymentId = body.deploymentId;
    if (
      typeof deploymentId === 'string' &&
      this.deployments.size > 0 &&
      !this.deployments.has(deploymentId)
    ) {
      return error('DeploymentDoesNotExistException', `deployment ${deploymentId} does not exist`);
    }
    if (this.hookStatuses.has(executionId)) {
      return error(
        'LifecycleEventAlreadyCompletedException',
        `lifecycle event ${executionId} already completed`,
      );
    }
    this.hookStatuses.set(executionId, status);
    return { httpStatus: 200, body: { lifecycleEventHookExecutionId: executionId } };
  }

  private stopDeployment(body: Record<string, unknown>) {
    const deployment = this.deployments.get(String(body.deploymentId));
    if (!deployment) {
      return error(
        'DeploymentDoesNotExistException',
        `deployment ${String(body.deploymentId)} does not exist`,
      );
    }
    if (!(ACTIVE_STATUSES as readonly string[]).includes(deployment.status)) {
      return error(
        'DeploymentAlreadyCompletedException',
        `deployment ${deployment.deploymentId} is already ${deployment.status}`,
      );
    }
    deployment.status = 'Stopped';
    deployment.stoppedWithRollback = body.autoRollbackEnabled === true;
    if (deployment.stoppedWithRollback) {
      // CodeDeploy rolls back through a new deployment, active in the same group.
      this.addDeployment(deployment.applicationName, deployment.deploymentGroupName, 'InProgress', {
        creator: 'codeDeployRollback',
        rollbackOf: deployment.deploymentId,
      });
    }
    return {
      httpStatus: 200,
      body: { status: 'Succeeded', statusMessage: 'Deployment stopped' },
    };
  }
}
