/**
 * The production watch's alarm reads: one read (at the start, and the final look at the
 * window's end) and a poll every `alarmIntervalMs` in between. An alarm in ALARM, a name that
 * matches no alarm, or a read that fails is a reason to fail the watch; nothing here passes.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { AlarmReader, AlarmReading } from './alarmReading';

/** One read: the first reason to fail, or undefined when every alarm was read and none fires. */
export const readAlarmsOnce = async (
  read: AlarmReader,
  names: readonly string[],
  signal: AbortSignal,
): Promise<string | undefined> => {
  let reading: AlarmReading;
  try {
    reading = await read(names, signal);
  } catch (error) {
    return `production watch: ${(error as Error).message}`;
  }
  const firing = reading.firing[0];
  if (firing) {
    return `production watch: alarm ${firing.name} is in ALARM${firing.reason ? ` (${firing.reason})` : ''}`;
  }
  if (reading.missing.length > 0) {
    return `production watch: no CloudWatch alarm is named ${reading.missing.join(', ')} in this account and region; fix watch.alarms (or the deployment's alarm configuration)`;
  }
  return undefined;
};

/** Polls the alarms until `signal` aborts; resolves with the first reason to fail, if any. */
export const pollAlarms = async (
  read: AlarmReader,
  names: readonly string[],
  intervalMs: number,
  signal: AbortSignal,
): Promise<string | undefined> => {
  while (!signal.aborted) {
    const reason = await readAlarmsOnce(read, names, signal);
    // A read cut short by the end of the slice is no finding; the final look reads again.
    if (signal.aborted) return undefined;
    if (reason) return reason;
    try {
      await sleep(intervalMs, undefined, { signal });
    } catch {
      return undefined;
    }
  }
  return undefined;
};
