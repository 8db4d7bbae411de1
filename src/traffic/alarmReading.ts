/**
 * What the production watch asks of CloudWatch alarms: which named alarms are in ALARM now. The
 * reader itself (discovery/readAlarmStates.ts) calls AWS; the controllers and the CLI hand it in.
 */

export interface AlarmReading {
  /** Alarms in ALARM, with CloudWatch's reason. */
  readonly firing: ReadonlyArray<{ readonly name: string; readonly reason: string }>;
  /** Names that match no alarm in this account and region. */
  readonly missing: readonly string[];
}

export type AlarmReader = (names: readonly string[], signal: AbortSignal) => Promise<AlarmReading>;
