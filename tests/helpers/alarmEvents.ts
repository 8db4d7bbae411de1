/**
 * Real-shaped CloudWatch alarm payloads, as Lambda receives them from SNS, EventBridge and an
 * alarm's direct Lambda action (field names and nesting as documented by AWS).
 */
export interface AlarmFixture {
  readonly alarmName?: string;
  readonly newState?: string;
  readonly oldState?: string;
  readonly reason?: string;
}

const ARN = (name: string) => `arn:aws:cloudwatch:us-east-1:123456789012:alarm:${name}`;

export const snsAlarmMessage = ({
  alarmName = 'web-5xx',
  newState = 'ALARM',
  oldState = 'OK',
  reason = 'Threshold Crossed: 1 datapoint [12.0] was greater than the threshold (5.0).',
}: AlarmFixture = {}) => ({
  AlarmName: alarmName,
  AlarmDescription: 'Green answers 5xx',
  AWSAccountId: '123456789012',
  AlarmConfigurationUpdatedTimestamp: '2026-11-27T10:00:00.000+0000',
  NewStateValue: newState,
  NewStateReason: reason,
  StateChangeTime: '2026-11-27T10:05:00.000+0000',
  Region: 'US East (N. Virginia)',
  AlarmArn: ARN(alarmName),
  OldStateValue: oldState,
  OKActions: [],
  AlarmActions: ['arn:aws:sns:us-east-1:123456789012:alarms'],
  InsufficientDataActions: [],
  Trigger: {
    MetricName: 'HTTPCode_Target_5XX_Count',
    Namespace: 'AWS/ApplicationELB',
    StatisticType: 'Statistic',
    Statistic: 'SUM',
    Unit: null,
    Dimensions: [
      { value: 'targetgroup/tg-2/0123456789abcdef', name: 'TargetGroup' },
      { value: 'app/my-alb/0123456789abcdef', name: 'LoadBalancer' },
    ],
    Period: 60,
    EvaluationPeriods: 1,
    ComparisonOperator: 'GreaterThanThreshold',
    Threshold: 5,
    TreatMissingData: 'notBreaching',
  },
});

export const snsEvent = (...alarms: AlarmFixture[]) => ({
  Records: (alarms.length ? alarms : [{}]).map((a, i) => ({
    EventSource: 'aws:sns',
    EventVersion: '1.0',
    EventSubscriptionArn: `arn:aws:sns:us-east-1:123456789012:alarms:sub-${i}`,
    Sns: {
      Type: 'Notification',
      MessageId: `95df01b4-ee98-5cb9-9903-4c221d41eb5${i}`,
      TopicArn: 'arn:aws:sns:us-east-1:123456789012:alarms',
      Subject: `ALARM: "${a.alarmName ?? 'web-5xx'}" in US East (N. Virginia)`,
      Message: JSON.stringify(snsAlarmMessage(a)),
      Timestamp: '2026-11-27T10:05:00.123Z',
      SignatureVersion: '1',
      Signature: 'EXAMPLE',
      SigningCertUrl: 'https://sns.us-east-1.amazonaws.com/cert.pem',
      UnsubscribeUrl: 'https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe',
      MessageAttributes: {},
    },
  })),
});

const alarmDetail = ({
  alarmName = 'web-5xx',
  newState = 'ALARM',
  oldState = 'OK',
  reason = 'Threshold Crossed',
}: AlarmFixture) => ({
  alarmName,
  state: { value: newState, reason, timestamp: '2026-11-27T10:05:00.000+0000' },
  previousState: {
    value: oldState,
    reason: 'Threshold not crossed',
    timestamp: '2026-11-27T09:00:00.000+0000',
  },
  configuration: {
    description: 'Green answers 5xx',
    metrics: [
      {
        id: 'm1',
        metricStat: {
          metric: {
            namespace: 'AWS/ApplicationELB',
            name: 'HTTPCode_Target_5XX_Count',
            dimensions: { TargetGroup: 'targetgroup/tg-2/0123456789abcdef' },
          },
          period: 60,
          stat: 'Sum',
        },
        returnData: true,
      },
    ],
  },
});

export const eventBridgeEvent = (alarm: AlarmFixture = {}) => ({
  version: '0',
  id: 'c4c1c1c9-6542-e61b-6ef0-8c4d36933a92',
  'detail-type': 'CloudWatch Alarm State Change',
  source: 'aws.cloudwatch',
  account: '123456789012',
  time: '2026-11-27T10:05:00Z',
  region: 'us-east-1',
  resources: [ARN(alarm.alarmName ?? 'web-5xx')],
  detail: alarmDetail(alarm),
});

export const alarmActionEvent = (alarm: AlarmFixture = {}) => ({
  source: 'aws.cloudwatch',
  alarmArn: ARN(alarm.alarmName ?? 'web-5xx'),
  accountId: '123456789012',
  time: '2026-11-27T10:05:00.000+0000',
  region: 'us-east-1',
  alarmData: alarmDetail(alarm),
});
