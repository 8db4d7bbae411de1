/**
 * The stack an operator runs. No alarm is lost: every path by which an alarm reaches the rollback function ends in a kept
 * message when the function cannot take it, in a queue that admits exactly that path's source.
 * Proved on the real `sls package` output, with the IAM simulator evaluating the queue's policy.
 * And every metric the functions write is on the stage's dashboard, next to the queue and the
 * functions' Errors alarms.
 */
import { rmSync } from 'node:fs';
import { METRIC_NAMES, METRICS_NAMESPACE } from '../../../src/logging/metrics';
import { resolveIntrinsics, SAMPLE, simulateServiceDelivery } from '../../helpers/iamSimulation';
import { type CloudFormationTemplate, copyProject, slsPackage } from '../../helpers/slsProject';

type Resources = Record<string, { Type: string; Properties: Record<string, unknown> }>;

let resources: Resources;
let dir: string;
const resolve = (v: unknown) => resolveIntrinsics(v, resources) as never;
const ofType = (type: string) =>
  Object.entries(resources).filter(([, r]) => r.Type === type) as unknown as [
    string,
    { Properties: Record<string, unknown> },
  ][];

const QUEUE_ARN = `arn:aws:sqs:${SAMPLE.region}:${SAMPLE.account}:ecs-bluegreen-hooks-dev-alarm-rollback-failed`;
const TOPIC_ARN = `arn:aws:sns:${SAMPLE.region}:${SAMPLE.account}:ecs-bluegreen-hooks-dev-alarms`;
const RULE_ARN = `arn:aws:events:${SAMPLE.region}:${SAMPLE.account}:rule/ecs-bluegreen-hooks-dev-alarm-rollback`;

/** The policy SQS would hold for `queueArn` (SQS keeps one; two would overwrite each other). */
const queuePolicyOf = (queueArn: string) => {
  const policies = ofType('AWS::SQS::QueuePolicy').filter(([, p]) =>
    (p.Properties.Queues as unknown[]).some(
      (q) => resolve(q) === `${queueIdOf(queueArn)}-physical-id`,
    ),
  );
  expect(policies).toHaveLength(1);
  return resolve(policies[0]?.[1].Properties.PolicyDocument);
};
const queueIdOf = (arn: string) =>
  ofType('AWS::SQS::Queue').find(([id]) => resolve({ 'Fn::GetAtt': [id, 'Arn'] }) === arn)?.[0];

const delivery = (service: string, sourceArn: string, tls = true) =>
  simulateServiceDelivery({
    resourcePolicy: queuePolicyOf(QUEUE_ARN),
    service,
    action: 'sqs:SendMessage',
    resource: QUEUE_ARN,
    sourceArn,
    tls,
  });

beforeAll(async () => {
  dir = copyProject();
  const result = await slsPackage(dir, ['--stage', 'dev']);
  if (!result.ok) throw new Error(result.output);
  resources = (result.template as CloudFormationTemplate).Resources as Resources;
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('SNS -> the function: a delivery SNS gives up on goes to the queue', () => {
  it('the subscription of the alarm topic to the function has a redrive policy to the queue', () => {
    const subs = ofType('AWS::SNS::Subscription').map(([, s]) => resolve(s.Properties));
    expect(subs).toEqual([
      {
        TopicArn: TOPIC_ARN,
        Protocol: 'lambda',
        Endpoint: expect.stringMatching(
          /:function:CodeDeployHook_sample-website-dev-AlarmRollback$/,
        ),
        RedrivePolicy: { deadLetterTargetArn: QUEUE_ARN },
      },
    ]);
  });

  it('the queue admits SNS for the alarm topic only, and only over TLS (IAM simulator)', async () => {
    expect(await delivery('sns.amazonaws.com', TOPIC_ARN)).toBe('Allowed');
    expect(await delivery('sns.amazonaws.com', `${TOPIC_ARN}-other`)).toBe('ImplicitlyDenied');
    expect(await delivery('sns.amazonaws.com', TOPIC_ARN, false)).toBe('ExplicitlyDenied');
  });
});

describe('EventBridge -> the function: a delivery EventBridge gives up on goes to the queue', () => {
  it('the alarm rule targets the function with retries and a dead-letter queue', () => {
    const rules = ofType('AWS::Events::Rule').map(([, r]) => resolve(r.Properties));
    expect(rules).toHaveLength(1);
    const [rule] = rules as { Name: string; Targets: Record<string, unknown>[] }[];
    expect(rule?.Name).toBe('ecs-bluegreen-hooks-dev-alarm-rollback');
    expect(rule?.Targets).toEqual([
      expect.objectContaining({
        Arn: expect.stringMatching(/:function:CodeDeployHook_sample-website-dev-AlarmRollback$/),
        DeadLetterConfig: { Arn: QUEUE_ARN },
        RetryPolicy: { MaximumEventAgeInSeconds: 900, MaximumRetryAttempts: 20 },
      }),
    ]);
  });

  it('the queue admits EventBridge for that rule only, and only over TLS (IAM simulator)', async () => {
    expect(await delivery('events.amazonaws.com', RULE_ARN)).toBe('Allowed');
    expect(await delivery('events.amazonaws.com', `${RULE_ARN}-other`)).toBe('ImplicitlyDenied');
    expect(await delivery('events.amazonaws.com', RULE_ARN, false)).toBe('ExplicitlyDenied');
    // Each service only for its own source: SNS cannot use the rule's grant, nor the reverse.
    expect(await delivery('sns.amazonaws.com', RULE_ARN)).toBe('ImplicitlyDenied');
    expect(await delivery('events.amazonaws.com', TOPIC_ARN)).toBe('ImplicitlyDenied');
  });
});

describe("a direct alarm action -> the function: Lambda's on-failure destination", () => {
  it('an asynchronous invocation that failed every retry goes to the queue', () => {
    const configs = ofType('AWS::Lambda::EventInvokeConfig').map(([, c]) => resolve(c.Properties));
    expect(configs).toEqual([
      expect.objectContaining({
        FunctionName: 'CodeDeployHook_sample-website-dev-AlarmRollback',
        MaximumRetryAttempts: 2,
        DestinationConfig: { OnFailure: { Destination: QUEUE_ARN } },
      }),
    ]);
  });

  it('the queue admits no other service, whatever the source', async () => {
    for (const service of ['lambda.amazonaws.com', 's3.amazonaws.com', 'cloudwatch.amazonaws.com'])
      expect(await delivery(service, TOPIC_ARN)).toBe('ImplicitlyDenied');
  });
});

describe('the alarm topic', () => {
  it("admits this account's CloudWatch alarms, and nothing without TLS (IAM simulator)", async () => {
    const [policy] = ofType('AWS::SNS::TopicPolicy').map(([, p]) => resolve(p.Properties));
    const { PolicyDocument, Topics } = policy as unknown as {
      PolicyDocument: unknown;
      Topics: string[];
    };
    expect(Topics).toEqual([TOPIC_ARN]);
    const publish = (sourceArn: string, tls = true) =>
      simulateServiceDelivery({
        resourcePolicy: PolicyDocument,
        service: 'cloudwatch.amazonaws.com',
        action: 'sns:Publish',
        resource: TOPIC_ARN,
        sourceArn,
        tls,
      });
    const alarm = `arn:aws:cloudwatch:${SAMPLE.region}:${SAMPLE.account}:alarm:sample-website-dev-target-5xx`;
    expect(await publish(alarm)).toBe('Allowed');
    expect(await publish(alarm, false)).toBe('ExplicitlyDenied');
    expect(await publish(alarm.replace(SAMPLE.account, '210987654321'))).toBe('ImplicitlyDenied');
  });

  it('one alarm covers the queue, whichever path filled it', () => {
    const alarms = ofType('AWS::CloudWatch::Alarm')
      .map(([, a]) => a.Properties as { Namespace?: string; Dimensions?: unknown })
      .map(
        ({ Namespace, Dimensions }) => resolve({ Namespace, Dimensions }) as { Namespace?: string },
      )
      .filter((a) => a.Namespace === 'AWS/SQS');
    expect(alarms).toEqual([
      expect.objectContaining({
        Dimensions: [{ Name: 'QueueName', Value: 'ecs-bluegreen-hooks-dev-alarm-rollback-failed' }],
      }),
    ]);
  });
});

describe('the operations dashboard', () => {
  interface Widget {
    type: string;
    properties: { region?: string; metrics?: unknown[][]; alarms?: string[] };
  }
  const body = () => {
    const dashboard = ofType('AWS::CloudWatch::Dashboard')[0]?.[1];
    const text = resolve(
      (dashboard as { Properties: { DashboardBody: unknown } }).Properties.DashboardBody,
    ) as unknown as string;
    return JSON.parse(text) as { widgets: Widget[] };
  };

  it('shows every metric the functions write, and no other of their namespace', () => {
    const { widgets } = body();
    const searched = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .flat()
      .flatMap((m) => {
        const e = (m as { expression?: string }).expression ?? '';
        const hit = e.match(/^SEARCH\('\{(\w+),[^}]*\} MetricName="(\w+)"', '\w+', \d+\)$/);
        return hit ? [[hit[1], hit[2]]] : [];
      });
    expect(new Set(searched.map(([namespace]) => namespace))).toEqual(new Set([METRICS_NAMESPACE]));
    expect(searched.map(([, name]) => name).sort()).toEqual([...METRIC_NAMES].sort());
    for (const w of widgets.filter((x) => x.type === 'metric'))
      expect(w.properties.region).toBe(SAMPLE.region);
  });

  it("shows the dead-letter queue's deliveries and depth, and every Errors alarm", () => {
    const { widgets } = body();
    const queueRows = widgets
      .flatMap((w) => w.properties.metrics ?? [])
      .filter((r) => r[0] === 'AWS/SQS');
    expect(queueRows[0]).toEqual([
      'AWS/SQS',
      'NumberOfMessagesSent',
      'QueueName',
      'ecs-bluegreen-hooks-dev-alarm-rollback-failed',
      { stat: 'Sum' },
    ]);
    const errorAlarms = ofType('AWS::CloudWatch::Alarm')
      .map(([id]) => id)
      .filter((id) => !/^(Target5xx|UnhealthyHosts|TargetLatency)/.test(id));
    expect(errorAlarms).toHaveLength(6);
    const shown = widgets.flatMap((w) => w.properties.alarms ?? []);
    expect(shown.sort()).toEqual(
      errorAlarms.map((id) => resolve({ 'Fn::GetAtt': [id, 'Arn'] }) as string).sort(),
    );
  });
});
