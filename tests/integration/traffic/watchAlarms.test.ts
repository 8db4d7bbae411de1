/**
 * The production watch's alarm check, with the real CloudWatch client against a local endpoint
 * that speaks its JSON protocol: an alarm already in ALARM (which no state-change event reports)
 * fails the watch at once, one that goes to ALARM mid-window within an interval, and a name that
 * matches no alarm or a denied read fail with what to fix.
 */
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import type { SuiteInput } from '../../../src/suite/schema';
import { startApp, startCloudWatch } from '../../helpers/localServers';
import { suiteOf } from '../../helpers/suites';

const watchWith = async (
  watch: Partial<NonNullable<SuiteInput['watch']>>,
  deploymentAlarms: string[] = [],
) => {
  const app = await startApp();
  const cw = await startCloudWatch();
  const run = () =>
    runSmokeSuite({
      suite: suiteOf({
        checks: [{ name: 'home', path: '/' }],
        watch: {
          paths: ['/'],
          ratePerSecond: 5,
          windowMs: 3_000,
          alarmIntervalMs: 1_000,
          ...watch,
        },
      }),
      hook: 'AfterAllowTraffic',
      baseUrl: app.url,
      productionUrl: app.url,
      deploymentAlarms,
      readAlarms: cw.readAlarms,
      budget: AbortSignal.timeout(20_000),
    });
  return { app, cw: cw.endpoint, run };
};

describe('production watch: CloudWatch alarms', () => {
  it('passes while the alarms are OK, asking for metric and composite alarms every interval', async () => {
    const { cw, run } = await watchWith({ alarms: ['web-5xx', 'web-any'] });
    cw.setAlarm('web-5xx', 'OK');
    cw.setAlarm('web-any', 'OK', '', 'CompositeAlarm');
    const result = await run();
    expect(result.verdict).toBe('Succeeded');
    expect(cw.requests.length).toBeGreaterThanOrEqual(3);
    expect(cw.requests[0]).toMatchObject({
      operation: 'DescribeAlarms',
      body: { AlarmNames: ['web-5xx', 'web-any'], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] },
    });
  });

  it('fails at once on an alarm already in ALARM when the watch starts', async () => {
    const { app, cw, run } = await watchWith({ alarms: ['web-5xx'], windowMs: 60_000 });
    cw.setAlarm('web-5xx', 'ALARM', 'Threshold Crossed: 3 datapoints were greater than 10');
    const started = performance.now();
    const result = await run();
    expect(result.reason).toBe(
      'check "production watch" failed: production watch: alarm web-5xx is in ALARM (Threshold Crossed: 3 datapoints were greater than 10)',
    );
    // at once: far below the 60 s window (wide for a loaded CI)
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(app.paths.length).toBeLessThan(5);
  });

  it('fails within an interval when an alarm goes to ALARM mid-window; composite alarms count', async () => {
    const { cw, run } = await watchWith({ alarms: ['web-any'], windowMs: 60_000 });
    cw.setAlarm('web-any', 'OK', '', 'CompositeAlarm');
    setTimeout(() => cw.setAlarm('web-any', 'ALARM', 'child alarm', 'CompositeAlarm'), 1_500);
    const started = performance.now();
    const result = await run();
    expect(result.reason).toMatch(/production watch: alarm web-any is in ALARM \(child alarm\)$/);
    // within an alarm interval of the change: far below the 60 s window (wide for a loaded CI)
    expect(performance.now() - started).toBeLessThan(1_500 + 1_000 + 7_000);
  });

  it("reads the deployment's own alarms when asked, and only then", async () => {
    const asked = await watchWith({ deploymentAlarms: true, windowMs: 60_000 }, ['group-5xx']);
    asked.cw.setAlarm('group-5xx', 'ALARM', 'group alarm');
    expect((await asked.run()).reason).toMatch(/alarm group-5xx is in ALARM/);
    const notAsked = await watchWith({}, ['group-5xx']);
    notAsked.cw.setAlarm('group-5xx', 'ALARM', 'group alarm');
    expect((await notAsked.run()).verdict).toBe('Succeeded');
    expect(notAsked.cw.requests).toEqual([]);
  });

  it('fails on a name that matches no alarm, saying what to fix', async () => {
    const { cw, run } = await watchWith({ alarms: ['web-5xx', 'web-5xxx'] });
    cw.setAlarm('web-5xx', 'OK');
    expect((await run()).reason).toMatch(
      /no CloudWatch alarm is named web-5xxx in this account and region; fix watch\.alarms/,
    );
  });

  it('a denied read fails with the action to grant', async () => {
    const { cw, run } = await watchWith({ alarms: ['web-5xx'] });
    cw.failNext({
      code: 'AccessDenied',
      message: 'not authorized to perform: cloudwatch:DescribeAlarms',
      httpStatus: 403,
    });
    expect((await run()).reason).toMatch(
      /production watch: cloudwatch:DescribeAlarms was denied \(AccessDenied\): the hook role needs cloudwatch:DescribeAlarms/,
    );
  });
});
