/**
 * The package-time plugin on a stand-in of the framework's service object: grants are the same
 * after the package lifecycle ran twice (as `sls deploy` does), a reshaped role gets a clear
 * error, and environment values that only CloudFormation knows are not checked.
 */
import { join } from 'node:path';
import { MIN_HOOK_SAFETY_MARGIN_MS, readHookSettings } from '../../../src/config/env';
import { ConfigError } from '../../../src/errors';
import { analysisTimeoutProblems, runPreflight } from '../../../src/packaging/preflight';
import { suiteOf } from '../../helpers/suites';

const PreflightPlugin = require('../../../build/serverless-preflight.js');

const ROOT = join(__dirname, '..', '..', '..');
class ServerlessError extends Error {}

const fakeServerless = (overrides: { hookRole?: unknown } = {}) => {
  const hookRole = overrides.hookRole ?? {
    Type: 'AWS::IAM::Role',
    Properties: {
      ManagedPolicyArns: [],
      Policies: [{ PolicyName: 'report-lifecycle-hook-status', PolicyDocument: { Statement: [] } }],
    },
  };
  const hookEnv = { TEST_LISTENER_URL: 'http://alb.example.com:8080' };
  return {
    serviceDir: ROOT,
    classes: { Error: ServerlessError },
    getProvider: () => ({
      getStage: () => 'dev',
      // The framework's naming of a function's resource (osls lib/plugins/aws/lib/naming.js).
      naming: {
        getLambdaLogicalId: (key: string) =>
          `${key[0]?.toUpperCase()}${key.slice(1)}LambdaFunction`,
      },
    }),
    service: {
      custom: {
        smokeSuite: 'default',
        shippedAlarmNames: ['s-dev-5xx'],
        alarmSources: { names: 'extra-1', prefix: 'team-' },
      },
      provider: { environment: {} },
      functions: {
        afterAllowTestTraffic: {
          name: 'CodeDeployHook_s-dev-AfterAllowTestTraffic',
          environment: hookEnv,
          vpc: { subnetIds: ['s'] },
        },
        alarmRollback: {
          name: 'CodeDeployHook_s-dev-AlarmRollback',
          environment: {
            CODEDEPLOY_APPLICATION_NAME: 'app',
            CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg',
            ALARM_ROUTES: '{"x": [{"application": "pay", "deploymentGroup": "pay-dg"}]}',
          },
          events: [{ eventBridge: { pattern: { detail: { alarmName: [] } } } }],
        },
      },
      resources: {
        Resources: {
          HookFunctionRole: hookRole,
          AlarmFunctionRole: {
            Type: 'AWS::IAM::Role',
            Properties: {
              Policies: [
                {
                  PolicyName: 'p',
                  PolicyDocument: {
                    Statement: [{ Action: ['codedeploy:ListDeployments'], Resource: [] }],
                  },
                },
              ],
            },
          },
        },
      },
    },
  };
};

describe('serverless-preflight plugin', () => {
  it('gives the same template when the package lifecycle runs twice (sls deploy)', () => {
    const serverless = fakeServerless();
    const plugin = new PreflightPlugin(serverless);
    plugin.run(false);
    const once = JSON.stringify(serverless.service);
    plugin.run(true);
    expect(JSON.stringify(serverless.service)).toBe(once);
    const resources = serverless.service.resources.Resources as unknown as Record<
      string,
      { Properties: Record<string, unknown> }
    >;
    expect(resources.HookFunctionRole?.Properties.ManagedPolicyArns).toHaveLength(1);
    expect(
      JSON.stringify(resources.AlarmFunctionRole?.Properties.Policies).match(/deploymentgroup:/g),
    ).toHaveLength(2);
    expect(
      serverless.service.functions.alarmRollback.events[0]?.eventBridge.pattern.detail.alarmName,
    ).toEqual(['s-dev-5xx', 'extra-1', { prefix: 'team-' }]);
    expect(
      Object.keys(resources).filter((id) => id.startsWith('AlarmRollbackAlarmAction')),
    ).toHaveLength(3);
  });

  it('says what to fix when a role it extends was reshaped, instead of a TypeError', () => {
    const plugin = new PreflightPlugin(
      fakeServerless({ hookRole: { Type: 'AWS::IAM::Role', Properties: { Policies: 'none' } } }),
    );
    expect(() => plugin.run(false)).toThrow(ServerlessError);
    expect(() => plugin.run(false)).toThrow(
      /resources\.Resources\.HookFunctionRole\.Properties\.Policies must be a list of \{ PolicyName, PolicyDocument/,
    );
  });
});

describe('environment checks at package time and cold start', () => {
  const fn = (environment: Record<string, unknown>) => ({
    key: 'afterAllowTestTraffic',
    name: 'CodeDeployHook_s-dev-AfterAllowTestTraffic',
    environment,
  });
  const suiteFile = join(ROOT, 'config', 'suites', 'default.yaml');

  it('skips values given as CloudFormation intrinsics, and still checks the plain ones', () => {
    const intrinsic = { 'Fn::Join': ['', ['http://', { Ref: 'Alb' }, ':8080']] };
    expect(() =>
      runPreflight({
        stage: 'dev',
        functions: [fn({ TEST_LISTENER_URL: intrinsic, HOOK_SAFETY_MARGIN_MS: { Ref: 'M' } })],
        suiteFile,
        deploying: true,
      }),
    ).not.toThrow();
    expect(() =>
      runPreflight({
        stage: 'dev',
        functions: [fn({ TEST_LISTENER_URL: intrinsic, HOOK_SAFETY_MARGIN_MS: '100' })],
        suiteFile,
        deploying: false,
      }),
    ).toThrow(/HOOK_SAFETY_MARGIN_MS must be at least 8000, got 100/);
  });

  it('refuses a stage URL together with a service map: no service would be tested at its own', () => {
    const run = (TEST_LISTENER_URL: string) =>
      runPreflight({
        stage: 'dev',
        functions: [fn({ TEST_LISTENER_URL })],
        suiteFile,
        deploying: false,
        serviceMap: 'services',
      });
    expect(() => run('http://test.example:8080')).toThrow(
      /function afterAllowTestTraffic: the testListenerUrl param \(http:\/\/test\.example:8080\) is set together with serviceMap services; .* set testListenerUrl on each service's entry/,
    );
    expect(() => run('http://test.example:8080')).toThrow(ConfigError);
    expect(() => run('')).not.toThrow();
  });

  it('refuses a safety margin too small for three report attempts, at cold start too', () => {
    expect(MIN_HOOK_SAFETY_MARGIN_MS).toBe(8_000);
    expect(() =>
      readHookSettings({ TEST_LISTENER_URL: 'http://h', HOOK_SAFETY_MARGIN_MS: '7999' }),
    ).toThrow(ConfigError);
    expect(
      readHookSettings({ TEST_LISTENER_URL: 'http://h', HOOK_SAFETY_MARGIN_MS: '8000' })
        .safetyMarginMs,
    ).toBe(8_000);
  });
});

describe('stack parameters set from stage params', () => {
  it('are refused at package time when CloudFormation would refuse them at deploy time', () => {
    const { stackParameterProblems } = require('../../../src/packaging/stackParameters');
    const parameters = {
      CreateAlarms: { Default: 'yes', AllowedValues: ['true', 'false'] },
      OperatorTopicArn: {
        Default: 'arn:aws:sns:us-east-1:123:x',
        AllowedPattern: 'arn:aws:sns:[a-z0-9-]+:[0-9]{12}:.+',
      },
      Fine: { Default: 'true', AllowedValues: ['true', 'false'] },
    };
    expect(stackParameterProblems(parameters)).toEqual([
      'stack parameter CreateAlarms: "yes" is not one of "true", "false" (set by its stage param)',
      'stack parameter OperatorTopicArn: "arn:aws:sns:us-east-1:123:x" does not match arn:aws:sns:[a-z0-9-]+:[0-9]{12}:.+ (set by its stage param)',
    ]);
    expect(stackParameterProblems({ T: { Default: '', AllowedPattern: '^(x)?$' } })).toEqual([]);
  });
});

describe('canary analysis at AfterAllowTraffic, at package time', () => {
  const fn = (timeoutSeconds: number, environment: Record<string, unknown> = {}) => [
    { key: 'afterAllowTraffic', name: 'x-dev-afterAllowTraffic', environment, timeoutSeconds },
  ];
  const checks = [{ name: 'home', path: '/' }];
  it('refuses a timeout that cannot hold the analysis, naming both fixes; a suite without it passes', () => {
    // Defaults: 5 whole minutes + the minute of the shift + 120 s settle + 10 s margin = 490 s.
    const analysing = suiteOf({ checks, analysis: {} });
    expect(analysisTimeoutProblems(fn(600), [analysing])).toEqual([]);
    expect(analysisTimeoutProblems(fn(490), [analysing])).toEqual([]);
    expect(analysisTimeoutProblems(fn(489), [analysing])).toEqual([
      'function afterAllowTraffic: suite "test-suite" asks for canary analysis, which needs at least 490 s at AfterAllowTraffic (analysis.minMinutes 5 + the minute of the shift + settleMs, and the report margin); its timeout is 489 s: raise functions.afterAllowTraffic.timeout (at most 900) or lower analysis.minMinutes',
    ]);
    // The stage's own report margin counts.
    expect(
      analysisTimeoutProblems(fn(490, { HOOK_SAFETY_MARGIN_MS: '20000' }), [analysing]),
    ).toHaveLength(1);
    expect(analysisTimeoutProblems(fn(30), [suiteOf({ checks }), undefined])).toEqual([]);
  });
});
