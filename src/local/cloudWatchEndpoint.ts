/**
 * A local endpoint that speaks CloudWatch's JSON 1.0 protocol as the SDK now sends it (POST /,
 * X-Amz-Target: GraniteServiceVersion20100801.<Operation>, x-amzn-query-mode: true; errors as
 * HTTP 400 {"__type", "message"} with the Query-compatible x-amzn-query-error: Code;Sender), for
 * DescribeAlarms over the local world's alarms and GetMetricData over its metrics (MetricStore:
 * empty periods have no datapoint, recent ones arrive late). Records every request; faults can
 * be injected. Loopback only.
 */
import type http from 'node:http';
import { LoopbackHttpServer, readJsonRpc } from './loopback';
import { type Dimension, MetricStore } from './metricStore';

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
  public readonly metrics: MetricStore;
  private readonly faults: CloudWatchFault[] = [];

  public constructor(
    private readonly region = 'us-east-1',
    now: () => number = Date.now,
  ) {
    super();
    this.metrics = new MetricStore(now);
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
      const answer =
        operation === 'DescribeAlarms'
          ? this.describeAlarms(body)
          : operation === 'GetMetricData'
            ? this.getMetricData(body)
            : undefined;
      if (!answer) {
        return this.error(res, {
          code: 'InvalidAction',
          message: `unknown operation ${operation}`,
        });
      }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end(JSON.stringify(answer));
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

  /**
   * GetMetricData for MetricStat queries (no math expressions): timestamps in epoch seconds, as
   * the JSON protocol carries them, newest first unless ScanBy says otherwise.
   */
  private getMetricData(body: Record<string, unknown>) {
    type Query = {
      Id: string;
      ReturnData?: boolean;
      MetricStat?: {
        Metric: { Namespace: string; MetricName: string; Dimensions?: Dimension[] };
        Period: number;
        Stat: string;
      };
    };
    const queries = (
      Array.isArray(body.MetricDataQueries) ? body.MetricDataQueries : []
    ) as Query[];
    const start = Number(body.StartTime) * 1000;
    const end = Number(body.EndTime) * 1000;
    const ascending = body.ScanBy === 'TimestampAscending';
    return {
      MetricDataResults: queries
        .filter((q) => q.ReturnData !== false && q.MetricStat)
        .map((q) => {
          const stat = q.MetricStat as NonNullable<Query['MetricStat']>;
          const points = this.metrics.query(
            {
              namespace: stat.Metric.Namespace,
              name: stat.Metric.MetricName,
              dimensions: stat.Metric.Dimensions ?? [],
            },
            stat.Period,
            stat.Stat,
            start,
            end,
          );
          if (!ascending) points.reverse();
          return {
            Id: q.Id,
            Label: stat.Metric.MetricName,
            Timestamps: points.map((p) => p.at / 1000),
            Values: points.map((p) => p.value),
            StatusCode: 'Complete',
          };
        }),
      Messages: [],
    };
  }
}
