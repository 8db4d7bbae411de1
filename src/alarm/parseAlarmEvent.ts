/**
 * Turns whatever invoked the alarm function into alarm state changes: an SNS notification (one
 * per record, the alarm as a JSON string), an EventBridge "CloudWatch Alarm State Change" event,
 * or the payload of a CloudWatch alarm's direct Lambda action. Each shape is checked with a
 * schema; what matches none is returned as a rejection naming what was wrong, never thrown, so a
 * malformed message can never stop a deployment.
 */
import * as z from 'zod/mini';
import '../suite/zodMessages';
import { formatIssuePath } from '../suite/issuePath';

export const ALARM_STATES = ['ALARM', 'OK', 'INSUFFICIENT_DATA'] as const;
export type AlarmState = (typeof ALARM_STATES)[number];

export interface AlarmStateChange {
  readonly via: 'sns' | 'eventbridge' | 'alarm-action';
  readonly alarmName: string;
  readonly alarmArn?: string;
  readonly newState: AlarmState;
  readonly oldState?: AlarmState;
  readonly reason?: string;
  readonly time?: string;
}

export interface ParsedAlarmEvent {
  readonly changes: readonly AlarmStateChange[];
  /** One line per part of the payload that was not understood. */
  readonly rejections: readonly string[];
}

const nonEmpty = () => z.string().check(z.minLength(1));
const state = z.enum(ALARM_STATES);

const snsAlarmMessage = z.object({
  AlarmName: nonEmpty(),
  AlarmArn: z.optional(z.string()),
  NewStateValue: state,
  OldStateValue: z.optional(state),
  NewStateReason: z.optional(z.string()),
  StateChangeTime: z.optional(z.string()),
});

const snsRecord = z.object({
  EventSource: z.literal('aws:sns'),
  Sns: z.object({ Message: z.string() }),
});

const alarmDetail = z.object({
  alarmName: nonEmpty(),
  state: z.object({
    value: state,
    reason: z.optional(z.string()),
    timestamp: z.optional(z.string()),
  }),
  previousState: z.optional(z.object({ value: state })),
});

const eventBridgeEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  'detail-type': z.literal('CloudWatch Alarm State Change'),
  resources: z.optional(z.array(z.string())),
  time: z.optional(z.string()),
  detail: alarmDetail,
});

const alarmActionEvent = z.object({
  source: z.literal('aws.cloudwatch'),
  alarmArn: nonEmpty(),
  time: z.optional(z.string()),
  alarmData: alarmDetail,
});

const explain = (what: string, error: z.core.$ZodError): string =>
  `${what}: ${error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`).join('; ')}`;

const fromDetail = (
  via: 'eventbridge' | 'alarm-action',
  detail: z.output<typeof alarmDetail>,
  alarmArn: string | undefined,
  time: string | undefined,
): AlarmStateChange => ({
  via,
  alarmName: detail.alarmName,
  ...(alarmArn && { alarmArn }),
  newState: detail.state.value,
  ...(detail.previousState && { oldState: detail.previousState.value }),
  ...(detail.state.reason !== undefined && { reason: detail.state.reason }),
  ...((detail.state.timestamp ?? time) !== undefined && { time: detail.state.timestamp ?? time }),
});

const parseSnsRecord = (record: unknown, index: number): AlarmStateChange | string => {
  const where = `SNS record ${index}`;
  const envelope = snsRecord.safeParse(record);
  if (!envelope.success) return explain(where, envelope.error);
  let message: unknown;
  try {
    message = JSON.parse(envelope.data.Sns.Message);
  } catch {
    return `${where}: Sns.Message is not JSON (starts with ${JSON.stringify(envelope.data.Sns.Message.slice(0, 40))})`;
  }
  const alarm = snsAlarmMessage.safeParse(message);
  if (!alarm.success)
    return explain(`${where}: Sns.Message is not a CloudWatch alarm notification`, alarm.error);
  const a = alarm.data;
  return {
    via: 'sns',
    alarmName: a.AlarmName,
    ...(a.AlarmArn && { alarmArn: a.AlarmArn }),
    newState: a.NewStateValue,
    ...(a.OldStateValue && { oldState: a.OldStateValue }),
    ...(a.NewStateReason !== undefined && { reason: a.NewStateReason }),
    ...(a.StateChangeTime !== undefined && { time: a.StateChangeTime }),
  };
};

export const parseAlarmEvent = (event: unknown): ParsedAlarmEvent => {
  if (event === null || typeof event !== 'object' || Array.isArray(event)) {
    return {
      changes: [],
      rejections: [
        `payload is not a JSON object (got ${event === null ? 'null' : Array.isArray(event) ? 'an array' : typeof event})`,
      ],
    };
  }
  const fields = event as Record<string, unknown>;
  if ('Records' in fields) {
    if (!Array.isArray(fields.Records) || fields.Records.length === 0) {
      return { changes: [], rejections: ['Records is not a non-empty list of SNS records'] };
    }
    const parsed = fields.Records.map(parseSnsRecord);
    return {
      changes: parsed.filter((p): p is AlarmStateChange => typeof p !== 'string'),
      rejections: parsed.filter((p): p is string => typeof p === 'string'),
    };
  }
  if ('detail-type' in fields) {
    const result = eventBridgeEvent.safeParse(event);
    if (!result.success)
      return { changes: [], rejections: [explain('EventBridge event', result.error)] };
    const e = result.data;
    return {
      changes: [fromDetail('eventbridge', e.detail, e.resources?.[0], e.time)],
      rejections: [],
    };
  }
  if ('alarmData' in fields) {
    const result = alarmActionEvent.safeParse(event);
    if (!result.success)
      return {
        changes: [],
        rejections: [explain('CloudWatch alarm action payload', result.error)],
      };
    const e = result.data;
    return {
      changes: [fromDetail('alarm-action', e.alarmData, e.alarmArn, e.time)],
      rejections: [],
    };
  }
  return {
    changes: [],
    rejections: [
      `payload is neither an SNS notification (Records), an EventBridge event (detail-type) nor a CloudWatch alarm action (alarmData); keys: ${Object.keys(fields).join(', ') || 'none'}`,
    ],
  };
};
