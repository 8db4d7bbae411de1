// Serverless plugin: checks the stage before anything is packaged or deployed (function names,
// environment, smoke suite) with the same code the Lambdas run at cold start, and grants the
// hook role read access to exactly the secrets the suite references.
const loadTs = require('./load-ts');

class PreflightPlugin {
  constructor(serverless) {
    this.serverless = serverless;
    this.hooks = {
      'before:package:initialize': () => this.check(false),
      'before:deploy:deploy': () => this.check(true),
    };
  }

  check(deploying) {
    const { runPreflight, secretRefsOf } = loadTs('../src/config/preflight.ts');
    const { suiteFilePath } = loadTs('../src/smoke/loadSuite.ts');
    const { service } = this.serverless;
    const stage = this.serverless.getProvider('aws').getStage();
    const functions = Object.entries(service.functions ?? {}).map(([key, fn]) => ({
      key,
      name: fn.name,
      environment: { ...(service.provider.environment ?? {}), ...(fn.environment ?? {}) },
    }));
    let suite;
    try {
      suite = runPreflight({
        stage,
        functions,
        suiteFile: suiteFilePath(this.serverless.serviceDir, service.custom.smokeSuite),
        deploying,
      });
    } catch (error) {
      throw new this.serverless.classes.Error(error.message);
    }
    this.grantSecretReads(secretRefsOf(suite));
    this.grantVpcAccess();
    this.grantRoutedGroups();
  }

  // Alarms routed to other deployment groups (ALARM_ROUTES) may stop deployments there too.
  grantRoutedGroups() {
    const fn = this.serverless.service.functions?.alarmRollback;
    if (!fn) return;
    const { readAlarmSettings } = loadTs('../src/config/env.ts');
    const env = {
      ...(this.serverless.service.provider.environment ?? {}),
      ...(fn.environment ?? {}),
    };
    const { routes } = readAlarmSettings(env);
    const groups = new Map();
    for (const targets of routes.values()) {
      for (const g of targets) groups.set(`${g.applicationName}/${g.deploymentGroupName}`, g);
    }
    if (groups.size === 0) return;
    const role = this.serverless.service.resources.Resources.AlarmFunctionRole;
    const statement = role.Properties.Policies[0].PolicyDocument.Statement.find((s) =>
      String(s.Action).includes('codedeploy:StopDeployment'),
    );
    for (const name of groups.keys()) {
      statement.Resource.push({
        'Fn::Join': [
          '',
          [
            'arn:',
            { Ref: 'AWS::Partition' },
            ':codedeploy:',
            { Ref: 'AWS::Region' },
            ':',
            { Ref: 'AWS::AccountId' },
            `:deploymentgroup:${name}`,
          ],
        ],
      });
    }
  }

  hookRole() {
    return this.serverless.service.resources.Resources.HookFunctionRole;
  }

  grantVpcAccess() {
    const inVpc = Object.values(this.serverless.service.functions ?? {}).some((fn) => fn.vpc);
    if (!inVpc) return;
    this.hookRole().Properties.ManagedPolicyArns.push({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':iam::aws:policy/service-role/AWSLambdaENIManagementAccess',
        ],
      ],
    });
  }

  grantSecretReads(refs) {
    if (refs.length === 0) return;
    const arn = (service, resource) => ({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:${service}:`,
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          resource,
        ],
      ],
    });
    const ssm = refs
      .filter((r) => 'ssm' in r)
      .map((r) => arn('ssm', `:parameter/${r.ssm.replace(/^\//, '')}`));
    // A secret's ARN ends in a random 6-character suffix; an ARN given in full is used as is.
    const secrets = refs
      .filter((r) => 'secretsManager' in r)
      .map((r) =>
        r.secretsManager.startsWith('arn:')
          ? r.secretsManager
          : arn('secretsmanager', `:secret:${r.secretsManager}-??????`),
      );
    const statements = [
      ...(ssm.length ? [{ Effect: 'Allow', Action: 'ssm:GetParameter', Resource: ssm }] : []),
      ...(secrets.length
        ? [{ Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: secrets }]
        : []),
    ];
    this.hookRole().Properties.Policies.push({
      PolicyName: 'read-smoke-suite-secrets',
      PolicyDocument: { Version: '2012-10-17', Statement: statements },
    });
  }
}

module.exports = PreflightPlugin;
