/**
 * The CodeDeploy hooks reach green and blue where they really are, whatever the params say: a
 * comparison still finds production when the test URL is given and the proof is off, and a
 * service map's entry is never tested at the stage's URL. Real handler, SDK and loopback world.
 */
import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import { closedPortUrl } from '../../../../src/local/sampleApp';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { loopbackWorldPerTest } from '../../../helpers/loopbackWorld';
import { suiteOf } from '../../../helpers/suites';

jest.setTimeout(30_000);

const world = loopbackWorldPerTest();

const compareSuite = () =>
  suiteOf({
    checks: [{ name: 'home', path: '/' }],
    compare: [
      {
        name: 'vs blue',
        paths: ['/'],
        ratePerSecond: 5,
        durationMs: 1_000,
        expect: { minSamples: 3 },
      },
    ],
  });

describe('CodeDeploy hooks: production is found, never assumed', () => {
  it('a comparison with TEST_LISTENER_URL set and the proof off still discovers production', async () => {
    const handler = createHookHandler('AfterAllowTestTraffic', compareSuite, {
      env: { TEST_LISTENER_URL: world().test.url, ROUTING_PROOF: 'false' },
      log: captureLog(),
    });
    const result = await handler(
      { DeploymentId: world().startDeployment(), LifecycleEventHookExecutionId: 'compare' },
      contextWithDeadline(20_000),
    );
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    // blue answered its side through the production listener
    expect(world().blueApp.paths.length).toBeGreaterThanOrEqual(3);
    expect(world().codeDeploy.requests.map((r) => r.operation)).toContain('GetDeployment');
  });

  it('PRODUCTION_LISTENER_URL gives production without discovery', async () => {
    const handler = createHookHandler('AfterAllowTestTraffic', compareSuite, {
      env: {
        TEST_LISTENER_URL: world().test.url,
        PRODUCTION_LISTENER_URL: world().production.url,
        ROUTING_PROOF: 'false',
      },
      log: captureLog(),
    });
    const result = await handler(
      { DeploymentId: world().startDeployment(), LifecycleEventHookExecutionId: 'param' },
      contextWithDeadline(20_000),
    );
    expect(result.status).toBe('Succeeded');
    expect(world().codeDeploy.requests.map((r) => r.operation)).not.toContain('GetDeployment');
  });

  it("a service map's entry without its own URL is tested where discovery finds green, not at the stage's URL", async () => {
    const g = world().world.group;
    const handler = createHookHandler(
      'AfterAllowTestTraffic',
      () => ({
        source: 'config/services.yaml',
        services: [
          {
            applicationName: g.applicationName,
            deploymentGroupName: g.deploymentGroupName,
            cluster: g.cluster,
            service: g.service,
            suite: suiteOf({ checks: [{ name: 'home', path: '/' }] }),
          },
        ],
      }),
      { env: { TEST_LISTENER_URL: await closedPortUrl() }, log: captureLog() },
    );
    const result = await handler(
      { DeploymentId: world().startDeployment(), LifecycleEventHookExecutionId: 'map' },
      contextWithDeadline(20_000),
    );
    expect(result.reason).toBeUndefined();
    expect(result.status).toBe('Succeeded');
    expect(world().greenApp.paths).toContain('/');
  });
});
