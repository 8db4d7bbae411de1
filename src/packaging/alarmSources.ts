/**
 * Which alarms may reach the alarm function from EventBridge and from CloudWatch's direct Lambda
 * action: the shipped alarms by exact name, plus the stage's names and prefix. Written into the
 * template at package time.
 */
import { accountArn } from './accountArn';

type Json = Record<string, unknown>;

/** Alarm names accepted from EventBridge and direct alarm actions. */
export interface AlarmSources {
  /** Exact names: the shipped alarms, then the stage's alarmNames param. */
  readonly names: readonly string[];
  /** The stage's alarmNamePrefix param; empty matches nothing. */
  readonly prefix: string;
}

/** `"a, b,,c"` → `["a", "b", "c"]`. */
export const splitNames = (value: unknown): string[] =>
  typeof value === 'string'
    ? value
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean)
    : [];

/** The EventBridge rule's `detail.alarmName` pattern. */
export const alarmNamePattern = (sources: AlarmSources): unknown[] => [
  ...new Set(sources.names),
  ...(sources.prefix ? [{ prefix: sources.prefix }] : []),
];

export const ALARM_PERMISSION_ID = 'AlarmRollbackAlarmAction';

const logicalSuffix = (text: string): string =>
  text.replace(/[^A-Za-z0-9]/g, '').slice(0, 200) || 'Alarm';

/** One Lambda permission per alarm source: CloudWatch's direct Lambda action. */
export const alarmActionPermissions = (sources: AlarmSources): Record<string, Json> => {
  const entries = [
    ...[...new Set(sources.names)].map((name) => [name, name] as const),
    ...(sources.prefix ? [[`${sources.prefix}*`, `Prefix${sources.prefix}`] as const] : []),
  ];
  const out: Record<string, Json> = {};
  entries.forEach(([pattern, label], i) => {
    out[`${ALARM_PERMISSION_ID}${i}${logicalSuffix(label)}`] = {
      Type: 'AWS::Lambda::Permission',
      Properties: {
        FunctionName: { 'Fn::GetAtt': ['AlarmRollbackLambdaFunction', 'Arn'] },
        Action: 'lambda:InvokeFunction',
        Principal: 'lambda.alarms.cloudwatch.amazonaws.com',
        SourceAccount: { Ref: 'AWS::AccountId' },
        SourceArn: accountArn('cloudwatch', `:alarm:${pattern}`),
      },
    };
  });
  return out;
};
