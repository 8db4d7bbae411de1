import { parseAlarmEvent } from '../../../src/alarm/parseAlarmEvent';
import { alarmActionEvent, eventBridgeEvent, snsEvent } from '../../helpers/alarmEvents';

describe('parseAlarmEvent', () => {
  it('reads an SNS alarm notification', () => {
    expect(parseAlarmEvent(snsEvent({ alarmName: 'web-5xx' }))).toEqual({
      changes: [
        {
          via: 'sns',
          alarmName: 'web-5xx',
          alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:web-5xx',
          newState: 'ALARM',
          oldState: 'OK',
          reason: expect.stringMatching(/^Threshold Crossed/),
          time: '2026-11-27T10:05:00.000+0000',
        },
      ],
      rejections: [],
    });
  });

  it('reads every record of an SNS batch, rejecting only the bad one', () => {
    const event = snsEvent(
      { alarmName: 'a' },
      { alarmName: 'b', newState: 'OK', oldState: 'ALARM' },
    );
    (event.Records[1] as { Sns: { Message: string } }).Sns.Message = 'not json';
    const parsed = parseAlarmEvent(event);
    expect(parsed.changes.map((c) => c.alarmName)).toEqual(['a']);
    expect(parsed.rejections).toEqual([
      'SNS record 1: Sns.Message is not JSON (starts with "not json")',
    ]);
  });

  it('reads an EventBridge alarm state change', () => {
    expect(
      parseAlarmEvent(eventBridgeEvent({ alarmName: 'latency', newState: 'OK', oldState: 'ALARM' }))
        .changes,
    ).toEqual([
      {
        via: 'eventbridge',
        alarmName: 'latency',
        alarmArn: 'arn:aws:cloudwatch:us-east-1:123456789012:alarm:latency',
        newState: 'OK',
        oldState: 'ALARM',
        reason: 'Threshold Crossed',
        time: '2026-11-27T10:05:00.000+0000',
      },
    ]);
  });

  it("reads a CloudWatch alarm's direct Lambda action payload", () => {
    expect(parseAlarmEvent(alarmActionEvent({ alarmName: 'unhealthy' })).changes[0]).toMatchObject({
      via: 'alarm-action',
      alarmName: 'unhealthy',
      newState: 'ALARM',
    });
  });

  it.each([
    ['not an object', 'ALARM', /^payload is not a JSON object \(got string\)/],
    ['null', null, /^payload is not a JSON object \(got null\)/],
    ['unknown shape', { hello: 'world' }, /^payload is neither an SNS notification .*keys: hello$/],
    [
      'SNS message missing the state',
      (() => {
        const e = snsEvent();
        const m = JSON.parse(e.Records[0]?.Sns.Message ?? '{}');
        delete m.NewStateValue;
        (e.Records[0] as { Sns: { Message: string } }).Sns.Message = JSON.stringify(m);
        return e;
      })(),
      /^SNS record 0: Sns\.Message is not a CloudWatch alarm notification: NewStateValue: /,
    ],
    [
      'unknown state value',
      snsEvent({ newState: 'PANIC' }),
      /NewStateValue: Invalid option: expected one of "ALARM"\|"OK"\|"INSUFFICIENT_DATA"/,
    ],
    [
      'wrong source',
      { ...eventBridgeEvent(), source: 'aws.ec2' },
      /^EventBridge event: source: Invalid input: expected "aws.cloudwatch"/,
    ],
    [
      'wrong detail-type',
      { ...eventBridgeEvent(), 'detail-type': 'EC2 Instance State-change Notification' },
      /^EventBridge event: detail-type: /,
    ],
    [
      'record not from SNS',
      { Records: [{ EventSource: 'aws:sqs', body: '{}' }] },
      /^SNS record 0: EventSource: /,
    ],
    ['empty Records', { Records: [] }, /^Records is not a non-empty list/],
    [
      'alarm action without state',
      { ...alarmActionEvent(), alarmData: { alarmName: 'x' } },
      /^CloudWatch alarm action payload: alarmData\.state: /,
    ],
  ])('rejects %s, naming what is wrong', (_label, event, message) => {
    const parsed = parseAlarmEvent(event);
    expect(parsed.changes).toEqual([]);
    expect(parsed.rejections).toHaveLength(1);
    expect(parsed.rejections[0]).toMatch(message);
  });
});
