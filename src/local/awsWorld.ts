/**
 * One consistent AWS world on loopback, read by the local CodeDeploy, ELBv2 and ECS endpoints:
 * a load balancer with a production and a test listener, two target groups, an ECS service
 * whose blue and green task sets run task definitions :41 and :42, and the CodeDeploy
 * deployment group that ties them together. Tests, the rehearsal and the bench change it (route
 * the test listener, mark targets unhealthy) the way CodeDeploy and ECS would.
 */
export const WORLD_REGION = 'us-east-1';
export const WORLD_ACCOUNT = '123456789012';

const arn = (service: string, resource: string) =>
  `arn:aws:${service}:${WORLD_REGION}:${WORLD_ACCOUNT}:${resource}`;

export interface WorldContainer {
  readonly name: string;
  readonly image: string;
  readonly environment: Readonly<Record<string, string>>;
}

export interface WorldTaskDefinition {
  readonly arn: string;
  readonly family: string;
  readonly revision: number;
  readonly containers: readonly WorldContainer[];
  /** RegisterTaskDefinition's tags; DescribeTaskDefinition returns them only with include TAGS. */
  tags?: Record<string, string>;
}

export interface WorldTaskSet {
  readonly id: string;
  readonly taskDefinition: string;
  status: 'PRIMARY' | 'ACTIVE' | 'DRAINING';
  readonly targetGroupArn: string;
}

export interface WorldForward {
  readonly targetGroupArn: string;
  readonly weight: number;
}

export interface WorldListener {
  readonly arn: string;
  readonly port: number;
  readonly protocol: 'HTTP' | 'HTTPS';
  /** The default rule's forward action. */
  forwards: WorldForward[];
}

export interface WorldTargetGroup {
  readonly arn: string;
  readonly name: string;
  /** Targets and their health, as DescribeTargetHealth reports them. */
  targets: Array<{ id: string; state: 'healthy' | 'unhealthy' | 'initial' | 'draining' }>;
}

export interface WorldDeploymentGroup {
  readonly applicationName: string;
  readonly deploymentGroupName: string;
  readonly cluster: string;
  readonly service: string;
  readonly prodListenerArn: string;
  readonly testListenerArn: string;
  readonly targetGroupNames: readonly [string, string];
}

/** ECS native blue/green: a service deployment from one revision to another. */
export interface WorldServiceDeployment {
  readonly arn: string;
  readonly sourceRevisionArn: string;
  readonly targetRevisionArn: string;
  status: string;
  stopType?: string;
}

export interface SampleWorldOptions {
  readonly prodPort: number;
  readonly testPort: number;
  readonly family?: string;
  readonly containerName?: string;
  readonly applicationName?: string;
  readonly deploymentGroupName?: string;
  readonly cluster?: string;
  readonly service?: string;
  readonly loadBalancerName?: string;
  readonly targetGroupNames?: readonly [string, string];
  /** Image tags of blue (:41) and green (:42). */
  readonly blueTag?: string;
  readonly greenTag?: string;
}

export class LocalAwsWorld {
  public readonly loadBalancerArn: string;
  /** Loopback: the listeners are local proxies. */
  public readonly dnsName = '127.0.0.1';
  public readonly listeners = new Map<string, WorldListener>();
  public readonly targetGroups = new Map<string, WorldTargetGroup>();
  public readonly taskDefinitions = new Map<string, WorldTaskDefinition>();
  public readonly taskSets: WorldTaskSet[] = [];
  public readonly deploymentGroups: WorldDeploymentGroup[] = [];
  public readonly serviceArn: string;
  public readonly clusterArn: string;
  public readonly blue: WorldTaskDefinition;
  public readonly green: WorldTaskDefinition;
  public readonly prodListener: WorldListener;
  public readonly testListener: WorldListener;
  public readonly tg1: WorldTargetGroup;
  public readonly tg2: WorldTargetGroup;
  public readonly group: WorldDeploymentGroup;
  /** ECS native: the blue and green service revisions, and the service's deployments. */
  public readonly blueRevisionArn: string;
  public readonly greenRevisionArn: string;
  public readonly serviceDeployments: WorldServiceDeployment[] = [];
  /** The deployment's own alarms: the group's alarm configuration, the service's (ECS). */
  public deploymentAlarmNames: string[] = [];
  /** Service Connect blue/green: test traffic by this header (testTrafficRules) or ECS's. */
  public serviceConnect: { header?: { name: string; value: string } } | undefined;

  public constructor(options: SampleWorldOptions) {
    const family = options.family ?? 'sample-website';
    const container = options.containerName ?? 'sample-website';
    const cluster = options.cluster ?? 'sample-cluster';
    const service = options.service ?? 'sample-website';
    this.loadBalancerArn = arn(
      'elasticloadbalancing',
      `loadbalancer/app/${options.loadBalancerName ?? `${family}-alb`}/0123456789abcdef`,
    );
    this.clusterArn = arn('ecs', `cluster/${cluster}`);
    this.serviceArn = arn('ecs', `service/${cluster}/${service}`);
    const tg = (name: string, id: string): WorldTargetGroup => ({
      arn: arn('elasticloadbalancing', `targetgroup/${name}/${id}`),
      name,
      targets: [{ id: '10.0.0.1', state: 'healthy' }],
    });
    const [tg1, tg2] = options.targetGroupNames ?? [`${family}-tg-1`, `${family}-tg-2`];
    this.tg1 = tg(tg1, '1111111111111111');
    this.tg2 = tg(tg2, '2222222222222222');
    for (const t of [this.tg1, this.tg2]) this.targetGroups.set(t.arn, t);
    const td = (revision: number, tag: string): WorldTaskDefinition => ({
      arn: arn('ecs', `task-definition/${family}:${revision}`),
      family,
      revision,
      containers: [
        {
          name: container,
          image: `${WORLD_ACCOUNT}.dkr.ecr.${WORLD_REGION}.amazonaws.com/${family}:${tag}`,
          environment: { APP_VERSION: tag },
        },
      ],
    });
    this.blue = td(41, options.blueTag ?? 'v1');
    this.green = td(42, options.greenTag ?? 'v2');
    for (const t of [this.blue, this.green]) this.taskDefinitions.set(t.arn, t);
    this.taskSets.push(
      {
        id: 'ecs-svc/blue',
        taskDefinition: this.blue.arn,
        status: 'PRIMARY',
        targetGroupArn: this.tg1.arn,
      },
      {
        id: 'ecs-svc/green',
        taskDefinition: this.green.arn,
        status: 'ACTIVE',
        targetGroupArn: this.tg2.arn,
      },
    );
    const listener = (port: number, id: string): WorldListener => ({
      arn: arn('elasticloadbalancing', `listener/app/${family}-alb/0123456789abcdef/${id}`),
      port,
      protocol: 'HTTP',
      forwards: [{ targetGroupArn: this.tg1.arn, weight: 1 }],
    });
    this.prodListener = listener(options.prodPort, 'aaaaaaaaaaaaaaaa');
    this.testListener = listener(options.testPort, 'bbbbbbbbbbbbbbbb');
    for (const l of [this.prodListener, this.testListener]) this.listeners.set(l.arn, l);
    this.group = {
      applicationName: options.applicationName ?? `AppECS-${cluster}-${service}`,
      deploymentGroupName: options.deploymentGroupName ?? `DgpECS-${cluster}-${service}`,
      cluster,
      service,
      prodListenerArn: this.prodListener.arn,
      testListenerArn: this.testListener.arn,
      targetGroupNames: [this.tg1.name, this.tg2.name],
    };
    this.deploymentGroups.push(this.group);
    this.blueRevisionArn = arn('ecs', `service-revision/${cluster}/${service}/1000000000000000041`);
    this.greenRevisionArn = arn(
      'ecs',
      `service-revision/${cluster}/${service}/1000000000000000042`,
    );
  }

  /** The listener rule ARN of a listener's default rule. */
  public ruleOf(listener: WorldListener): string {
    return `${listener.arn.replace(':listener/', ':listener-rule/')}/default`;
  }

  /** An ECS native deployment from blue's revision to green's, in progress. */
  public startServiceDeployment(options: { creation?: boolean } = {}): WorldServiceDeployment {
    const d: WorldServiceDeployment = {
      arn: arn(
        'ecs',
        `service-deployment/${this.group.cluster}/${this.group.service}/deploy${this.serviceDeployments.length + 1}`,
      ),
      sourceRevisionArn: options.creation ? '' : this.blueRevisionArn,
      targetRevisionArn: this.greenRevisionArn,
      status: 'IN_PROGRESS',
    };
    this.serviceDeployments.push(d);
    return d;
  }

  /** The appspec a deployment of green carries (YAML, as pipelines write it). */
  public appSpecFor(td: WorldTaskDefinition): string {
    const container = td.containers[0]?.name ?? 'app';
    return [
      'version: 0.0',
      'Resources:',
      '  - TargetService:',
      '      Type: AWS::ECS::Service',
      '      Properties:',
      `        TaskDefinition: "${td.arn}"`,
      '        LoadBalancerInfo:',
      `          ContainerName: "${container}"`,
      '          ContainerPort: 80',
      '',
    ].join('\n');
  }

  /** Points a listener's default rule at one target group, as CodeDeploy does. */
  public route(listener: WorldListener, targetGroup: WorldTargetGroup): void {
    listener.forwards = [{ targetGroupArn: targetGroup.arn, weight: 1 }];
  }

  public findGroup(applicationName: string, deploymentGroupName: string) {
    return this.deploymentGroups.find(
      (g) => g.applicationName === applicationName && g.deploymentGroupName === deploymentGroupName,
    );
  }

  public listenerOfRule(ruleArn: string): WorldListener | undefined {
    return [...this.listeners.values()].find(
      (l) => ruleArn === `${l.arn.replace(':listener/', ':listener-rule/')}/default`,
    );
  }
}
