import { ENV_DEFAULTS, readAlarmSettings, readHookSettings } from '../../../src/config/env';
import { ConfigError } from '../../../src/errors';

describe('readHookSettings', () => {
  it('applies the written-down defaults', () => {
    expect(readHookSettings({ TEST_LISTENER_URL: 'http://alb.example:8080/' })).toEqual({
      testListenerUrl: 'http://alb.example:8080',
      routingProof: ENV_DEFAULTS.ROUTING_PROOF,
      safetyMarginMs: ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS,
      sdk: { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS },
    });
  });

  it('lists every problem at once', () => {
    let error: unknown;
    try {
      readHookSettings({
        TEST_LISTENER_URL: 'ftp://x',
        HOOK_SAFETY_MARGIN_MS: '-1',
        AWS_MAX_ATTEMPTS: 'many',
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).problems).toEqual([
      'TEST_LISTENER_URL must be an http:// or https:// URL, got "ftp://x"',
      'HOOK_SAFETY_MARGIN_MS must be a positive integer, got "-1"',
      'AWS_MAX_ATTEMPTS must be a positive integer, got "many"',
    ]);
  });

  it('needs no listener URL (discovery finds it), and names an unparsable one', () => {
    expect(readHookSettings({})).toEqual({
      routingProof: true,
      safetyMarginMs: ENV_DEFAULTS.HOOK_SAFETY_MARGIN_MS,
      sdk: { maxAttempts: ENV_DEFAULTS.AWS_MAX_ATTEMPTS },
    });
    expect(readHookSettings({ TEST_LISTENER_URL: '' }).testListenerUrl).toBeUndefined();
    expect(() => readHookSettings({ TEST_LISTENER_URL: 'not a url' })).toThrow(
      'TEST_LISTENER_URL is not a valid URL: "not a url"',
    );
  });
});

describe('readAlarmSettings', () => {
  it('requires the deployment group and parses the dry-run switch', () => {
    expect(() => readAlarmSettings({})).toThrow(
      /CODEDEPLOY_APPLICATION_NAME is not set\n {2}- CODEDEPLOY_DEPLOYMENT_GROUP_NAME is not set/,
    );
    expect(
      readAlarmSettings({
        CODEDEPLOY_APPLICATION_NAME: 'app',
        CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg',
        ALARM_ROLLBACK_DRY_RUN: 'TRUE',
      }),
    ).toMatchObject({
      defaultTarget: { applicationName: 'app', deploymentGroupName: 'dg' },
      dryRun: true,
    });
    expect(() =>
      readAlarmSettings({
        CODEDEPLOY_APPLICATION_NAME: 'app',
        CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg',
        ALARM_ROLLBACK_DRY_RUN: 'maybe',
      }),
    ).toThrow('ALARM_ROLLBACK_DRY_RUN must be true or false, got "maybe"');
  });
});

describe('ALARM_ROUTES', () => {
  const base = { CODEDEPLOY_APPLICATION_NAME: 'app', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg' };

  it('maps alarm names to other deployment groups', () => {
    const settings = readAlarmSettings({
      ...base,
      ALARM_ROUTES: JSON.stringify({
        'payments-5xx': [{ application: 'pay', deploymentGroup: 'pay-dg' }],
      }),
    });
    expect([...settings.routes]).toEqual([
      ['payments-5xx', [{ applicationName: 'pay', deploymentGroupName: 'pay-dg' }]],
    ]);
  });

  it('names what is wrong in a route', () => {
    expect(() =>
      readAlarmSettings({ ...base, ALARM_ROUTES: '{"a": [{"application": "x"}]}' }),
    ).toThrow(/ALARM_ROUTES: a\.0\.deploymentGroup: /);
    expect(() => readAlarmSettings({ ...base, ALARM_ROUTES: '{not json' })).toThrow(
      'ALARM_ROUTES is not valid JSON',
    );
  });
});
