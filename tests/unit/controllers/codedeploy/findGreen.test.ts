/**
 * Where a CodeDeploy hook sends its requests and with which suite, with discovery scripted: what
 * it asks discovery for (the override, the proof, the target groups), which group it accepts,
 * and what it keeps of the answer. A service map's entry never inherits the stage's URL.
 */
import type { HookSettings } from '../../../../src/config/env';
import type { FindGreenInput } from '../../../../src/controllers/codedeploy/findGreen';
import { findGreen, greenFromSettings } from '../../../../src/controllers/codedeploy/findGreen';
import type { HookCatalog } from '../../../../src/controllers/codedeploy/hookCatalog';
import type {
  DiscoverOptions,
  GreenDiscovery,
  GreenTarget,
} from '../../../../src/discovery/discoverGreen';
import { DiscoveryError } from '../../../../src/errors';
import { NO_FACTS } from '../../../../src/suite/facts';
import { sampleAppSuite } from '../../../helpers/suites';

const suite = sampleAppSuite();
const mapped = sampleAppSuite({ name: 'mapped' });
const single: HookCatalog = { suite };
const serviceMap: HookCatalog = {
  source: 'config/services.yaml',
  services: [
    {
      applicationName: 'app',
      deploymentGroupName: 'web',
      cluster: 'c',
      service: 'web',
      suite: mapped,
      testListenerUrl: 'http://web.test:8080',
    },
    { applicationName: 'app', deploymentGroupName: 'api', cluster: 'c', service: 'api', suite },
  ],
};
const base: HookSettings = {
  routingProof: true,
  safetyMarginMs: 5_000,
  sdk: { maxAttempts: 3 },
};
const METRIC_TARGETS = {
  loadBalancerArn: 'lb',
  greenTargetGroupArn: 'tg-green',
  blueTargetGroupArn: 'tg-blue',
};

/** Discovery of a deployment of `group`, recording what it was asked and what `select` gave. */
const scripted = (group: string, answer: Partial<GreenTarget> = {}) => {
  const asked: DiscoverOptions[] = [];
  const selected: unknown[] = [];
  const discovery = (async (o: DiscoverOptions) => {
    asked.push(o);
    const ref = {
      deploymentId: o.deploymentId,
      applicationName: 'app',
      deploymentGroupName: group,
    };
    selected.push(o.select?.(ref));
    return {
      baseUrl: 'http://discovered.test:8080',
      productionUrl: 'http://discovered.test',
      facts: { values: { image: 'web:2' } },
      deployment: {
        ...ref,
        prodListenerArn: 'p',
        testListenerArn: 't',
        cluster: 'c',
        service: group,
        alarmNames: ['web-5xx'],
        appspec: {},
      },
      ...answer,
    } as GreenTarget;
  }) as unknown as GreenDiscovery;
  return { discovery, asked, selected };
};

const input = (over: Partial<FindGreenInput>): FindGreenInput => ({
  discovery: scripted('web').discovery,
  catalog: single,
  settings: base,
  deploymentId: 'd-ABC',
  metricTargets: false,
  signal: new AbortController().signal,
  log: { info: () => undefined } as unknown as FindGreenInput['log'],
  ...over,
});

describe('greenFromSettings', () => {
  it("takes the params' URLs as they are, with no facts and no alarms of the group", () => {
    const settings = {
      ...base,
      testListenerUrl: 'http://green.test:8080',
      productionListenerUrl: 'http://prod.test',
    };
    expect(greenFromSettings(single, settings)).toEqual({
      baseUrl: 'http://green.test:8080',
      productionUrl: 'http://prod.test',
      deploymentAlarms: [],
      facts: NO_FACTS,
      suite,
    });
  });

  it('has no production URL and no suite where the params and the catalog give none', () => {
    const green = greenFromSettings(serviceMap, base);
    expect(green).toEqual({ baseUrl: '', deploymentAlarms: [], facts: NO_FACTS });
    expect(Object.keys(green)).not.toContain('productionUrl');
    expect(Object.keys(green)).not.toContain('suite');
  });
});

describe('findGreen', () => {
  it('keeps what discovery found: URLs, the group alarms, the facts, the suite', async () => {
    const { discovery, asked, selected } = scripted('web');
    const green = await findGreen(input({ discovery }));
    expect(green).toEqual({
      baseUrl: 'http://discovered.test:8080',
      productionUrl: 'http://discovered.test',
      deploymentAlarms: ['web-5xx'],
      facts: { values: { image: 'web:2' } },
      suite,
    });
    expect(asked[0]).toMatchObject({ deploymentId: 'd-ABC', routingProof: true });
    // Nothing to override, no target groups to name, no group to refuse.
    expect(Object.keys(asked[0] ?? {})).not.toContain('overrideUrl');
    expect(Object.keys(asked[0] ?? {})).not.toContain('metricTargets');
    expect(selected).toEqual([undefined]);
  });

  it("passes the stage's URL and the proof setting on, and its production URL wins", async () => {
    const { discovery, asked } = scripted('web');
    const settings = {
      ...base,
      routingProof: false,
      testListenerUrl: 'http://green.test:8080',
      productionListenerUrl: 'http://prod.test',
    };
    const green = await findGreen(input({ discovery, settings }));
    expect(asked[0]).toMatchObject({ overrideUrl: 'http://green.test:8080', routingProof: false });
    expect(green.productionUrl).toBe('http://prod.test');
  });

  it('leaves the production URL out when neither the params nor discovery have one', async () => {
    const { discovery } = scripted('web', { productionUrl: '' });
    const green = await findGreen(input({ discovery }));
    expect(Object.keys(green)).not.toContain('productionUrl');
  });

  it('asks for both target groups for canary analysis, and keeps them', async () => {
    const { discovery, asked } = scripted('web', { metricTargets: METRIC_TARGETS });
    const green = await findGreen(input({ discovery, metricTargets: true }));
    expect(asked[0]?.metricTargets).toBe(true);
    expect(green.metricTargets).toEqual(METRIC_TARGETS);
  });

  it("takes a service map's suite and URL by the deployment's group, never the stage's URL", async () => {
    const { discovery, asked, selected } = scripted('web');
    const settings = { ...base, testListenerUrl: 'http://stage.test:8080' };
    const green = await findGreen(input({ discovery, catalog: serviceMap, settings }));
    expect(Object.keys(asked[0] ?? {})).not.toContain('overrideUrl');
    expect(selected).toEqual([{ overrideUrl: 'http://web.test:8080' }]);
    expect(green.suite).toBe(mapped);
  });

  it('gives an entry without its own URL no override at all', async () => {
    const { discovery, selected } = scripted('api');
    const settings = { ...base, testListenerUrl: 'http://stage.test:8080' };
    const green = await findGreen(input({ discovery, catalog: serviceMap, settings }));
    expect(selected).toEqual([undefined]);
    expect(green.suite).toBe(suite);
  });

  it('refuses a group the map does not list, naming the file', async () => {
    const { discovery } = scripted('billing');
    await expect(findGreen(input({ discovery, catalog: serviceMap }))).rejects.toThrow(
      new DiscoveryError(
        'deployment group app/billing is not in config/services.yaml: add it there (its ECS service and suite) and redeploy',
      ),
    );
  });

  it('refuses a group other than the one the function serves, and accepts that one', async () => {
    const serves = { applicationName: 'app', deploymentGroupName: 'web' };
    const other = scripted('api');
    await expect(
      findGreen(input({ discovery: other.discovery, settings: { ...base, serves } })),
    ).rejects.toThrow(/belongs to app\/api, which this function does not serve/);
    const own = scripted('web');
    await findGreen(input({ discovery: own.discovery, settings: { ...base, serves } }));
    expect(own.selected).toEqual([undefined]);
  });
});
