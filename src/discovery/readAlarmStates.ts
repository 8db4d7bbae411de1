/**
 * The production watch's alarm check: which of the named CloudWatch alarms are in ALARM now.
 * A deployment started while an alarm was already firing gets no state-change event, so the
 * alarm rollback never hears of it; the watch asks.
 *
 * Both alarm types are asked for: without AlarmTypes, DescribeAlarms returns metric alarms only,
 * and a composite alarm ("any of these") would never be seen. The client comes from the
 * runtime's SDK, loaded on first use: most suites name no alarm.
 */
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { sdkClientConfig } from '../aws/clients';
import type { AlarmReader } from '../traffic/alarmReading';
import { awsRead } from './awsRead';

export type { AlarmReader, AlarmReading } from '../traffic/alarmReading';

/** DescribeAlarms takes at most 100 names per request. */
const NAMES_PER_REQUEST = 100;

export const cloudWatchAlarmReader = (client?: CloudWatchClient): AlarmReader => {
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
  return async (names, signal) => {
    const { sdk, client: cw } = await load();
    const states = new Map<string, { state: string; reason: string }>();
    for (let i = 0; i < names.length; i += NAMES_PER_REQUEST) {
      const chunk = names.slice(i, i + NAMES_PER_REQUEST);
      // A loop rather than paginateDescribeAlarms: the paginator takes no abort signal, and
      // every call here must stop with the invocation's budget.
      let nextToken: string | undefined;
      do {
        const page = await awsRead('cloudwatch:DescribeAlarms', 'the alarms', signal, (options) =>
          cw.send(
            new sdk.DescribeAlarmsCommand({
              AlarmNames: chunk,
              AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
              MaxRecords: NAMES_PER_REQUEST,
              ...(nextToken && { NextToken: nextToken }),
            }),
            options,
          ),
        );
        for (const a of [...(page.MetricAlarms ?? []), ...(page.CompositeAlarms ?? [])]) {
          if (a.AlarmName) {
            states.set(a.AlarmName, {
              state: a.StateValue ?? 'UNKNOWN',
              reason: a.StateReason ?? '',
            });
          }
        }
        nextToken = page.NextToken;
      } while (nextToken);
    }
    return {
      firing: names.flatMap((name) => {
        const s = states.get(name);
        return s?.state === 'ALARM' ? [{ name, reason: s.reason }] : [];
      }),
      missing: names.filter((name) => !states.has(name)),
    };
  };
};

/** The reader the hooks and the CLI use: one client per process, created on first use. */
export const awsAlarmReader: AlarmReader = cloudWatchAlarmReader();
