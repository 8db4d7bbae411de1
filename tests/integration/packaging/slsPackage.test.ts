/**
 * The real `sls package`, without AWS credentials: the CloudFormation template it writes, the
 * package-time checks, and the bundled artifact itself run against loopback servers.
 */
import { createSocket } from 'node:dgram';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import { captureEmf, findMetrics, parseEmf } from '../../helpers/emf';
import { contextWithDeadline } from '../../helpers/lambda';
import {
  type CloudFormationTemplate,
  copyProject,
  extractArtifact,
  invokePackaged,
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

  it('names the CodeDeploy functions CodeDeployHook_*, within 64 characters, on arm64 Node 24', () => {
    const functions = functionsOf(template);
    expect(functions.map((f) => f.Properties.FunctionName).sort()).toEqual([
      'CodeDeployHook_sample-website-dev-AfterAllowTestTraffic',
      'CodeDeployHook_sample-website-dev-AfterAllowTraffic',
      'CodeDeployHook_sample-website-dev-AlarmRollback',
      'CodeDeployHook_sample-website-dev-BeforeAllowTraffic',
      'sample-website-dev-EcsLifecycleHook',
    ]);
    for (const f of functions) {
      expect(String(f.Properties.FunctionName).length).toBeLessThanOrEqual(64);
      expect(f.Properties.Runtime).toBe('nodejs24.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
    }
    for (const f of functions.filter((fn) =>
      /(AfterAllowTestTraffic|BeforeAllowTraffic)$/.test(String(fn.Properties.FunctionName)),
    )) {
      expect(String(f.Properties.FunctionName).length).toBeLessThanOrEqual(64);
      expect(f.Properties.Runtime).toBe('nodejs24.x');
      expect(f.Properties.Architectures).toEqual(['arm64']);
      expect(f.Properties.Timeout).toBe(180);
      expect(f.Properties.VpcConfig).toBeUndefined();
      expect(
        (f.Properties.Environment as { Variables: Record<string, string> }).Variables,
      ).toMatchObject({
        TEST_LISTENER_URL: '',
        ROUTING_PROOF: 'true',
        ECS_CLUSTER_NAME: 'sample-cluster',
        ECS_SERVICE_NAME: 'sample-website',
        HOOK_SAFETY_MARGIN_MS: '10000',
        NODE_OPTIONS: '--enable-source-maps',
      });
    }
  });

  it('lets the hooks report (on "*", the only resource IAM matches for it) and write only their own logs', () => {
    const statements = statementsOf(template, 'HookFunctionRole');
    expect(statements).toHaveLength(6);
    const report = statements.find(
      (s) => s.Action === 'codedeploy:PutLifecycleEventHookExecutionStatus',
    );
    expect(report?.Resource).toBe('*');
    const logs = statements.find((s) => JSON.stringify(s.Action).includes('logs:PutLogEvents'));
    expect(logs?.Resource).toEqual([
      { 'Fn::GetAtt': ['AfterAllowTestTrafficLogGroup', 'Arn'] },
      { 'Fn::GetAtt': ['BeforeAllowTrafficLogGroup', 'Arn'] },
      { 'Fn::GetAtt': ['AfterAllowTrafficLogGroup', 'Arn'] },
    ]);
  });

  it('writes the stage appspec next to the package, from the resolved function names', () => {
    expect(readFileSync(join(dir, '.serverless', 'appspec.yaml'), 'utf8')).toBe(
      readFileSync(join(__dirname, '..', '..', '..', 'appspec.yaml'), 'utf8'),
    );
  });

  it('bundles a handler that really works: discovers green, proves the routing, reports Succeeded', async () => {
    const artifact = await extractArtifact(dir, 'afterAllowTestTraffic');
    const world = await LoopbackDeployment.start();
    const endpoint = world.codeDeploy;
    const app = world.greenApp;
    world.route('test', 'green');
    const deploymentId = world.startDeployment();
    const saved = { ...process.env };
    Object.assign(process.env, world.awsEnv(), {
      ROUTING_PROOF: 'true',
      POWERTOOLS_LOG_LEVEL: 'SILENT',
    });
    const emf = captureEmf();
    try {
      const { handler } = require(join(artifact, 'handlers', 'afterAllowTestTraffic.js'));
      const result = await handler(
        { DeploymentId: deploymentId, LifecycleEventHookExecutionId: 'e1' },
        contextWithDeadline(30_000),
      );
      expect(result.status).toBe('Succeeded');
      const where = { Controller: 'CodeDeploy', Step: 'AfterAllowTestTraffic' };
      expect(findMetrics(emf.metrics(), 'Verdicts', { ...where, Outcome: 'Succeeded' })).toEqual([
        expect.objectContaining({ value: 1, unit: 'Count', namespace: 'EcsBlueGreenHooks' }),
      ]);
      for (const name of ['InvocationDuration', 'DiscoveryDuration', 'SuiteDuration'])
        expect([name, findMetrics(emf.metrics(), name, where)[0]?.unit]).toEqual([
          name,
          'Milliseconds',
        ]);
      // A failing green: Failed, with the failed checks by name.
      app.setBehaviour('broken');
      const failedRun = await handler(
        { DeploymentId: deploymentId, LifecycleEventHookExecutionId: 'e0' },
        contextWithDeadline(30_000),
      );
      expect(failedRun.status).toBe('Failed');
      expect(findMetrics(emf.metrics(), 'Verdicts', { ...where, Outcome: 'Failed' })).toHaveLength(
        1,
      );
      expect(
        findMetrics(emf.metrics(), 'FailedChecks', where).map((m) => m.dimensions[0]?.Check),
      ).toContain('home page');
      app.setBehaviour('healthy');
      expect(endpoint.hookStatuses.get('e1')).toBe('Succeeded');
      // the shipped default suite ran: home page, health and the 404 check
      expect(app.paths).toEqual(
        expect.arrayContaining(['/', '/health', '/this-page-does-not-exist']),
      );
      // no YAML parser in the Lambda: suites and the service map are bundled as data
      expect(
        readFileSync(join(artifact, 'handlers', 'afterAllowTestTraffic.js'), 'utf8'),
      ).not.toContain('Excessive alias count');
      // keepNames: error classes keep their names in the minified bundle
      endpoint.failNext(
        'PutLifecycleEventHookExecutionStatus',
        { errorType: 'InvalidDeploymentIdException', message: 'bad id' },
        10,
      );
      const error = await handler(
        { DeploymentId: deploymentId, LifecycleEventHookExecutionId: 'e2' },
        contextWithDeadline(30_000),
      ).catch((e: Error) => e);
      expect(error.constructor.name).toBe('HookReportError');
      expect((error.cause as Error).constructor.name).toBe('InvalidDeploymentIdException');
    } finally {
      emf.stop();
      process.env = saved;
      await world.stop();
    }
  });
  it('with tracing on, sends X-Ray subsegments for discovery, every AWS call and the report (a loopback X-Ray daemon)', async () => {
    const artifact = await extractArtifact(dir, 'afterAllowTestTraffic');
    const world = await LoopbackDeployment.start();
    world.route('test', 'green');
    const daemon = createSocket('udp4');
    const segments: Array<{ name?: string; namespace?: string }> = [];
    daemon.on('message', (m) => {
      // Each datagram: a JSON header line, then the segment document.
      const doc = m.toString('utf8').split('\n')[1];
      if (doc) segments.push(JSON.parse(doc));
    });
    await new Promise<void>((r) => daemon.bind(0, '127.0.0.1', r));
    try {
      const answer = await invokePackaged(
        join(artifact, 'handlers', 'afterAllowTestTraffic.js'),
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'traced' },
        30_000,
        {
          ...world.awsEnv(),
          POWERTOOLS_LOG_LEVEL: 'SILENT',
          POWERTOOLS_TRACE_ENABLED: 'true',
          // What Lambda sets for a function with active tracing.
          LAMBDA_TASK_ROOT: artifact,
          AWS_EXECUTION_ENV: 'AWS_Lambda_nodejs24.x',
          AWS_LAMBDA_FUNCTION_NAME: 'CodeDeployHook_sample-website-dev-AfterAllowTestTraffic',
          _X_AMZN_TRACE_ID:
            'Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1',
          AWS_XRAY_DAEMON_ADDRESS: `127.0.0.1:${daemon.address().port}`,
          AWS_XRAY_CONTEXT_MISSING: 'LOG_ERROR',
        },
      );
      expect(answer.status).toBe('Succeeded');
      await new Promise((r) => setTimeout(r, 200));
      const names = segments.map((x) => x.name);
      expect(names).toEqual(expect.arrayContaining(['discovery', 'report', 'CodeDeploy']));
      expect(segments.filter((x) => x.namespace === 'aws').length).toBeGreaterThan(2);
    } finally {
      daemon.close();
      await world.stop();
    }
  });
});

describe('sls package, the ECS native lifecycle hook', () => {
  it('with the shipped default suite unedited, the packaged ecsLifecycleHook judges green at POST_TEST_TRAFFIC_SHIFT and PRE_PRODUCTION_TRAFFIC_SHIFT, found by discovery', async () => {
    const dir = copyProject();
    const result = await slsPackage(dir, ['--stage', 'dev']);
    if (!result.template) throw new Error(`sls package failed:\n${result.output}`);
    // sls package says what runs where, for both controllers
    expect(result.output).toMatch(
      /ECS {8}POST_TEST_TRAFFIC_SHIFT +home page, health, unknown page is a 404 {2}\(as AfterAllowTestTraffic\)/,
    );
    expect(result.output).toMatch(/ECS {8}PRE_SCALE_UP +nothing: the ECS hook answers FAILED here/);
    expect(
      result.template.Resources.EcsHookInvokeRole?.Properties.AssumeRolePolicyDocument,
    ).toMatchObject({
      Statement: [{ Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }],
    });
    const fn = result.template.Resources.EcsLifecycleHookLambdaFunction;
    expect(fn?.Properties.Environment).toMatchObject({ Variables: { TEST_LISTENER_URL: '' } });
    const artifact = await extractArtifact(dir, 'ecsLifecycleHook');
    // It never calls CodeDeploy: the client (CommonJS, not tree-shaken) stays out of its bundle.
    expect(readFileSync(join(artifact, 'handlers', 'ecsLifecycleHook.js'), 'utf8')).not.toContain(
      'CodeDeploy_20141006',
    );
    const saved = { ...process.env };
    // One world and one cold start, as Lambda keeps them; green changes between the cases.
    const world = await LoopbackDeployment.start({
      green: { behaviour: 'slow-start', startupMs: 600_000 },
    });
    world.route('test', 'green');
    Object.assign(process.env, world.awsEnv(), { POWERTOOLS_LOG_LEVEL: 'SILENT' });
    const cases = [
      ['POST_TEST_TRAFFIC_SHIFT', 'slow-start', 'IN_PROGRESS'],
      ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'slow-start', 'IN_PROGRESS'],
      ['POST_TEST_TRAFFIC_SHIFT', 'healthy', 'SUCCEEDED'],
      ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'healthy', 'SUCCEEDED'],
      ['POST_TEST_TRAFFIC_SHIFT', 'broken', 'FAILED'],
      ['PRE_PRODUCTION_TRAFFIC_SHIFT', 'broken', 'FAILED'],
    ] as const;
    const emf = captureEmf();
    try {
      const { handler } = require(join(artifact, 'handlers', 'ecsLifecycleHook.js'));
      for (const [stage, behaviour, expected] of cases) {
        if (behaviour !== 'slow-start') world.greenApp.setBehaviour(behaviour);
        world.greenApp.paths.splice(0);
        const response = await handler(
          {
            executionId: `ecs-${stage}-${behaviour}`,
            lifecycleStage: stage,
            resourceArn: world.world.startServiceDeployment().arn,
            executionDetails: {
              serviceArn: world.world.serviceArn,
              targetServiceRevisionArn: world.world.greenRevisionArn,
              testTrafficWeights: {},
              productionTrafficWeights: {},
            },
          },
          contextWithDeadline(30_000),
        );
        expect([stage, behaviour, response.hookStatus]).toEqual([stage, behaviour, expected]);
        // green was found from the service revision (no TEST_LISTENER_URL) and got the requests
        expect(world.greenApp.paths.length).toBeGreaterThan(0);
        if (behaviour === 'healthy') {
          const expectedPaths =
            stage === 'POST_TEST_TRAFFIC_SHIFT'
              ? ['/', '/health', '/this-page-does-not-exist']
              : ['/', '/health'];
          expect(new Set(world.greenApp.paths)).toEqual(new Set(expectedPaths));
        }
      }
      expect(world.ecs.requests.map((r) => r.operation)).toContain('DescribeServiceRevisions');
      expect(world.blueApp.paths).toEqual([]);
      // Every answer is a metric: EMF lines, parsed as CloudWatch would, one verdict each.
      const metrics = emf.metrics();
      for (const [stage, , expected] of cases) {
        const where = { Controller: 'ECS', Step: stage, Outcome: expected };
        expect(findMetrics(metrics, 'Verdicts', where).length).toBeGreaterThan(0);
      }
      expect(findMetrics(metrics, 'Verdicts')).toHaveLength(cases.length);
      expect(new Set(metrics.map((m) => m.namespace))).toEqual(new Set(['EcsBlueGreenHooks']));
      const failedChecks = findMetrics(metrics, 'FailedChecks', {
        Step: 'POST_TEST_TRAFFIC_SHIFT',
      });
      expect(failedChecks.map((m) => m.dimensions[0]?.Check)).toContain('home page');
      expect(findMetrics(metrics, 'DiscoveryDuration', { Controller: 'ECS' })[0]?.unit).toBe(
        'Milliseconds',
      );
      // Bounded dimensions: no deployment id or execution id in any dimension set.
      for (const m of metrics)
        for (const d of m.dimensions)
          expect(Object.keys(d).sort()).toEqual(
            expect.arrayContaining(['Controller', 'Step', 'service']),
          );
      expect(JSON.stringify(metrics.map((m) => m.dimensions))).not.toMatch(/ecs-POST|arn:/);
    } finally {
      emf.stop();
      process.env = saved;
      await world.stop();
    }
  });
});

describe('sls package, the production watch', () => {
  it('the packaged afterAllowTraffic reports Failed within 5 s of production answering 500, Succeeded after a clean window', async () => {
    const dir = copyProject();
    const suiteFile = join(dir, 'config', 'suites', 'default.yaml');
    // The default rate (2/s) and streak (3), a short window for the test.
    writeFileSync(
      suiteFile,
      readFileSync(suiteFile, 'utf8').replace(
        '\nhooks:\n',
        '\nwatch:\n  paths: [/]\n  windowMs: 6000\n  alarms: [web-5xx]\n\nhooks:\n  AfterAllowTraffic: [home page]\n',
      ),
    );
    const result = await slsPackage(dir, ['--stage', 'dev']);
    if (!result.template) throw new Error(`sls package failed:\n${result.output}`);
    const artifact = await extractArtifact(dir, 'afterAllowTraffic');
    const world = await LoopbackDeployment.start();
    world.route('test', 'green');
    world.route('production', 'green');
    world.cloudWatch.setAlarm('web-5xx', 'OK');
    try {
      const bundle = join(artifact, 'handlers', 'afterAllowTraffic.js');
      // The CloudWatch client comes from the runtime's SDK, loaded only when a watch reads alarms.
      expect(readFileSync(bundle, 'utf8')).not.toContain('GraniteServiceVersion20100801');
      const emf: string[] = [];
      const invoke = (id: string) =>
        invokePackaged(
          bundle,
          { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: id },
          60_000,
          { ...world.awsEnv(), POWERTOOLS_LOG_LEVEL: 'SILENT' },
          emf,
        );
      let started = performance.now();
      const clean = await invoke('clean');
      expect(clean.reason).toBeUndefined();
      // The watch's samples are a metric: about 2 a second over the 6 s window.
      const samples = findMetrics(emf.flatMap(parseEmf), 'WatchSamples', {
        Step: 'AfterAllowTraffic',
      });
      expect(samples.map((m) => m.value)).toEqual([expect.any(Number)]);
      expect(samples[0]?.value).toBeGreaterThanOrEqual(6);
      expect(clean.status).toBe('Succeeded');
      expect(performance.now() - started).toBeGreaterThanOrEqual(5_500); // the whole window
      expect(world.codeDeploy.hookStatuses.get('clean')).toBe('Succeeded');
      expect(world.cloudWatch.requests[0]?.body.AlarmNames).toEqual(['web-5xx']);

      let brokeAt = 0;
      setTimeout(() => {
        world.greenApp.setBehaviour('broken');
        brokeAt = performance.now();
      }, 1_500);
      started = performance.now();
      const verdict = await invoke('breaks');
      const report = world.codeDeploy
        .requestsFor('PutLifecycleEventHookExecutionStatus')
        .find((r) => r.body.lifecycleEventHookExecutionId === 'breaks');
      expect(verdict.status).toBe('Failed');
      expect(verdict.reason).toMatch(/production watch: 3 failures in a row \(last: status 500\)/);
      expect(report?.body.status).toBe('Failed');
      expect(brokeAt).toBeGreaterThan(started);
      expect((report?.receivedAt ?? Number.POSITIVE_INFINITY) - brokeAt).toBeLessThan(5_000);
    } finally {
      await world.stop();
    }
  });
});

describe('sls package, alarm rollback', () => {
  let template: CloudFormationTemplate;
  const resourcesOf = (type: string) =>
    Object.values(template.Resources).filter((r) => r.Type === type);

  beforeAll(async () => {
    const dir = copyProject();
    const yml = readFileSync(join(dir, 'serverless.yml'), 'utf8').replace(
      '\n  dev:\n',
      `\n  routed:\n    alarmRoutes: '{"payments-5xx": [{"application": "pay", "deploymentGroup": "pay-dg"}]}'\n    createAlarms: 'false'\n  dev:\n`,
    );
    writeFileSync(join(dir, 'serverless.yml'), yml);
    const result = await slsPackage(dir, ['--stage', 'routed']);
    if (!result.template) throw new Error(`sls package failed:\n${result.output}`);
    template = result.template;
  });

  it('subscribes the function to the alarm topic, and lets only that topic invoke it through SNS', () => {
    const [subscription] = resourcesOf('AWS::SNS::Subscription');
    expect(subscription?.Properties).toMatchObject({
      Protocol: 'lambda',
      TopicArn: { Ref: 'AlarmTopic' },
      Endpoint: { 'Fn::GetAtt': ['AlarmRollbackLambdaFunction', 'Arn'] },
    });
    const fromSns = resourcesOf('AWS::Lambda::Permission').filter(
      (p) => p.Properties.Principal === 'sns.amazonaws.com',
    );
    expect(fromSns.map((p) => p.Properties.SourceArn)).toEqual([{ Ref: 'AlarmTopic' }]);
    expect(template.Resources.AlarmTopic?.Type).toBe('AWS::SNS::Topic');
  });

  it("has an EventBridge rule for the stage's own alarms, by exact name, going to ALARM", () => {
    const [rule] = resourcesOf('AWS::Events::Rule');
    expect(rule?.Properties.EventPattern).toEqual({
      source: ['aws.cloudwatch'],
      'detail-type': ['CloudWatch Alarm State Change'],
      detail: {
        alarmName: [
          'sample-website-routed-target-5xx',
          'sample-website-routed-unhealthy-hosts',
          'sample-website-routed-target-latency-p99',
        ],
        state: { value: ['ALARM'] },
      },
    });
  });

  it('lets exactly those alarms invoke it directly', () => {
    const permissions = resourcesOf('AWS::Lambda::Permission').filter(
      (p) => p.Properties.Principal === 'lambda.alarms.cloudwatch.amazonaws.com',
    );
    expect(
      permissions.map((p) => JSON.stringify(p.Properties.SourceArn).match(/:alarm:([^"]*)/)?.[1]),
    ).toEqual([
      'sample-website-routed-target-5xx',
      'sample-website-routed-unhealthy-hosts',
      'sample-website-routed-target-latency-p99',
    ]);
  });

  it('keeps deliveries that failed every retry in a queue, with two retries set explicitly', () => {
    const [config] = resourcesOf('AWS::Lambda::EventInvokeConfig');
    expect(config?.Properties).toMatchObject({
      MaximumRetryAttempts: 2,
      DestinationConfig: {
        OnFailure: { Destination: { 'Fn::GetAtt': ['AlarmRollbackFailedDeliveries', 'Arn'] } },
      },
    });
    expect(template.Resources.AlarmRollbackFailedDeliveries?.Type).toBe('AWS::SQS::Queue');
  });

  it('alarms on the Errors of each function and on failed deliveries, for the operator topic', () => {
    const errors = resourcesOf('AWS::CloudWatch::Alarm').filter(
      (a) => a.Properties.MetricName === 'Errors',
    );
    expect(errors.map((a) => a.Properties.Dimensions)).toEqual([
      [{ Name: 'FunctionName', Value: { Ref: 'AfterAllowTestTrafficLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'BeforeAllowTrafficLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'AfterAllowTrafficLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'EcsLifecycleHookLambdaFunction' } }],
      [{ Name: 'FunctionName', Value: { Ref: 'AlarmRollbackLambdaFunction' } }],
    ]);
    for (const a of errors) {
      expect(a.Properties.AlarmActions).toEqual({
        'Fn::If': ['HasOperatorTopic', [{ Ref: 'OperatorTopicArn' }], { Ref: 'AWS::NoValue' }],
      });
    }
  });

  it('scopes list and inspect to the configured and the routed deployment groups, stop to "*"', () => {
    const statements = statementsOf(template, 'AlarmFunctionRole');
    const codedeploy = statements.find((s) =>
      JSON.stringify(s.Action).includes('codedeploy:ListDeployments'),
    );
    expect(codedeploy?.Action).toEqual([
      'codedeploy:ListDeployments',
      'codedeploy:BatchGetDeployments',
    ]);
    expect(statements.find((s) => s.Action === 'codedeploy:StopDeployment')?.Resource).toBe('*');
    const resources = JSON.stringify(codedeploy?.Resource);
    expect(resources).toContain(
      ':deploymentgroup:AppECS-sample-cluster-sample-website/DgpECS-sample-cluster-sample-website',
    );
    expect(resources).toContain(':deploymentgroup:pay/pay-dg');
    expect(codedeploy?.Resource).toHaveLength(2);
    // the hooks cannot stop deployments
    expect(JSON.stringify(statementsOf(template, 'HookFunctionRole'))).not.toContain(
      'StopDeployment',
    );
  });

  it('makes the shipped alarms switchable, each notifying the topic', () => {
    const alarms = resourcesOf('AWS::CloudWatch::Alarm').filter(
      (a) => (a as { Condition?: string }).Condition,
    );
    expect(alarms.map((a) => a.Properties.AlarmName).sort()).toEqual([
      'sample-website-routed-target-5xx',
      'sample-website-routed-target-latency-p99',
      'sample-website-routed-unhealthy-hosts',
    ]);
    for (const a of alarms) {
      expect((a as { Condition?: string }).Condition).toBe('CreateAlarms');
      expect(a.Properties.AlarmActions).toEqual([{ Ref: 'AlarmTopic' }]);
    }
    // Conditions on stack parameters whose defaults are the stage params: never on literals,
    // which would always evaluate the same way (cfn-lint W8003).
    const t = template as unknown as {
      Conditions: unknown;
      Parameters: Record<string, { Default: string }>;
    };
    expect(t.Conditions).toEqual({
      CreateAlarms: { 'Fn::Equals': [{ Ref: 'CreateAlarms' }, 'true'] },
      HasOperatorTopic: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'OperatorTopicArn' }, ''] }] },
    });
    expect(t.Parameters.CreateAlarms?.Default).toBe('false');
    expect(t.Parameters.OperatorTopicArn?.Default).toBe('');
  });
});

describe('sls package refuses a stage that would break at deploy time', () => {
  it('fails on a stage name that makes a function name longer than 64 characters', async () => {
    const result = await slsPackage(copyProject(), ['--stage', 'a-very-long-stage-name']);
    expect(result.ok).toBe(false);
    expect(result.output).toContain(
      'function afterAllowTestTraffic: name "CodeDeployHook_sample-website-a-very-long-stage-name-AfterAllowTestTraffic" is 74 characters, Lambda allows 64; use a stage name at most 12 characters long',
    );
    expect(result.output).toContain(
      'function alarmRollback: name "CodeDeployHook_sample-website-a-very-long-stage-name-AlarmRollback" is 66 characters',
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

  it('fails on malformed alarm routes, naming the function and the field', async () => {
    const result = await slsPackage(copyProject(), [
      '--stage',
      'dev',
      '--param=alarmRoutes={"x": [{"application": "a"}]}',
    ]);
    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/function alarmRollback: ALARM_ROUTES: x\.0\.deploymentGroup: /);
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
    // granted once, though the package lifecycle ran the grants (and `sls deploy` runs it twice)
    const policies = (template.Resources.HookFunctionRole?.Properties.Policies ?? []) as Array<{
      PolicyName: string;
    }>;
    expect(policies.map((p) => p.PolicyName).sort()).toEqual([
      'discover-and-report',
      'read-smoke-suite-secrets',
    ]);
    expect(text).toContain(':secret:app/token-??????');
    // Both hook roles: the ECS hook reads the same suite and runs in the same VPC.
    for (const roleId of ['HookFunctionRole', 'EcsHookFunctionRole']) {
      expect(JSON.stringify(template.Resources[roleId]?.Properties.ManagedPolicyArns)).toContain(
        'AWSLambdaENIManagementAccess',
      );
      expect(JSON.stringify(statementsOf(template, roleId))).toContain(':parameter/app/key');
    }
    const vpc = { SecurityGroupIds: ['sg-1'], SubnetIds: ['subnet-1'] };
    const placed = Object.fromEntries(
      functionsOf(template).map((f) => [f.Properties.FunctionName, f.Properties.VpcConfig]),
    );
    expect(placed).toEqual({
      'CodeDeployHook_sample-website-private-AfterAllowTestTraffic': vpc,
      'CodeDeployHook_sample-website-private-BeforeAllowTraffic': vpc,
      'CodeDeployHook_sample-website-private-AfterAllowTraffic': vpc,
      // the alarm function only talks to CodeDeploy: no VPC, no NAT needed
      'CodeDeployHook_sample-website-private-AlarmRollback': undefined,
      'sample-website-private-EcsLifecycleHook': vpc,
    });
  });
});
