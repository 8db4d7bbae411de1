/**
 * A local endpoint that speaks CloudWatch's JSON 1.0 protocol as the SDK now sends it (POST /,
 * X-Amz-Target: GraniteServiceVersion20100801.<Operation>, x-amzn-query-mode: true; errors as
 * HTTP 400 {"__type", "message"} with the Query-compatible x-amzn-query-error: Code;Sender), for
 * DescribeAlarms over the local world's alarms. Records every request; faults can be injected.
 * Loopback only.
 */
import type http from 'node:http';
import { LoopbackHttpServer, readJsonRpc } from './loopback';

const TARGET_PREFIX = 'GraniteServiceVersion20100801.';

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export interface LocalAlarm {
  readonly name: string;
  readonly type: 'MetricAlarm' | 'CompositeAlarm';
  state: AlarmState;
  reason: string;
}

export interface CloudWatchRequest {
  readonly operation: string;
  readonly body: Record<string, unknown>;
  readonly headers: http.IncomingHttpHeaders;
}

export interface CloudWatchFault {
  /** The Query error code, e.g. AccessDenied or Throttling. */
  readonly code: string;
  readonly message?: string;
  readonly httpStatus?: number;
}

export class LocalCloudWatchEndpoint extends LoopbackHttpServer {
  public readonly requests: CloudWatchRequest[] = [];
  public readonly alarms = new Map<string, LocalAlarm>();
  private readonly faults: CloudWatchFault[] = [];

  public constructor(private readonly region = 'us-east-1') {
    super();
  }

  public setAlarm(
    name: string,
    state: AlarmState,
    reason = '',
    type: LocalAlarm['type'] = 'MetricAlarm',
  ) {
    this.alarms.set(name, { name, type, state, reason });
  }

  public failNext(fault: CloudWatchFault, times = 1): void {
    for (let i = 0; i < times; i++) this.faults.push(fault);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    readJsonRpc(req, TARGET_PREFIX, (operation, body) => {
      this.requests.push({ operation, body, headers: req.headers });
      const fault = this.faults.shift();
      if (fault) return this.error(res, fault);
      if (operation !== 'DescribeAlarms') {
        return this.error(res, {
          code: 'InvalidAction',
          message: `unknown operation ${operation}`,
        });
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(this.describeAlarms(body)));
    });
  }

  private error(res: http.ServerResponse, fault: CloudWatchFault): void {
    res.writeHead(fault.httpStatus ?? 400, {
      'content-type': 'application/x-amz-json-1.0',
      'x-amzn-query-error': `${fault.code};Sender`,
    });
    res.end(
      JSON.stringify({
        __type: `com.amazonaws.cloudwatch#${fault.code}`,
        message: fault.message ?? 'injected',
      }),
    );
  }

  private describeAlarms(body: Record<string, unknown>) {
    const names = Array.isArray(body.AlarmNames) ? body.AlarmNames.map(String) : undefined;
    // Without AlarmTypes, CloudWatch returns metric alarms only.
    const types = Array.isArray(body.AlarmTypes) ? body.AlarmTypes.map(String) : ['MetricAlarm'];
    const state = typeof body.StateValue === 'string' ? body.StateValue : undefined;
    const matching = [...this.alarms.values()].filter(
      (a) =>
        (!names || names.includes(a.name)) &&
        types.includes(a.type) &&
        (!state || a.state === state),
    );
    const view = (a: LocalAlarm) => ({
      AlarmName: a.name,
      AlarmArn: `arn:aws:cloudwatch:${this.region}:123456789012:alarm:${a.name}`,
      StateValue: a.state,
      StateReason: a.reason,
    });
    return {
      MetricAlarms: matching.filter((a) => a.type === 'MetricAlarm').map(view),
      CompositeAlarms: matching.filter((a) => a.type === 'CompositeAlarm').map(view),
    };
  }
}
