/**
 * A whole ECS blue/green deployment on loopback, as one consistent world: blue (:41) and green
 * (:42) sample apps, a production and a test listener (switchable proxies whose ports are the
 * world's listener ports), and local CodeDeploy, ELBv2 and ECS endpoints that describe exactly
 * that. Routing a listener changes the proxy and what ELBv2 reports, together. Used by the
 * tests, the rehearsal and the bench.
 */
import { recordAlbMetrics } from './albMetrics';
import { LocalAwsWorld, type SampleWorldOptions, WORLD_REGION } from './awsWorld';
import { LocalCloudWatchEndpoint } from './cloudWatchEndpoint';
import { LocalCodeDeployEndpoint } from './codeDeployEndpoint';
import { LocalEcsEndpoint } from './ecsEndpoint';
import { LocalElbv2Endpoint } from './elbv2Endpoint';
import { SampleApp, type SampleAppOptions } from './sampleApp';
import { SwitchableProxy } from './switchableProxy';

export interface LoopbackDeploymentOptions {
  readonly blue?: Partial<SampleAppOptions>;
  readonly green?: Partial<SampleAppOptions>;
  /** The world's names (cluster, service, groups…); the sample world's unless given. */
  readonly names?: Omit<SampleWorldOptions, 'prodPort' | 'testPort'>;
  /** The clock of the load balancer's metrics (scaledClock for many minutes in seconds). */
  readonly metricClock?: () => number;
}

export type Side = 'blue' | 'green';

export class LoopbackDeployment {
  private constructor(
    public readonly world: LocalAwsWorld,
    public readonly codeDeploy: LocalCodeDeployEndpoint,
    public readonly elb: LocalElbv2Endpoint,
    public readonly ecs: LocalEcsEndpoint,
    public readonly cloudWatch: LocalCloudWatchEndpoint,
    public readonly blueApp: SampleApp,
    public readonly greenApp: SampleApp,
    public readonly production: SwitchableProxy,
    public readonly test: SwitchableProxy,
  ) {}

  public static async start(options: LoopbackDeploymentOptions = {}): Promise<LoopbackDeployment> {
    const blueApp = new SampleApp({ version: 'v1', ...options.blue });
    const greenApp = new SampleApp({ version: 'v2', ...options.green });
    await Promise.all([blueApp.start(), greenApp.start()]);
    const blueTarget = { label: 'v1 (blue, tg-1)', url: blueApp.url };
    const production = new SwitchableProxy('production :80', blueTarget);
    const test = new SwitchableProxy('test :8080', blueTarget);
    await Promise.all([production.start(), test.start()]);
    const port = (p: SwitchableProxy) => Number(new URL(p.url).port);
    const world = new LocalAwsWorld({
      ...options.names,
      prodPort: port(production),
      testPort: port(test),
    });
    const codeDeploy = new LocalCodeDeployEndpoint({ world });
    const elb = new LocalElbv2Endpoint(world);
    const ecs = new LocalEcsEndpoint(world);
    const cloudWatch = new LocalCloudWatchEndpoint(WORLD_REGION, options.metricClock);
    await Promise.all([codeDeploy.start(), elb.start(), ecs.start(), cloudWatch.start()]);
    recordAlbMetrics(world, cloudWatch.metrics, [production, test], (t) =>
      t.url === blueApp.url ? world.tg1.arn : t.url === greenApp.url ? world.tg2.arn : undefined,
    );
    return new LoopbackDeployment(
      world,
      codeDeploy,
      elb,
      ecs,
      cloudWatch,
      blueApp,
      greenApp,
      production,
      test,
    );
  }

  /** The standard variables that point the real SDK clients at the local endpoints. */
  public awsEnv(): Record<string, string> {
    return {
      AWS_ENDPOINT_URL_CODEDEPLOY: this.codeDeploy.url,
      AWS_ENDPOINT_URL_ELASTIC_LOAD_BALANCING_V2: this.elb.url,
      AWS_ENDPOINT_URL_ECS: this.ecs.url,
      AWS_ENDPOINT_URL_CLOUDWATCH: this.cloudWatch.url,
      AWS_REGION: WORLD_REGION,
      AWS_ACCESS_KEY_ID: 'loopback',
      AWS_SECRET_ACCESS_KEY: 'loopback',
    };
  }

  /** A new deployment of green, in progress, as CodeDeploy starts it. */
  public startDeployment(description?: string): string {
    const g = this.world.group;
    return this.codeDeploy.addDeployment(g.applicationName, g.deploymentGroupName, 'InProgress', {
      appSpecContent: this.world.appSpecFor(this.world.green),
      ...(description !== undefined && { description }),
    });
  }

  public label(side: Side): string {
    return side === 'blue' ? 'v1 (blue, tg-1)' : 'v2 (green, tg-2)';
  }

  /** Points a listener at blue or green: the proxy and what ELBv2 reports, together. */
  public route(listener: 'production' | 'test', side: Side): void {
    const proxy = listener === 'production' ? this.production : this.test;
    const app = side === 'blue' ? this.blueApp : this.greenApp;
    proxy.switchTo({ label: this.label(side), url: app.url });
    this.world.route(
      listener === 'production' ? this.world.prodListener : this.world.testListener,
      side === 'blue' ? this.world.tg1 : this.world.tg2,
    );
  }

  /**
   * A traffic step of a LINEAR or CANARY deployment: the listener's rule forwards `greenPercent`
   * of its requests to green and the rest to blue, in the proxy and in what ELBv2 reports.
   */
  public split(listener: 'production' | 'test', greenPercent: number): void {
    const proxy = listener === 'production' ? this.production : this.test;
    proxy.switchTo({ label: this.label('blue'), url: this.blueApp.url });
    proxy.split({
      target: { label: this.label('green'), url: this.greenApp.url },
      percent: greenPercent,
    });
    const l = listener === 'production' ? this.world.prodListener : this.world.testListener;
    l.forwards = [
      { targetGroupArn: this.world.tg1.arn, weight: 100 - greenPercent },
      { targetGroupArn: this.world.tg2.arn, weight: greenPercent },
    ];
  }

  /**
   * Service Connect blue/green: the revision has no load balancer rules; the test proxy stands
   * for the client's Service Connect proxy, which sends a request to green only when it carries
   * the test header (the default one unless `header` is given) and to blue otherwise.
   */
  public useServiceConnect(header?: { name: string; value: string }): void {
    this.world.serviceConnect = { ...(header && { header }) };
    this.test.switchTo({ label: this.label('blue'), url: this.blueApp.url });
    this.test.routeByHeader({
      target: { label: this.label('green'), url: this.greenApp.url },
      name: header?.name ?? 'x-amzn-ecs-blue-green-test',
      ...(header && { value: header.value }),
    });
  }

  public async stop(): Promise<void> {
    await Promise.all(
      [
        this.codeDeploy,
        this.elb,
        this.ecs,
        this.cloudWatch,
        this.production,
        this.test,
        this.blueApp,
        this.greenApp,
      ].map((s) => s.stop()),
    );
  }
}
