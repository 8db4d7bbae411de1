/**
 * What a packaged hook judges with, read back from what esbuild bundled: the stage's suite, or a
 * service map whose every suite was bundled too, validated again at cold start.
 */
import type { BundledConfig } from '../../../src/packaging/bundleSuite';

const suiteDoc = (path: string) => ({ name: path, checks: [{ name: 'page', path }] });

/** The module as it would load with `bundled` in place of the artifact's 'smoke-suite'. */
const loadWith = (bundled: BundledConfig) => {
  let mod: typeof import('../../../src/controllers/bundledSuite') | undefined;
  jest.isolateModules(() => {
    jest.doMock('smoke-suite', () => ({ __esModule: true, default: bundled }));
    mod = require('../../../src/controllers/bundledSuite');
  });
  return mod as NonNullable<typeof mod>;
};

const entry = (application: string, suite: string) => ({
  codeDeploy: { application, deploymentGroup: 'dg' },
  ecs: { cluster: 'c', service: application },
  suite,
});

afterEach(() => jest.dontMock('smoke-suite'));

describe('the bundled configuration', () => {
  it("is the stage's suite when no service map was bundled", () => {
    const { loadBundledCatalog, loadBundledSuite } = loadWith({
      source: 'config/suites/default.yaml',
      document: suiteDoc('/'),
    });
    expect(loadBundledSuite().checks.map((c) => c.path)).toEqual(['/']);
    const catalog = loadBundledCatalog();
    expect(catalog.services).toBeUndefined();
    expect(catalog.suite?.checks.map((c) => c.path)).toEqual(['/']);
  });

  it('is each service with its own suite when a service map was bundled', () => {
    const { loadBundledCatalog } = loadWith({
      source: 'config/suites/default.yaml',
      document: suiteDoc('/'),
      serviceMap: {
        source: 'config/services.yaml',
        document: { services: [entry('shop', 'shop'), entry('api', 'api')] },
        suites: {
          shop: { source: 'config/suites/shop.yaml', document: suiteDoc('/cart') },
          api: { source: 'config/suites/api.yaml', document: suiteDoc('/v1') },
        },
      },
    });
    const catalog = loadBundledCatalog();
    expect(catalog.services && catalog.source).toBe('config/services.yaml');
    expect(catalog.services?.map((s) => [s.applicationName, s.suite.checks[0]?.path])).toEqual([
      ['shop', '/cart'],
      ['api', '/v1'],
    ]);
  });

  it('refuses a map naming a suite that was not bundled, and an invalid bundled suite', () => {
    const map = (suites: BundledConfig['serviceMap'] extends infer M ? M : never) =>
      loadWith({
        source: 'config/suites/default.yaml',
        document: suiteDoc('/'),
        serviceMap: suites,
      });
    expect(() =>
      map({
        source: 'config/services.yaml',
        document: { services: [entry('shop', 'shop')] },
        suites: {},
      }).loadBundledCatalog(),
    ).toThrow(
      'Invalid service map config/services.yaml:\n  - config/services.yaml: services[0].suite: suite shop was not bundled',
    );
    expect(() =>
      map({
        source: 'config/services.yaml',
        document: { services: [entry('shop', 'shop')] },
        suites: { shop: { source: 'config/suites/shop.yaml', document: { checks: [] } } },
      }).loadBundledCatalog(),
    ).toThrow(/config\/suites\/shop\.yaml/);
  });
});
