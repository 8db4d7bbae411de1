/**
 * A CodeDeploy hook's cold-start configuration: every problem at once, and when the deployment
 * must be read. Skipping discovery is the only way a hook judges without proving where green
 * is, so each reason to read it is tested on its own.
 */
import { readHookSettings } from '../../../../src/config/env';
import {
  analysesAt,
  loadConfiguration,
  needsDiscovery,
} from '../../../../src/controllers/codedeploy/hookConfiguration';
import type { SuiteInput } from '../../../../src/suite/schema';
import { suiteOf, type TestSuiteInput } from '../../../helpers/suites';

const URL = 'http://127.0.0.1:8080';
const base: Partial<SuiteInput> = { checks: [{ name: 'home', path: '/' }] };
/** needsDiscovery on a configuration that must load: a broken one never needs discovery. */
const needs = (
  suite: Partial<SuiteInput>,
  env: Record<string, string>,
  hook: Parameters<typeof needsDiscovery>[1] = 'AfterAllowTestTraffic',
) => {
  const loaded = loadConfiguration(() => suiteOf({ ...base, ...suite } as TestSuiteInput), env);
  if (!loaded.ok) throw new Error(loaded.error);
  return needsDiscovery(loaded, hook);
};

describe('loadConfiguration', () => {
  it('lists the settings problem and the suite problem together', () => {
    const loaded = loadConfiguration(
      () => {
        throw new Error('suite: checks is empty');
      },
      { TEST_LISTENER_URL: 'ftp://x' },
    );
    expect(loaded.ok).toBe(false);
    if (loaded.ok) return;
    const settingsProblem = (() => {
      try {
        readHookSettings({ TEST_LISTENER_URL: 'ftp://x' });
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(settingsProblem).toMatch(/TEST_LISTENER_URL/);
    expect(loaded.error).toBe(
      `Invalid configuration, fix it and redeploy. ${settingsProblem}\nsuite: checks is empty`,
    );
  });
});

describe('loadConfiguration and canary analysis', () => {
  it('loads a suite with canary analysis, which AfterAllowTraffic runs and no other hook', () => {
    const env = { TEST_LISTENER_URL: URL, PRODUCTION_LISTENER_URL: URL, ROUTING_PROOF: 'false' };
    const loaded = loadConfiguration(
      () => suiteOf({ ...base, analysis: {} } as TestSuiteInput),
      env,
    );
    expect(loaded.ok).toBe(true);
    expect(analysesAt(loaded, 'AfterAllowTraffic')).toBe(true);
    expect(analysesAt(loaded, 'AfterAllowTestTraffic')).toBe(false);
    expect(analysesAt({ ok: false, error: 'x' }, 'AfterAllowTraffic')).toBe(false);
    // Only the task sets name both target groups: the analysis always reads the deployment.
    expect(needsDiscovery(loaded, 'AfterAllowTraffic')).toBe(true);
    expect(needsDiscovery(loaded, 'BeforeAllowTraffic')).toBe(false);
  });

  it("reads the target groups for a service map when any entry's suite analyses at the hook", () => {
    // One deployment's group picks its entry only in discovery, so the hook must be ready for
    // the one entry that analyses even when the others do not.
    const env = { ROUTING_PROOF: 'false' };
    const entry = (service: string, suite: TestSuiteInput) => ({
      applicationName: 'app',
      deploymentGroupName: service,
      cluster: 'c',
      service,
      suite: suiteOf(suite),
    });
    const map = (...services: ReturnType<typeof entry>[]) =>
      loadConfiguration(() => ({ source: 'config/services.yaml', services }), env);
    const plain = entry('plain', base as TestSuiteInput);
    const analysing = entry('analysing', { ...base, analysis: {} } as TestSuiteInput);
    expect(analysesAt(map(plain, analysing), 'AfterAllowTraffic')).toBe(true);
    expect(analysesAt(map(analysing, plain), 'AfterAllowTraffic')).toBe(true);
    expect(analysesAt(map(plain, plain), 'AfterAllowTraffic')).toBe(false);
    expect(analysesAt(map(plain, analysing), 'AfterAllowTestTraffic')).toBe(false);
  });
});

describe('needsDiscovery', () => {
  it('is skipped only with a URL, no proof, no facts and nothing needing production', () => {
    expect(needs({}, { TEST_LISTENER_URL: URL, ROUTING_PROOF: 'false' })).toBe(false);
  });

  it('is needed without a URL, or with the proof on', () => {
    expect(needs({}, { ROUTING_PROOF: 'false' })).toBe(true);
    expect(needs({}, { TEST_LISTENER_URL: URL, ROUTING_PROOF: 'true' })).toBe(true);
  });

  it('is needed when any check expects a fact of the deployment, in any expectation', () => {
    const env = { TEST_LISTENER_URL: URL, ROUTING_PROOF: 'false' };
    const withFact = {
      checks: [
        { name: 'home', path: '/' },
        { name: 'v', path: '/v', expect: { bodyContains: ['{{container.web.imageTag}}'] } },
      ],
    };
    expect(needs(withFact, env)).toBe(true);
    // braces without a template are text, not facts
    const noFact = { checks: [{ name: 'v', path: '/v', expect: { bodyContains: ['{ok}', 'x'] } }] };
    expect(needs(noFact, env)).toBe(false);
  });

  it('is needed for a comparison or the watch unless the production URL is a param', () => {
    const suite = {
      compare: [{ name: 'vs blue', paths: ['/'], durationMs: 4_000 }],
      hooks: { AfterAllowTestTraffic: ['home', 'vs blue'] },
    } as Partial<SuiteInput>;
    const env = { TEST_LISTENER_URL: URL, ROUTING_PROOF: 'false' };
    expect(needs(suite, env)).toBe(true);
    expect(needs(suite, { ...env, PRODUCTION_LISTENER_URL: URL })).toBe(false);
    const watch = { watch: { paths: ['/'], windowMs: 2_000, alarmIntervalMs: 1_000 } };
    expect(needs(watch, env, 'AfterAllowTraffic')).toBe(true);
    expect(needs(watch, env, 'AfterAllowTestTraffic')).toBe(false);
    expect(needs(watch, { ...env, PRODUCTION_LISTENER_URL: URL }, 'AfterAllowTraffic')).toBe(false);
  });

  it("is needed for a watch of the deployment group's own alarms, at the watch's hook only", () => {
    const env = {
      TEST_LISTENER_URL: URL,
      PRODUCTION_LISTENER_URL: URL,
      ROUTING_PROOF: 'false',
    };
    const watch = (deploymentAlarms: boolean) => ({
      watch: { paths: ['/'], windowMs: 2_000, alarmIntervalMs: 1_000, deploymentAlarms },
    });
    expect(needs(watch(true), env, 'AfterAllowTraffic')).toBe(true);
    expect(needs(watch(true), env, 'AfterAllowTestTraffic')).toBe(false);
    expect(needs(watch(false), env, 'AfterAllowTraffic')).toBe(false);
  });

  it('is always needed with a service map, and never with a broken configuration', () => {
    const env = { TEST_LISTENER_URL: URL, ROUTING_PROOF: 'false' };
    const mapped = loadConfiguration(() => ({ source: 'config/services.yaml', services: [] }), env);
    expect(needsDiscovery(mapped, 'AfterAllowTestTraffic')).toBe(true);
    expect(needsDiscovery({ ok: false, error: 'x' }, 'AfterAllowTestTraffic')).toBe(false);
  });
});
