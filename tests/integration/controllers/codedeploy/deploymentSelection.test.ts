/**
 * Which suite judges a CodeDeploy deployment, and what happens when none should: a service map
 * picks the entry of the deployment's own group (never the first one), a group missing from the
 * map or not served by a single-suite stage is refused, and a crash or a discovery that ignores
 * its deadline reports Failed with what happened. Real handler, real SDK, loopback world.
 */

import { MIN_HOOK_SAFETY_MARGIN_MS } from '../../../../src/config/env';
import { createHookHandler } from '../../../../src/controllers/codedeploy/createHookHandler';
import type { HookCatalog } from '../../../../src/controllers/codedeploy/hookCatalog';
import { closedPortUrl } from '../../../../src/local/sampleApp';
import type { Meter, VerdictMetric } from '../../../../src/logging/metrics';
import type { Suite } from '../../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../../helpers/lambda';
import { loopbackWorldPerTest } from '../../../helpers/loopbackWorld';
import { suiteOf } from '../../../helpers/suites';

jest.setTimeout(30_000);

const world = loopbackWorldPerTest();

const passes = () => suiteOf({ checks: [{ name: 'home', path: '/' }] });
const fails = () => suiteOf({ checks: [{ name: 'missing', path: '/missing-page' }] });

const run = async (
  load: () => Suite | HookCatalog,
  env: Record<string, string> = {},
  options: Parameters<typeof createHookHandler>[2] = {},
  deadlineMs = 20_000,
) => {
  const log = captureLog();
  const handler = createHookHandler('AfterAllowTestTraffic', load, { env, log, ...options });
  const deploymentId = world().startDeployment();
  const result = await handler(
    { DeploymentId: deploymentId, LifecycleEventHookExecutionId: 'e' },
    contextWithDeadline(deadlineMs),
  );
  return { result, log, deploymentId, reported: world().codeDeploy.hookStatuses.get('e') };
};

/** A service map with an entry for another group first, then one for the world's group. */
const mapWith = (others: Suite, ours: Suite): HookCatalog => {
  const g = world().world.group;
  const entry = { cluster: g.cluster, service: g.service };
  return {
    source: 'config/services.yaml',
    services: [
      { ...entry, applicationName: 'other-app', deploymentGroupName: 'other-dg', suite: others },
      {
        ...entry,
        applicationName: g.applicationName,
        deploymentGroupName: g.deploymentGroupName,
        suite: ours,
      },
    ],
  };
};

describe("a service map judges with the deployment's own group's suite", () => {
  it("passes on its group's passing suite while another group's suite would fail", async () => {
    const verdicts: VerdictMetric[] = [];
    const meter: Meter = { verdict: (v) => verdicts.push(v), alarmDecisions: () => {} };
    const { result } = await run(() => mapWith(fails(), passes()), {}, { meter });
    expect(result.status).toBe('Succeeded');
    expect(result.suite?.checks.map((c) => c.name)).toEqual(['home']);
    expect(world().greenApp.paths).not.toContain('/missing-page');
    // one metric, timed in both phases
    expect(verdicts.map((v) => [v.controller, v.step, v.outcome])).toEqual([
      ['CodeDeploy', 'AfterAllowTestTraffic', 'Succeeded'],
    ]);
    expect([...(verdicts[0]?.measure.phaseMs.keys() ?? [])].sort()).toEqual(['Discovery', 'Suite']);
  });

  it("tests at the map entry's own URL when it has one", async () => {
    const g = world().world.group;
    const closed = await closedPortUrl();
    const { result } = await run(
      () => ({
        source: 'config/services.yaml',
        services: [
          {
            applicationName: g.applicationName,
            deploymentGroupName: g.deploymentGroupName,
            cluster: g.cluster,
            service: g.service,
            testListenerUrl: closed,
            suite: passes(),
          },
        ],
      }),
      { ROUTING_PROOF: 'false' },
    );
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(/^check "home" failed: connection refused/);
    expect(world().greenApp.paths).toEqual([]);
  });

  it("fails on its group's failing suite while another group's suite would pass", async () => {
    const { result, reported } = await run(() => mapWith(passes(), fails()));
    expect(result.status).toBe('Failed');
    expect(result.reason).toBe('check "missing" failed: status 404, expected 200');
    expect(reported).toBe('Failed');
  });

  it('refuses a group the map does not list, naming the file to edit', async () => {
    const g = world().world.group;
    const { result, reported } = await run(() => ({
      source: 'config/services.yaml',
      services: [
        {
          applicationName: 'other-app',
          deploymentGroupName: 'other-dg',
          cluster: g.cluster,
          service: g.service,
          suite: passes(),
        },
      ],
    }));
    expect(result).toMatchObject({
      status: 'Failed',
      reason: `discovery: deployment group ${g.applicationName}/${g.deploymentGroupName} is not in config/services.yaml: add it there (its ECS service and suite) and redeploy`,
    });
    expect(reported).toBe('Failed');
    expect(world().greenApp.paths).toEqual([]);
  });
});

describe('a single-suite stage serves one deployment group', () => {
  it('refuses a deployment of another group, naming both and the fix', async () => {
    const g = world().world.group;
    const { result, deploymentId } = await run(passes, {
      CODEDEPLOY_APPLICATION_NAME: 'other-app',
      CODEDEPLOY_DEPLOYMENT_GROUP_NAME: g.deploymentGroupName,
    });
    expect(result.status).toBe('Failed');
    expect(result.reason).toBe(
      `discovery: deployment ${deploymentId} belongs to ${g.applicationName}/${g.deploymentGroupName}, which this function does not serve (it serves other-app/${g.deploymentGroupName}, the stage's codeDeployApplication and codeDeployDeploymentGroup params); point that group's appspec at its own stage's hooks, or list it in a service map`,
    );
    expect(world().greenApp.paths).toEqual([]);
    // the group's name alone differing is refused too
    const other = await run(passes, {
      CODEDEPLOY_APPLICATION_NAME: g.applicationName,
      CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'other-dg',
    });
    expect(other.result.reason).toMatch(/which this function does not serve/);
  });

  it('judges a deployment of the group it serves', async () => {
    const g = world().world.group;
    const { result } = await run(passes, {
      CODEDEPLOY_APPLICATION_NAME: g.applicationName,
      CODEDEPLOY_DEPLOYMENT_GROUP_NAME: g.deploymentGroupName,
    });
    expect(result.status).toBe('Succeeded');
  });
});

describe('a hook that breaks still reports Failed, saying how', () => {
  it('a crash in discovery is "hook crashed" with the error, logged as an Error object', async () => {
    const { result, reported, log } = await run(
      passes,
      {},
      {
        discovery: async () => {
          throw new TypeError('deployment.target is undefined');
        },
      },
    );
    // exactly this: no suite result, as no suite ran
    expect(result).toStrictEqual({
      status: 'Failed',
      report: 'reported',
      reason: 'hook crashed: TypeError: deployment.target is undefined',
    });
    expect(reported).toBe('Failed');
    const line = log.lines.find((l) => l.message === 'Hook crashed; reporting Failed');
    expect(line?.fields.error).toBeInstanceOf(TypeError);
  });

  it('a discovery that ignores its deadline is stopped and named, before the Lambda deadline', async () => {
    const deadlineMs = MIN_HOOK_SAFETY_MARGIN_MS + 1_500;
    const context = contextWithDeadline(deadlineMs);
    const log = captureLog();
    const handler = createHookHandler('AfterAllowTestTraffic', passes, {
      env: { HOOK_SAFETY_MARGIN_MS: String(MIN_HOOK_SAFETY_MARGIN_MS) },
      log,
      discovery: () => new Promise(() => {}),
    });
    const result = await handler(
      { DeploymentId: world().startDeployment(), LifecycleEventHookExecutionId: 'slow' },
      context,
    );
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(result.status).toBe('Failed');
    expect(result.reason).toMatch(
      /^time budget of 1[45]\d\d ms ran out during discovery; raise the function timeout/,
    );
    expect(world().codeDeploy.hookStatuses.get('slow')).toBe('Failed');
  });

  it('a secret read that ignores its deadline is stopped and named as the suite', async () => {
    const context = contextWithDeadline(MIN_HOOK_SAFETY_MARGIN_MS + 1_500);
    const handler = createHookHandler(
      'AfterAllowTestTraffic',
      () =>
        suiteOf({
          checks: [
            {
              name: 'home',
              path: '/',
              headers: { authorization: { secret: { ssm: '/app/token' } } },
            },
          ],
        }),
      {
        env: {
          HOOK_SAFETY_MARGIN_MS: String(MIN_HOOK_SAFETY_MARGIN_MS),
          TEST_LISTENER_URL: world().test.url,
          ROUTING_PROOF: 'false',
        },
        log: captureLog(),
        readSecret: () => new Promise(() => {}),
      },
    );
    const result = await handler(
      { DeploymentId: world().startDeployment(), LifecycleEventHookExecutionId: 'secret' },
      context,
    );
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
    expect(result.reason).toMatch(/^time budget of 1[45]\d\d ms ran out during the suite;/);
    expect(world().greenApp.paths).toEqual([]);
  });
});
