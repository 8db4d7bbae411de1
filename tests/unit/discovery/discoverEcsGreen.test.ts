/**
 * ECS discovery alone, on revision shapes the loopback world does not produce: which target group
 * is green and which is blue, revisions with parts missing, a task definition read that fails,
 * and the abort signal shared by its concurrent reads. The clients are fakes that answer by
 * command; the loopback world tests the same module end to end (ecsDiscoveryPaths.test.ts).
 */
import {
  DescribeServiceRevisionsCommand,
  DescribeTaskDefinitionCommand,
  type ServiceRevision,
} from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetHealthCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { EcsReadClients } from '../../../src/aws/clients';
import {
  createEcsGreenDiscovery,
  type EcsDiscoverOptions,
} from '../../../src/discovery/discoverEcsGreen';

const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const TG_A = `${ARN}:targetgroup/tg-a/0a`;
const TG_B = `${ARN}:targetgroup/tg-b/0b`;
const TEST_LISTENER = `${ARN}:listener/app/sample/lb1/test`;
const TEST_RULE = `${ARN}:listener-rule/app/sample/lb1/test/r1`;
const PROD_RULE = `${ARN}:listener-rule/app/sample/lb1/prod/r2`;
const DEPLOYMENT = 'arn:aws:ecs:us-east-1:111122223333:service-deployment/c/s/d1';
const REVISION = 'arn:aws:ecs:us-east-1:111122223333:service-revision/c/s/2';
const TASK_DEFINITION = 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:7';

type Answer = (input: Record<string, unknown>, signal: AbortSignal) => Promise<unknown>;

/** Fake ECS and ELB clients: each command's answer by name, every call and its signal recorded. */
const fakeClients = (answers: Record<string, Answer>) => {
  const calls: { name: string; input: Record<string, unknown>; signal: AbortSignal }[] = [];
  const send = async (
    command: { constructor: { name: string }; input: Record<string, unknown> },
    options: { abortSignal: AbortSignal },
  ) => {
    const name = command.constructor.name;
    calls.push({ name, input: command.input, signal: options.abortSignal });
    // As the SDK does: a call made under an aborted signal does not go out.
    if (options.abortSignal.aborted)
      throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    const answer = answers[name];
    if (!answer) throw new Error(`unexpected ${name}`);
    return answer(command.input, options.abortSignal);
  };
  return { clients: { ecs: { send }, elb: { send } } as unknown as EcsReadClients, calls };
};

const forward = (tg: string) => [{ Type: 'forward', TargetGroupArn: tg }];

/** A well-formed world: the test rule forwards to `testTo`, the production rule to `prodTo`. */
const world = (
  revision: ServiceRevision | undefined,
  testTo = TG_B,
  prodTo = TG_A,
  overrides: Record<string, Answer> = {},
) =>
  fakeClients({
    [DescribeServiceRevisionsCommand.name]: async () => ({
      serviceRevisions: revision ? [revision] : undefined,
    }),
    [DescribeTaskDefinitionCommand.name]: async () => ({
      taskDefinition: { taskDefinitionArn: TASK_DEFINITION, family: 'web', revision: 7 },
    }),
    [DescribeListenersCommand.name]: async (input) => ({
      Listeners: [
        {
          Port: (input.ListenerArns as string[])[0] === TEST_LISTENER ? 8080 : 80,
          Protocol: 'HTTP',
        },
      ],
    }),
    [DescribeLoadBalancersCommand.name]: async () => ({
      LoadBalancers: [{ DNSName: 'sample.elb.example' }],
    }),
    [DescribeRulesCommand.name]: async (input) => ({
      Rules:
        input.ListenerArn === TEST_LISTENER
          ? [{ RuleArn: TEST_RULE, Actions: forward(testTo) }]
          : [{ RuleArn: PROD_RULE, Actions: forward(prodTo) }],
    }),
    [DescribeTargetHealthCommand.name]: async () => ({
      TargetHealthDescriptions: [{ TargetHealth: { State: 'healthy' } }],
    }),
    ...overrides,
  });

const advancedConfiguration = {
  alternateTargetGroupArn: TG_B,
  testListenerRule: TEST_RULE,
  productionListenerRule: PROD_RULE,
  roleArn: 'arn:aws:iam::111122223333:role/ecs-lb',
};

/** The revision of a deployment whose green ECS resolved to `green`. */
const revisionOf = (overrides: Partial<ServiceRevision> = {}): ServiceRevision => ({
  serviceRevisionArn: REVISION,
  taskDefinition: TASK_DEFINITION,
  loadBalancers: [
    { targetGroupArn: TG_A, containerName: 'web', containerPort: 80, advancedConfiguration },
  ],
  resolvedConfiguration: { loadBalancers: [{ targetGroupArn: TG_B }] },
  ...overrides,
});

const options = (overrides: Partial<EcsDiscoverOptions> = {}): EcsDiscoverOptions => ({
  serviceDeploymentArn: DEPLOYMENT,
  targetServiceRevisionArn: REVISION,
  stage: 'POST_TEST_TRAFFIC_SHIFT',
  routingProof: true,
  signal: new AbortController().signal,
  ...overrides,
});

const BOTH_PROVEN =
  "test listener rule :8080 forwards only to green's target group, with healthy targets; the production rule only to blue's";

describe('ECS discovery: green and blue', () => {
  it("green is the target group ECS resolved, even the service's first one; blue is the other", async () => {
    // ECS alternates the two target groups between deployments: here green runs in tg-a.
    const { clients } = world(
      revisionOf({ resolvedConfiguration: { loadBalancers: [{ targetGroupArn: TG_A }] } }),
      TG_A,
      TG_B,
    );
    const found = await createEcsGreenDiscovery(clients)(options({ needsBlueAlone: true }));
    expect(found).toMatchObject({
      baseUrl: 'http://sample.elb.example:8080',
      productionUrl: 'http://sample.elb.example:80',
      routing: BOTH_PROVEN,
    });
  });

  it('without a resolved target group, green is the alternate one', async () => {
    for (const resolvedConfiguration of [{}, { loadBalancers: [] }, undefined]) {
      const { clients } = world(revisionOf({ resolvedConfiguration }));
      const found = await createEcsGreenDiscovery(clients)(options({ needsBlueAlone: true }));
      expect(found.routing).toBe(BOTH_PROVEN);
    }
  });

  it('blue is whichever of the two target groups green is not, when only one is named', async () => {
    const { clients } = world(
      revisionOf({
        loadBalancers: [{ containerName: 'web', containerPort: 80, advancedConfiguration }],
        resolvedConfiguration: { loadBalancers: [{ targetGroupArn: TG_A }] },
      }),
      TG_A,
      TG_B,
    );
    const found = await createEcsGreenDiscovery(clients)(options({ needsBlueAlone: true }));
    expect(found.routing).toBe(BOTH_PROVEN);
  });

  it('names both target groups for the canary analysis, and none when only one is known', async () => {
    const { clients } = world(revisionOf());
    const found = await createEcsGreenDiscovery(clients)(options());
    expect(found.metricTargets).toEqual({
      greenTargetGroupArn: TG_B,
      blueTargetGroupArn: TG_A,
      loadBalancerArn: `${ARN}:loadbalancer/app/sample/lb1`,
    });
    // Green is the alternate and the service names no other: blue's minutes cannot be read.
    const { clients: one } = world(
      revisionOf({
        loadBalancers: [{ containerName: 'web', containerPort: 80, advancedConfiguration }],
      }),
    );
    expect((await createEcsGreenDiscovery(one)(options())).metricTargets).toBeUndefined();
  });

  it('a proof with no target group known names it unknown, with the task definition as ?', async () => {
    const { clients } = world(
      revisionOf({
        taskDefinition: undefined,
        loadBalancers: [
          {
            containerName: 'web',
            advancedConfiguration: { ...advancedConfiguration, alternateTargetGroupArn: undefined },
          },
        ],
        resolvedConfiguration: undefined,
      }),
    );
    await expect(createEcsGreenDiscovery(clients)(options())).rejects.toThrow(
      "not only to green's target group (unknown) (task definition ?)",
    );
  });
});

describe('ECS discovery: revisions with parts missing', () => {
  it('an answer without revisions names the revision as not found', async () => {
    const { clients } = world(undefined);
    await expect(createEcsGreenDiscovery(clients)(options())).rejects.toThrow(
      `service revision ${REVISION} was not found`,
    );
  });

  it('a revision without load balancers is tested at the given URL', async () => {
    for (const loadBalancers of [undefined, []]) {
      const { clients } = world(revisionOf({ loadBalancers, resolvedConfiguration: undefined }));
      const found = await createEcsGreenDiscovery(clients)(
        options({ overrideUrl: 'http://127.0.0.1:9/' }),
      );
      expect(found.baseUrl).toBe('http://127.0.0.1:9/');
    }
  });

  it("facts carry the deployment's id, and say why the task definition is unknown", async () => {
    const { clients } = world(revisionOf({ taskDefinition: undefined }));
    const found = await createEcsGreenDiscovery(clients)(options());
    expect(found.facts.values).toEqual({ 'deployment.id': DEPLOYMENT });
    expect(found.facts.unavailable).toBe(
      'the revision could not be read (the service revision names no task definition)',
    );
  });

  it('a denied task definition read leaves the facts unavailable, naming the grant', async () => {
    const { clients } = world(revisionOf(), TG_B, TG_A, {
      [DescribeTaskDefinitionCommand.name]: async () => {
        throw Object.assign(new Error('not allowed'), { name: 'AccessDeniedException' });
      },
    });
    const found = await createEcsGreenDiscovery(clients)(options());
    expect(found.facts.unavailable).toBe(
      'ecs:DescribeTaskDefinition was denied (AccessDeniedException): the hook role needs ecs:DescribeTaskDefinition on "*"; redeploy with sls deploy, which grants it',
    );
  });
});

describe('ECS discovery: the Service Connect test header', () => {
  const serviceConnectConfiguration = {
    enabled: true,
    services: [{ portName: 'web', clientAliases: [{ port: 80 }] }],
  };

  it('travels with a proven green when the revision uses Service Connect, and only then', async () => {
    const connected = world(revisionOf({ serviceConnectConfiguration }));
    expect((await createEcsGreenDiscovery(connected.clients)(options())).testHeader).toEqual({
      name: 'x-amzn-ecs-blue-green-test',
      value: 'true',
    });
    const plain = world(revisionOf());
    expect(await createEcsGreenDiscovery(plain.clients)(options())).not.toHaveProperty(
      'testHeader',
    );
  });
});

describe('ECS discovery: one signal for its reads', () => {
  it("an aborted caller's signal stops the reads", async () => {
    const { clients, calls } = world(revisionOf());
    const caller = new AbortController();
    caller.abort();
    await expect(
      createEcsGreenDiscovery(clients)(options({ signal: caller.signal })),
    ).rejects.toThrow('ecs:DescribeServiceRevisions got no answer before the time budget ran out');
    expect(calls.map((c) => c.name)).toEqual([DescribeServiceRevisionsCommand.name]);
  });

  it('when one read fails, the reads still running are cancelled', async () => {
    const waiting: AbortSignal[] = [];
    const { clients } = world(revisionOf(), TG_B, TG_A, {
      [DescribeRulesCommand.name]: async () => {
        throw Object.assign(new Error('slow down'), { name: 'ThrottlingException' });
      },
      // Answers only when cancelled, as a call left hanging would.
      [DescribeTargetHealthCommand.name]: (_input, signal) =>
        new Promise((_, reject) => {
          waiting.push(signal);
          signal.addEventListener('abort', () => reject(new Error('aborted')));
        }),
    });
    await expect(createEcsGreenDiscovery(clients)(options())).rejects.toThrow(
      'elasticloadbalancing:DescribeRules failed: ThrottlingException: slow down',
    );
    expect(waiting).toHaveLength(1);
    expect(waiting[0]?.aborted).toBe(true);
  });
});
