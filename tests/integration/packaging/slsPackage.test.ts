/**
 * The real `sls package`, without AWS credentials: the CloudFormation template it writes, the
 * package-time checks, and the bundled artifact itself run against loopback servers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { contextWithDeadline } from '../../helpers/lambda';
import { localAwsEnv, startApp, startCodeDeploy } from '../../helpers/localServers';
import {
  type CloudFormationTemplate,
  copyProject,
  extractArtifact,
  type PackageResult,
  slsPackage,
} from '../../helpers/slsProject';

jest.setTimeout(180_000);

const functionsOf = (template: CloudFormationTemplate) =>
  Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');

type Policy = { PolicyDocument: { Statement: Array<Record<string, unknown>> } };

const statementsOf = (template: CloudFormationTemplate, roleId: string) => {
  const role = template.Resources[roleId];
  if (!role) throw new Error(`no ${roleId} in the template`);
  return (role.Properties.Policies as Policy[]).flatMap((p) => p.PolicyDocument.Statement);
};

describe('sls package, dev stage defaults', () => {
  let dir: string;
  let result: PackageResult;
  let template: CloudFormationTemplate;

  beforeAll(async () => {
    dir = copyProject();
    result = await slsPackage(dir, ['--stage', 'dev']);
    if (!result.template) throw new Error(`sls package failed:\n${result.output}`);
    template = result.template;
  });

  it('names the hook functions CodeDeployHook_*, within 64 characters, on arm64 Node 24', () => {
    const functions = functionsOf(template);
    expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual([
      'CodeDeployHook_sample-website-dev-AfterAllowTestTraffic',
      'CodeDeployHook_sample-website-dev-BeforeAllowTraffic',
    ]);
    for (const f of functions) {
      expect(String(f.Properties.FunctionName).length).toBeLessThanOrEqual(64);
      expect(f.Properties.Runtime).toBe('nodejs24.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.Timeout).toBe(180);
      expect(f.Properties.VpcConfig).toBeUndefined();
      expect(
        (f.Properties.Environment as { Variables: Record<string, string> }).Variables,
      ).toMatchObject({
        TEST_LISTENER_URL: 'http://test-listener.invalid:8080',
        HOOK_SAFETY_MARGIN_MS: '10000',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('lets the hooks report only on the deployment group, and write only their own logs', () => {
    const statements = statementsOf(template, 'HookFunctionRole');
    expect(statements).toHaveLength(2);
    const report = statements.find(
      (s) => s.Action === 'codedeploy:PutLifecycleEventHookExecutionStatus',
    );
    expect(JSON.stringify(report?.Resource)).toContain(
      ':deploymentgroup:AppECS-sample-cluster-sample-website/DgpECS-sample-cluster-sample-website',
    );
    const logs = statements.find((s) => JSON.stringify(s.Action).includes('logs:PutLogEvents'));
    expect(logs?.Resource).toEqual([
      { 'Fn::GetAtt': ['AfterAllowTestTrafficLogGroup', 'Arn'] },
      { 'Fn::GetAtt': ['BeforeAllowTrafficLogGroup', 'Arn'] },
    ]);
    expect(JSON.stringify(template)).not.toMatch(/"Resource":\s*"\*"/);
  });

  it('bundles a handler that really works: Succeeded for a healthy app, through the local endpoint', async () => {
    const artifact = await extractArtifact(dir, 'afterAllowTestTraffic');
    const app = await startApp();
    const endpoint = await startCodeDeploy();
    const deploymentId = endpoint.addDeployment('app', 'dg');
    const saved = { ...process.env };
    Object.assign(process.env, localAwsEnv(endpoint.url), {
      TEST_LISTENER_URL: app.url,
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    try {
      const { handler } = require(join(artifact, 'handlers', 'afterAllowTestTraffic.js'));
      const result = await handler(
        { DeploymentId: deploymentId, LifecycleEventHookExecutionId: 'e1' },
        contextWithDeadline(30_000),
      );
      expect(result.status).toBe('Succeeded');
      expect(endpoint.hookStatuses.get('e1')).toBe('Succeeded');
      // the shipped default suite ran: home page, health and the 404 check
      expect(app.paths).toEqual(
        expect.arrayContaining(['/', '/health', '/this-page-does-not-exist']),
      );
    } finally {
      process.env = saved;
    }
  });
});

describe('sls package refuses a stage that would break at deploy time', () => {
  it('fails on a stage name that makes a function name longer than 64 characters', async () => {
    const result = await slsPackage(copyProject(), ['--stage', 'a-very-long-stage-name']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(
      'function afterAllowTestTraffic: name "CodeDeployHook_sample-website-a-very-long-stage-name-AfterAllowTestTraffic" is 74 characters, Lambda allows 64; use a stage name at most 12 characters long',
    );
  });

  it('fails on an invalid suite, naming the file, the line and the field', async () => {
    const dir = copyProject();
    writeFileSync(
      join(dir, 'config', 'suites', 'default.yaml'),
      'name: x\nchecks:\n  - name: a\n    path: nope\n',
    );
    const result = await slsPackage(dir, ['--stage', 'dev']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(
      'config/suites/default.yaml:4: checks[0].path: a path starts with "/"',
    );
  });

  it('fails on an invalid listener URL param', async () => {
    const result = await slsPackage(copyProject(), [
      '--stage',
      'dev',
      '--param=testListenerUrl=ftp://x',
    ]);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(
      'function beforeAllowTraffic: TEST_LISTENER_URL must be an http:// or https:// URL, got "ftp://x"',
    );
  });

  it('grants read access to exactly the secrets the suite references, and VPC access when placed in a VPC', async () => {
    const dir = copyProject();
    writeFileSync(
      join(dir, 'config', 'suites', 'default.yaml'),
      'name: x\nchecks:\n  - name: a\n    path: /\n    headers:\n      X-Key: { secret: { ssm: /app/key } }\n      X-Token: { secret: { secretsManager: app/token } }\n',
    );
    const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8').replace(
      '\n  dev:\n',
      '\n  private:\n    vpc: { subnetIds: [subnet-1], securityGroupIds: [sg-1] }\n  dev:\n',
    );
    writeFileSync(join(dir, 'serverless.yml'), yml);
    const result = await slsPackage(dir, ['--stage', 'private']);
    expect(result.output).toBe(result.ok ? result.output : 'sls package should succeed');
    const template = result.template as CloudFormationTemplate;
    const statements = statementsOf(template, 'HookFunctionRole');
    const text = JSON.stringify(statements);
    expect(statements.find((s) => s.Action === 'ssm:GetParameter')).toBeDefined();
    expect(text).toContain(':parameter/app/key');
    expect(text).toContain(':secret:app/token-??????');
    expect(
      JSON.stringify(template.Resources.HookFunctionRole?.Properties.ManagedPolicyArns),
    ).toContain('AWSLambdaENIManagementAccess');
    for (const f of functionsOf(template)) {
      expect(f.Properties.VpcConfig).toEqual({
        SecurityGroupIds: ['sg-1'],
        SubnetIds: ['subnet-1'],
      });
    }
  });
});
