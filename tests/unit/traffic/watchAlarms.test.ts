/**
 * The watch's alarm reads alone, with a scripted reader: every reason to fail is worded for the
 * operator, and a poll ends when its slice does, without counting a read the end cut short.
 */
import type { AlarmReader } from '../../../src/traffic/alarmReading';
import { watchedAlarms } from '../../../src/traffic/runProductionWatch';
import { pollAlarms, readAlarmsOnce } from '../../../src/traffic/watchAlarms';
import { suiteOf } from '../../helpers/suites';

const quiet: AlarmReader = async () => ({ firing: [], missing: [] });

describe('readAlarmsOnce', () => {
  const signal = new AbortController().signal;

  it('is nothing when every alarm was read and none fires', async () => {
    expect(await readAlarmsOnce(quiet, ['a'], signal)).toBeUndefined();
  });

  it('names the first alarm in ALARM (its reason is given when CloudWatch has one)', async () => {
    const firing: AlarmReader = async () => ({
      firing: [
        { name: 'latency', reason: '' },
        { name: 'errors', reason: 'x' },
      ],
      missing: ['gone'],
    });
    expect(await readAlarmsOnce(firing, ['latency'], signal)).toBe(
      'production watch: alarm latency is in ALARM',
    );
  });

  it('names every alarm that does not exist', async () => {
    const missing: AlarmReader = async () => ({ firing: [], missing: ['a', 'b'] });
    expect(await readAlarmsOnce(missing, ['a', 'b'], signal)).toBe(
      "production watch: no CloudWatch alarm is named a, b in this account and region; fix watch.alarms (or the deployment's alarm configuration)",
    );
  });

  it('fails on a read that fails', async () => {
    const denied: AlarmReader = async () => {
      throw new Error('cloudwatch:DescribeAlarms was denied');
    };
    expect(await readAlarmsOnce(denied, ['a'], signal)).toBe(
      'production watch: cloudwatch:DescribeAlarms was denied',
    );
  });
});

describe('pollAlarms', () => {
  it('a read cut short by the end of its slice is no finding', async () => {
    const end = new AbortController();
    const cut: AlarmReader = async () => {
      end.abort();
      throw new Error('the read was aborted');
    };
    expect(await pollAlarms(cut, ['a'], 1_000, end.signal)).toBeUndefined();
  });

  it('stops waiting as soon as its slice ends, not at the next interval', async () => {
    const end = new AbortController();
    let reads = 0;
    const counting: AlarmReader = async () => {
      reads++;
      return { firing: [], missing: [] };
    };
    const started = performance.now();
    setTimeout(() => end.abort(), 50);
    expect(await pollAlarms(counting, ['a'], 60_000, end.signal)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(reads).toBe(1);
  });

  it('reads every interval until an alarm fires', async () => {
    let reads = 0;
    const firesThird: AlarmReader = async () => {
      reads++;
      return reads < 3
        ? { firing: [], missing: [] }
        : { firing: [{ name: 'e', reason: '' }], missing: [] };
    };
    expect(await pollAlarms(firesThird, ['e'], 10, new AbortController().signal)).toBe(
      'production watch: alarm e is in ALARM',
    );
    expect(reads).toBe(3);
  });
});

describe('watchedAlarms', () => {
  const watchWith = (w: Record<string, unknown>) =>
    suiteOf({ checks: [{ name: 'home', path: '/' }], watch: { paths: ['/'], ...w } })
      .watch as NonNullable<ReturnType<typeof suiteOf>['watch']>;

  it("is the watch's own alarms, and the deployment's only when it asks for them, once each", () => {
    expect(watchedAlarms(watchWith({ alarms: ['a'] }), ['d'])).toEqual(['a']);
    expect(watchWith({ alarms: ['a'], deploymentAlarms: true }).deploymentAlarms).toBe(true);
    expect(watchedAlarms(watchWith({ alarms: ['a'], deploymentAlarms: true }), ['d', 'a'])).toEqual(
      ['a', 'd'],
    );
  });

  it('is nothing more when the deployment names no alarms', () => {
    expect(watchedAlarms(watchWith({ deploymentAlarms: true }))).toEqual([]);
  });
});
