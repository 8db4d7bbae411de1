#!/usr/bin/env node
// The example stack (examples/sample-website/template.yml) with the hooks, in your account:
//
//   npm run example:deploy -- --vpc vpc-0abc --subnets subnet-0a,subnet-0b [--controller ECS] [--strategy CANARY]
//   npm run example:deploy-new-version -- --image public.ecr.aws/nginx/nginx:mainline [--controller ECS] [--broken]
//   npm run example:destroy
//
// Every command takes --stage (default dev, the hook stack's stage), --region, and --dry-run
// (print the AWS CLI and sls commands instead of running them). Needs the AWS CLI v2 and
// credentials for the target account.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = join(import.meta.dirname, '..');
export const EXAMPLE_STACK = 'sample-website-example';
const TEMPLATE = join('examples', 'sample-website', 'template.yml');
const NAMES = {
  cluster: 'sample-cluster',
  service: 'sample-website',
  family: 'sample-website',
  container: 'sample-website',
  application: 'AppECS-sample-cluster-sample-website',
  deploymentGroup: 'DgpECS-sample-cluster-sample-website',
};

/** A release broken on purpose: the site answers, but /health answers 500. */
export const BROKEN_SITE =
  "printf 'server { listen 80; root /usr/share/nginx/html; location = /health { return 500; } }' > /etc/nginx/conf.d/default.conf && exec nginx -g 'daemon off;'";

/** The commands a step runs, in order; `run` executes them (or prints them with --dry-run). */
export const plan = {
  deployExample: ({ vpc, subnets, stage, controller, strategy, hookArn, roleArn }) => [
    [
      'aws',
      'cloudformation',
      'deploy',
      '--template-file',
      TEMPLATE,
      '--stack-name',
      EXAMPLE_STACK,
      '--capabilities',
      'CAPABILITY_IAM',
      '--parameter-overrides',
      `VpcId=${vpc}`,
      `SubnetIds=${subnets}`,
      `HooksStage=${stage}`,
      `Controller=${controller}`,
      `EcsStrategy=${strategy}`,
      ...(hookArn ? [`EcsLifecycleHookArn=${hookArn}`, `EcsHookInvokeRoleArn=${roleArn}`] : []),
    ],
  ],
  deployHooks: ({ stage, controller, outputs }) => [
    [
      'npx',
      'sls',
      'deploy',
      '--stage',
      stage,
      ...(outputs
        ? [
            `--param=loadBalancerFullName=${outputs.LoadBalancerFullName}`,
            `--param=targetGroup1FullName=${outputs.TargetGroup1FullName}`,
            `--param=targetGroup2FullName=${outputs.TargetGroup2FullName}`,
          ]
        : []),
      // ECS native: alarms stop the ECS service's deployment, not a CodeDeploy group's.
      ...(controller === 'ECS'
        ? [
            '--param=alarmCodeDeployApplication=',
            '--param=alarmCodeDeployDeploymentGroup=',
            `--param=alarmEcsCluster=${NAMES.cluster}`,
            `--param=alarmEcsService=${NAMES.service}`,
          ]
        : []),
    ],
  ],
  destroy: ({ stage }) => [
    ['aws', 'cloudformation', 'delete-stack', '--stack-name', EXAMPLE_STACK],
    ['aws', 'cloudformation', 'wait', 'stack-delete-complete', '--stack-name', EXAMPLE_STACK],
    ['npx', 'sls', 'remove', '--stage', stage],
  ],
};

const { values } = parseArgs({
  args: process.argv.slice(3),
  options: {
    vpc: { type: 'string' },
    subnets: { type: 'string' },
    image: { type: 'string' },
    stage: { type: 'string', default: 'dev' },
    controller: { type: 'string', default: 'CODE_DEPLOY' },
    strategy: { type: 'string', default: 'BLUE_GREEN' },
    region: { type: 'string' },
    'dry-run': { type: 'boolean', default: false },
    broken: { type: 'boolean', default: false },
  },
});
const dryRun = values['dry-run'];
if (values.region) process.env.AWS_REGION = values.region;

const run = (cmd, capture = false) => {
  process.stderr.write(`$ ${cmd.map((a) => (/\s/.test(a) ? JSON.stringify(a) : a)).join(' ')}\n`);
  if (dryRun) return '{}';
  return execFileSync(cmd[0], cmd.slice(1), {
    cwd: ROOT,
    stdio: capture ? ['ignore', 'pipe', 'inherit'] : 'inherit',
    encoding: 'utf8',
  });
};
const outputsOf = (stack) => {
  const text = run(
    ['aws', 'cloudformation', 'describe-stacks', '--stack-name', stack, '--output', 'json'],
    true,
  );
  const outputs = JSON.parse(text).Stacks?.[0]?.Outputs ?? [];
  return Object.fromEntries(outputs.map((o) => [o.OutputKey, o.OutputValue]));
};
const fail = (message) => {
  process.stderr.write(`${message}\n`);
  process.exit(2);
};

const deploy = () => {
  if (!values.vpc || !values.subnets)
    fail('give --vpc vpc-… and --subnets subnet-…,subnet-… (two public subnets)');
  const { stage, controller } = values;
  let hookArn;
  let roleArn;
  if (controller === 'ECS') {
    // The service names the hook, so the hooks come first.
    for (const c of plan.deployHooks({ stage, controller })) run(c);
    const hooks = outputsOf(`ecs-bluegreen-hooks-${stage}`);
    hookArn =
      hooks.EcsLifecycleHookArn ?? 'arn:aws:lambda:region:account:function:(from the hook stack)';
    roleArn = hooks.EcsHookInvokeRoleArn ?? 'arn:aws:iam::account:role/(from the hook stack)';
  }
  for (const c of plan.deployExample({ ...values, hookArn, roleArn })) run(c);
  // The shipped alarms watch the example's load balancer: its full names are known only now.
  const outputs = dryRun
    ? { LoadBalancerFullName: '…', TargetGroup1FullName: '…', TargetGroup2FullName: '…' }
    : outputsOf(EXAMPLE_STACK);
  for (const c of plan.deployHooks({ stage, controller, outputs })) run(c);
  process.stdout.write(
    `\nProduction: ${outputs.ProductionUrl ?? '(stack output ProductionUrl)'}\nTest listener: ${outputs.TestUrl ?? '(stack output TestUrl)'}\nNext: npm run example:deploy-new-version -- --image <image>${controller === 'ECS' ? ' --controller ECS' : ''}\n`,
  );
};

const deployNewVersion = () => {
  if (!values.image) fail('give --image <image>, e.g. public.ecr.aws/nginx/nginx:mainline');
  if (values.broken)
    process.stderr.write('This release answers 500 on /health: the hooks should fail it.\n');
  const { stage, controller } = values;
  const current = JSON.parse(
    run(
      [
        'aws',
        'ecs',
        'describe-task-definition',
        '--task-definition',
        NAMES.family,
        '--output',
        'json',
      ],
      true,
    ),
  ).taskDefinition ?? { containerDefinitions: [{ name: NAMES.container }] };
  // The registerable fields of the current revision, with the new image.
  const keep = [
    'family',
    'taskRoleArn',
    'executionRoleArn',
    'networkMode',
    'containerDefinitions',
    'requiresCompatibilities',
    'cpu',
    'memory',
  ];
  const next = Object.fromEntries(
    keep.filter((k) => current[k] !== undefined).map((k) => [k, current[k]]),
  );
  next.family = NAMES.family;
  next.containerDefinitions = current.containerDefinitions.map((c) =>
    c.name === NAMES.container
      ? { ...c, image: values.image, ...(values.broken && { command: [BROKEN_SITE] }) }
      : c,
  );
  const dir = mkdtempSync(join(tmpdir(), 'example-'));
  const file = join(dir, 'task-definition.json');
  writeFileSync(file, JSON.stringify(next, null, 2));
  if (controller === 'ECS') {
    const registered =
      JSON.parse(
        run(
          [
            'aws',
            'ecs',
            'register-task-definition',
            '--cli-input-json',
            `file://${file}`,
            '--output',
            'json',
          ],
          true,
        ),
      ).taskDefinition?.taskDefinitionArn ?? `${NAMES.family}:(new revision)`;
    run([
      'aws',
      'ecs',
      'update-service',
      '--cluster',
      NAMES.cluster,
      '--service',
      NAMES.service,
      '--task-definition',
      registered,
    ]);
  } else {
    // The stage's appspec, with the hooks' names, from `sls package` (or the last `sls deploy`).
    run(['npx', 'sls', 'package', '--stage', stage]);
    run([
      'aws',
      'ecs',
      'deploy',
      '--cluster',
      NAMES.cluster,
      '--service',
      NAMES.service,
      '--task-definition',
      file,
      '--codedeploy-appspec',
      join('.serverless', 'appspec.yaml'),
      '--codedeploy-application',
      NAMES.application,
      '--codedeploy-deployment-group',
      NAMES.deploymentGroup,
    ]);
  }
  const region = process.env.AWS_REGION ?? '<region>';
  process.stdout.write(
    [
      '',
      'Watch it:',
      controller === 'ECS'
        ? `  ECS service deployments: https://${region}.console.aws.amazon.com/ecs/v2/clusters/${NAMES.cluster}/services/${NAMES.service}/deployments`
        : `  CodeDeploy deployments:  https://${region}.console.aws.amazon.com/codesuite/codedeploy/deployments?region=${region}`,
      `  hook logs: aws logs tail --follow /aws/lambda/${controller === 'ECS' ? `sample-website-${stage}-EcsLifecycleHook` : `CodeDeployHook_sample-website-${stage}-AfterAllowTestTraffic`}`,
      '',
    ].join('\n'),
  );
};

const destroy = () => {
  for (const c of plan.destroy(values)) run(c);
};

const command = process.argv[2];
if (command === 'deploy') deploy();
else if (command === 'deploy-new-version') deployNewVersion();
else if (command === 'destroy') destroy();
else if (command !== undefined)
  fail(`unknown command ${command}: deploy, deploy-new-version or destroy`);
