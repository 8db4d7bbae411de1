/** What runs at each CodeDeploy hook and ECS stage: the same suite serves both controllers. */
import { selectedItems, selectionSource } from '../../../src/suite/selection';
import { selectionSummary } from '../../../src/suite/selectionSummary';
import { suiteOf } from '../../helpers/suites';

const checks = [
  { name: 'home', path: '/' },
  { name: 'health', path: '/health' },
  { name: 'missing', path: '/nope', expect: { status: 404 } },
];

describe('stage selection', () => {
  const suite = suiteOf({
    checks,
    watch: { paths: ['/'] },
    hooks: { AfterAllowTestTraffic: ['home', 'health', 'missing'], BeforeAllowTraffic: ['home'] },
  });

  it('an ECS stage the suite does not list takes its CodeDeploy equivalent', () => {
    expect(selectedItems(suite, 'POST_TEST_TRAFFIC_SHIFT')).toEqual(['home', 'health', 'missing']);
    expect(selectedItems(suite, 'PRE_PRODUCTION_TRAFFIC_SHIFT')).toEqual(['home']);
    // AfterAllowTraffic is not listed: every check, and the watch
    expect(selectedItems(suite, 'POST_PRODUCTION_TRAFFIC_SHIFT')).toEqual([
      'home',
      'health',
      'missing',
      'production watch',
    ]);
    expect(selectionSource(suite, 'POST_TEST_TRAFFIC_SHIFT')).toBe('AfterAllowTestTraffic');
  });

  it.each([
    'RECONCILE_SERVICE',
    'PRE_SCALE_UP',
    'POST_SCALE_UP',
    'TEST_TRAFFIC_SHIFT',
    'PRODUCTION_TRAFFIC_SHIFT',
  ] as const)('%s, not listed, selects nothing', (stage) => {
    expect(selectedItems(suite, stage)).toEqual([]);
    expect(selectionSource(suite, stage)).toBeUndefined();
  });

  it('a CodeDeploy hook the suite does not list runs every check', () => {
    expect(selectedItems(suite, 'AfterAllowTraffic')).toEqual([
      'home',
      'health',
      'missing',
      'production watch',
    ]);
  });

  it('canary analysis is selected at every ECS production traffic step and at AfterAllowTraffic, nowhere else', () => {
    const analysing = suiteOf({ checks, analysis: {} });
    expect(selectedItems(analysing, 'PRODUCTION_TRAFFIC_SHIFT')).toEqual(['canary analysis']);
    expect(selectedItems(analysing, 'AfterAllowTraffic')).toEqual([
      'home',
      'health',
      'missing',
      'canary analysis',
    ]);
    const elsewhere = [
      'AfterAllowTestTraffic',
      'BeforeAllowTraffic',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRE_PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
    ] as const;
    for (const hook of elsewhere) {
      expect(selectedItems(analysing, hook)).not.toContain('canary analysis');
    }
    const withChecks = suiteOf({
      checks,
      analysis: {},
      hooks: { PRODUCTION_TRAFFIC_SHIFT: ['home'] },
    });
    expect(selectedItems(withChecks, 'PRODUCTION_TRAFFIC_SHIFT')).toEqual([
      'home',
      'canary analysis',
    ]);
    // sls package says where it runs, and that AfterAllowTraffic waits for it
    expect(selectionSummary(analysing)).toMatch(
      /PRODUCTION_TRAFFIC_SHIFT +canary analysis {2}\(analysis:\)/,
    );
    expect(selectionSummary(analysing)).toMatch(
      /AfterAllowTraffic +home, health, missing, canary analysis {2}\(not listed: every check\)/,
    );
    expect(selectionSummary(analysing)).toContain("afterAllowTraffic's timeout must hold it");
    expect(selectionSummary(suiteOf({ checks }))).not.toContain('canary analysis');
  });

  it("no check may take the watch's or the analysis's name: its pass must not stand in for theirs", () => {
    for (const name of ['production watch', 'canary analysis']) {
      expect(() => suiteOf({ checks: [{ name, path: '/' }] })).toThrow(
        `"${name}" is the name of the suite's ${name}; give this check another name`,
      );
      expect(() =>
        suiteOf({
          checks,
          sampled: [{ name, paths: ['/'], durationMs: 1_000, ratePerSecond: 20 }],
        }),
      ).toThrow(`sampled[0].name: "${name}" is the name`);
    }
  });

  it("a stage's own entry wins over its equivalent's", () => {
    const own = suiteOf({
      checks,
      hooks: { BeforeAllowTraffic: ['home'], PRE_PRODUCTION_TRAFFIC_SHIFT: ['health'] },
    });
    expect(selectedItems(own, 'PRE_PRODUCTION_TRAFFIC_SHIFT')).toEqual(['health']);
  });

  it('sls package prints it, with stages that select nothing said to answer FAILED', () => {
    const text = selectionSummary(suite);
    expect(text).toMatch(
      /ECS {8}POST_TEST_TRAFFIC_SHIFT +home, health, missing {2}\(as AfterAllowTestTraffic\)/,
    );
    expect(text).toMatch(/ECS {8}PRE_SCALE_UP +nothing: the ECS hook answers FAILED here/);
    expect(text).toMatch(
      /CodeDeploy AfterAllowTraffic +home, health, missing, production watch {2}\(not listed: every check\)/,
    );
  });
});
