/**
 * The example stack (examples/sample-website/template.yml), proved offline: the CloudFormation
 * specification, AWS's rule packs, the IAM simulator for the three roles that make blue/green
 * work, and the hooks finding every name the stack creates, in a loopback world built from the
 * template itself. Its names are the hook stack's defaults and the rehearsal's.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { createHookHandler } from '../../../src/controllers/codedeploy/createHookHandler';
import { LocalAwsWorld } from '../../../src/local/awsWorld';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import {
  AMAZON_ECS_INFRASTRUCTURE_ROLE_POLICY_FOR_LOAD_BALANCERS,
  AWS_CODEDEPLOY_ROLE_FOR_ECS_LIMITED,
} from '../../fixtures/awsManagedPolicies';
import { describeFinding, runNag } from '../../helpers/cdkNag';
import { validateTemplate } from '../../helpers/cloudFormationSpec';
import { resolveIntrinsics, SAMPLE, simulateCalls } from '../../helpers/iamSimulation';
import { captureLog, contextWithDeadline } from '../../helpers/lambda';
import { copyProject, PROJECT_ROOT, slsPackage } from '../../helpers/slsProject';
import { suiteOf } from '../../helpers/suites';

jest.setTimeout(120_000);

type Resource = { Type: string; Properties: Record<string, unknown>; Metadata?: object };
const template = parse(
  readFileSync(join(PROJECT_ROOT, 'examples', 'sample-website', 'template.yml'), 'utf8'),
) as { Resources: Record<string, Resource>; Parameters: Record<string, { Default?: string }> };
const props = (id: string) => (template.Resources[id]?.Properties ?? {}) as Record<string, unknown>;

/** The names the example creates, read from the template (never typed twice). */
const names = () => {
  const container = (props('TaskDefinition').ContainerDefinitions as { Name: string }[])[0];
  return {
    cluster: String(props('Cluster').ClusterName),
    service: String(props('Service').ServiceName),
    family: String(props('TaskDefinition').Family),
    containerName: String(container?.Name),
    loadBalancerName: String(props('LoadBalancer').Name),
    targetGroupNames: [String(props('TargetGroup1').Name), String(props('TargetGroup2').Name)] as [
      string,
      string,
    ],
    applicationName: String(props('Application').ApplicationName),
    deploymentGroupName: String(props('DeploymentGroup').DeploymentGroupName),
  };
};

describe('the example stack against AWS references', () => {
  it('matches the CloudFormation resource specification', () => {
    expect(validateTemplate(template as never)).toEqual([]);
  });

  it("passes AWS's rule packs, every kept finding with its reason in the template", () => {
    const report = runNag(template as never);
    expect(report.unexplained.map(describeFinding)).toEqual([]);
    expect(report.stale).toEqual([]);
    expect(report.all.length).toBeGreaterThan(3);
  });

  it('CodeDeploy may invoke the CodeDeployHook_* functions and change the service, nothing else (IAM simulator)', async () => {
    const role = template.Resources.CodeDeployServiceRole as Resource;
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      ':iam::aws:policy/AWSCodeDeployRoleForECSLimited',
    );
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain(
      'codedeploy.amazonaws.com',
    );
    const fn = (name: string) =>
      `arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:${name}`;
    const outcomes = await simulateCalls(
      {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              { PolicyName: 'managed', PolicyDocument: AWS_CODEDEPLOY_ROLE_FOR_ECS_LIMITED },
            ],
          },
        },
      },
      'R',
      [
        {
          action: 'lambda:InvokeFunction',
          resource: fn('CodeDeployHook_sample-website-dev-AfterAllowTestTraffic'),
          why: 'hook',
        },
        {
          action: 'lambda:InvokeFunction',
          resource: fn('CodeDeployHook_sample-website-dev-BeforeAllowTraffic'),
          why: 'hook',
        },
        {
          action: 'ecs:UpdateServicePrimaryTaskSet',
          resource: `arn:aws:ecs:${SAMPLE.region}:${SAMPLE.account}:service/sample-cluster/sample-website`,
          why: 'green',
        },
        {
          action: 'elasticloadbalancing:ModifyListener',
          resource: `arn:aws:elasticloadbalancing:${SAMPLE.region}:${SAMPLE.account}:listener/app/sample-website-alb/0123456789abcdef/1111111111111111`,
          why: 'shift',
        },
        { action: 'lambda:InvokeFunction', resource: fn('payments-api'), why: 'not ours' },
      ],
    );
    expect(outcomes.map((o) => o.result)).toEqual([
      'Allowed',
      'Allowed',
      'Allowed',
      'Allowed',
      'ImplicitlyDenied',
    ]);
  });

  it('ECS may change the listener rules through the infrastructure role (IAM simulator)', async () => {
    const role = template.Resources.EcsInfrastructureRole as Resource;
    expect(JSON.stringify(role.Properties.ManagedPolicyArns)).toContain(
      ':iam::aws:policy/AmazonECSInfrastructureRolePolicyForLoadBalancers',
    );
    expect(JSON.stringify(role.Properties.AssumeRolePolicyDocument)).toContain('ecs.amazonaws.com');
    const rule = `arn:aws:elasticloadbalancing:${SAMPLE.region}:${SAMPLE.account}:listener-rule/app/sample-website-alb/0123456789abcdef/1111111111111111/2222222222222222`;
    const outcomes = await simulateCalls(
      {
        R: {
          Type: 'AWS::IAM::Role',
          Properties: {
            Policies: [
              {
                PolicyName: 'managed',
                PolicyDocument: AMAZON_ECS_INFRASTRUCTURE_ROLE_POLICY_FOR_LOAD_BALANCERS,
              },
            ],
          },
        },
      },
      'R',
      [{ action: 'elasticloadbalancing:ModifyRule', resource: rule, why: 'shift' }],
    );
    expect(outcomes.map((o) => o.result)).toEqual(['Allowed']);
    // and the service hands ECS both rules and that role
    const advanced = JSON.stringify(props('Service').LoadBalancers);
    for (const id of ['ProductionRule', 'TestRule', 'EcsInfrastructureRole', 'TargetGroup2'])
      expect(advanced).toContain(id);
  });

  it("ECS may invoke the ECS hook through the hook stack's EcsHookInvokeRole, which the service names (IAM simulator)", async () => {
    const dir = copyProject();
    try {
      const packaged = await slsPackage(dir, ['--stage', 'dev']);
      if (!packaged.template) throw new Error(packaged.output);
      const t = packaged.template as unknown as { Resources: never; Conditions?: never };
      const resources = resolveIntrinsics(t.Resources, t.Resources, t.Conditions ?? {}) as never;
      const fnName = String(
        (t.Resources as Record<string, Resource>).EcsLifecycleHookLambdaFunction?.Properties
          .FunctionName,
      );
      const outcomes = await simulateCalls(resources, 'EcsHookInvokeRole', [
        {
          action: 'lambda:InvokeFunction',
          resource: `arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:${fnName}`,
          why: 'hook',
        },
        {
          action: 'lambda:InvokeFunction',
          resource: `arn:aws:lambda:${SAMPLE.region}:${SAMPLE.account}:function:other`,
          why: 'not ours',
        },
      ]);
      expect(outcomes.map((o) => o.result)).toEqual(['Allowed', 'ImplicitlyDenied']);
      const hooks = JSON.stringify(props('Service').DeploymentConfiguration);
      expect(hooks).toContain('"HookTargetArn":{"Ref":"EcsLifecycleHookArn"}');
      expect(hooks).toContain('"RoleArn":{"Ref":"EcsHookInvokeRoleArn"}');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the names: one world for the example, the hook stack and the rehearsal', () => {
  it("are the hook stack's default params", () => {
    const defaults = (
      parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
        params: { default: Record<string, unknown> };
      }
    ).params.default;
    const n = names();
    expect({
      ecsCluster: defaults.ecsCluster,
      ecsService: defaults.ecsService,
      serviceName: defaults.serviceName,
      containerName: defaults.containerName,
      codeDeployApplication: defaults.codeDeployApplication,
      codeDeployDeploymentGroup: defaults.codeDeployDeploymentGroup,
    }).toEqual({
      ecsCluster: n.cluster,
      ecsService: n.service,
      serviceName: n.service,
      containerName: n.containerName,
      codeDeployApplication: n.applicationName,
      codeDeployDeploymentGroup: n.deploymentGroupName,
    });
  });

  it("are the rehearsal's defaults", () => {
    const w = new LocalAwsWorld({ prodPort: 80, testPort: 8080 });
    const n = names();
    expect({
      cluster: w.clusterArn.split('/').pop(),
      service: w.serviceArn.split('/').pop(),
      loadBalancerName: w.loadBalancerArn.split('/')[2],
      targetGroupNames: [w.tg1.name, w.tg2.name],
      applicationName: w.group.applicationName,
      deploymentGroupName: w.group.deploymentGroupName,
      family: w.green.family,
      containerName: w.green.containers[0]?.name,
    }).toEqual({
      cluster: n.cluster,
      service: n.service,
      loadBalancerName: n.loadBalancerName,
      targetGroupNames: n.targetGroupNames,
      applicationName: n.applicationName,
      deploymentGroupName: n.deploymentGroupName,
      family: n.family,
      containerName: n.containerName,
    });
  });

  it('the hooks discover exactly what the example creates (a loopback world built from the template)', async () => {
    const n = names();
    const world = await LoopbackDeployment.start({ names: n });
    const saved = { ...process.env };
    Object.assign(process.env, world.awsEnv());
    world.route('test', 'green');
    const log = captureLog();
    try {
      const handler = createHookHandler(
        'AfterAllowTestTraffic',
        () => suiteOf({ checks: [{ name: 'home', path: '/' }] }),
        { env: { ROUTING_PROOF: 'true' }, log },
      );
      const result = await handler(
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'e' },
        contextWithDeadline(20_000),
      );
      expect(result.status).toBe('Succeeded');
      const discovered = log.lines.find((l) => l.message === 'Green discovered')?.fields as {
        deploymentGroup: string;
        routing: unknown;
      };
      expect(discovered.deploymentGroup).toBe(`${n.applicationName}/${n.deploymentGroupName}`);
      expect(JSON.stringify(discovered.routing)).toContain('forwards only to green');
      // The world the proof walked is the template's: its load balancer and target groups.
      expect(world.world.loadBalancerArn).toContain(`loadbalancer/app/${n.loadBalancerName}/`);
      expect([world.world.tg1.name, world.world.tg2.name]).toEqual(n.targetGroupNames);
    } finally {
      process.env = saved;
      await world.stop();
    }
  });
});

describe('npm run example:* (scripts/example.mjs), as a dry run', () => {
  const dryRun = (...args: string[]) => {
    const r = spawnSync(process.execPath, ['scripts/example.mjs', ...args, '--dry-run'], {
      cwd: PROJECT_ROOT,
      encoding: 'utf8',
    });
    expect(r.status).toBe(0);
    return r.stderr
      .split('\n')
      .filter((l) => l.startsWith('$ '))
      .map((l) => l.slice(2));
  };
  const defaults = () =>
    (
      parse(readFileSync(join(PROJECT_ROOT, 'serverless.yml'), 'utf8')) as {
        params: { default: Record<string, unknown> };
      }
    ).params.default;

  it.each(['CODE_DEPLOY', 'ECS'])(
    'deploy (%s) passes only parameters the template and the hook stack declare',
    (controller) => {
      const commands = dryRun(
        'deploy',
        '--vpc',
        'vpc-1',
        '--subnets',
        'subnet-a,subnet-b',
        '--controller',
        controller,
      );
      const cfn = commands.find((c) => c.startsWith('aws cloudformation deploy')) ?? '';
      const overrides = cfn.split('--parameter-overrides ')[1]?.split(/ (?=[A-Za-z]+=|")/) ?? [];
      for (const o of overrides)
        expect(Object.keys(template.Parameters)).toContain(o.replace(/^"/, '').split('=')[0]);
      for (const c of commands.filter((x) => x.startsWith('npx sls deploy')))
        for (const [, key] of c.matchAll(/--param=(\w+)=/g))
          expect(Object.keys(defaults())).toContain(key);
      // ECS native: the hooks exist before the service that names them
      const order = commands.map((c) =>
        c.startsWith('npx sls deploy')
          ? 'hooks'
          : c.startsWith('aws cloudformation deploy')
            ? 'example'
            : '',
      );
      expect(order.filter(Boolean)).toEqual(
        controller === 'ECS' ? ['hooks', 'example', 'hooks'] : ['example', 'hooks'],
      );
    },
  );

  it("deploy-new-version targets the example's service, group and appspec; destroy removes both stacks", () => {
    const n = names();
    const [cd] = dryRun('deploy-new-version', '--image', 'nginx:mainline').filter((c) =>
      c.startsWith('aws ecs deploy'),
    );
    for (const part of [
      n.cluster,
      n.service,
      n.applicationName,
      n.deploymentGroupName,
      '.serverless/appspec.yaml',
    ])
      expect(cd).toContain(part);
    const ecs = dryRun('deploy-new-version', '--image', 'nginx:mainline', '--controller', 'ECS');
    expect(ecs.some((c) => c.startsWith('aws ecs update-service') && c.includes(n.service))).toBe(
      true,
    );
    expect(dryRun('destroy')).toEqual([
      'aws cloudformation delete-stack --stack-name sample-website-example',
      'aws cloudformation wait stack-delete-complete --stack-name sample-website-example',
      'npx sls remove --stage dev',
    ]);
  });
});
