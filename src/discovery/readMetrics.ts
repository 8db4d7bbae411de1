/**
 * Canary analysis's read of CloudWatch: GetMetricData, one-minute periods, oldest first, every
 * query in one call (at most 500 per call; an analysis asks for about ten). A result CloudWatch
 * marks Forbidden or InternalError is an error, never "no traffic": an empty minute and a failed
 * read must not look alike. The client comes from the runtime's SDK, loaded on first use.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdkClientConfig } from '../aws/clients';
import { AccessDeniedError, DiscoveryError } from '../errors';
import { type MetricReader, MINUTE_MS } from '../traffic/metricReading';
import { awsRead } from './awsRead';

export type { MetricReader } from '../traffic/metricReading';

/** GetMetricData's limit of queries per call. */
const QUERIES_PER_CALL = 500;

export const cloudWatchMetricReader = (client?: CloudWatchClient): MetricReader => {
  let loaded: Promise<{
    client: CloudWatchClient;
    sdk: typeof import('@aws-sdk/client-cloudwatch');
  }>;
  const load = () => {
    loaded ??= import('@aws-sdk/client-cloudwatch').then((sdk) => ({
      sdk,
      client: client ?? new sdk.CloudWatchClient(sdkClientConfig()),
    }));
    return loaded;
  };
  return async (queries, window, signal) => {
    if (window.startMs % MINUTE_MS !== 0 || window.endMs % MINUTE_MS !== 0) {
      throw new RangeError('a metric window starts and ends on a whole minute');
    }
    if (queries.length > QUERIES_PER_CALL) {
      throw new RangeError(`at most ${QUERIES_PER_CALL} metric queries per read`);
    }
    const { sdk, client: cw } = await load();
    const values = new Map(queries.map((q) => [q.id, new Map<number, number>()]));
    // A loop rather than paginateGetMetricData: the paginator takes no abort signal, and every
    // call here must stop with the invocation's budget.
    let nextToken: string | undefined;
    do {
      const page = await awsRead('cloudwatch:GetMetricData', '"*"', signal, (options) =>
        cw.send(
          new sdk.GetMetricDataCommand({
            StartTime: new Date(window.startMs),
            EndTime: new Date(window.endMs),
            ScanBy: 'TimestampAscending',
            MetricDataQueries: queries.map((q) => ({
              Id: q.id,
              MetricStat: {
                Metric: {
                  Namespace: q.namespace,
                  MetricName: q.metricName,
                  Dimensions: Object.entries(q.dimensions).map(([Name, Value]) => ({
                    Name,
                    Value,
                  })),
                },
                Period: MINUTE_MS / 1000,
                Stat: q.stat,
              },
            })),
            ...(nextToken && { NextToken: nextToken }),
          }),
          options,
        ),
      );
      for (const r of page.MetricDataResults ?? []) {
        const series = r.Id === undefined ? undefined : values.get(r.Id);
        if (!series) continue;
        if (r.StatusCode === 'Forbidden' || r.StatusCode === 'InternalError') {
          const Failure = r.StatusCode === 'Forbidden' ? AccessDeniedError : DiscoveryError;
          throw new Failure(
            `cloudwatch:GetMetricData answered ${r.StatusCode} for ${r.Id}${r.Messages?.[0]?.Value ? ` (${r.Messages[0].Value})` : ''}: its minutes cannot be judged`,
          );
        }
        (r.Timestamps ?? []).forEach((t, i) => {
          const v = r.Values?.[i];
          if (v !== undefined) series.set(t.getTime(), v);
        });
      }
      nextToken = page.NextToken;
    } while (nextToken);
    return values;
  };
};

/** The reader the hooks and the CLI use: one client per process, created on first use. */
export const awsMetricReader: MetricReader = cloudWatchMetricReader();
