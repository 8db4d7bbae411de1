/**
 * The order of a suite's items on real loopback servers: checks, sampled checks, comparisons,
 * the watch, and the canary analysis beside them all. Each judged item is reported as progress;
 * a failure stops everything after it (and a waiting analysis); green's route headers reach
 * green's side of a comparison and never blue's.
 */
import { runSmokeSuite, type SuiteRunOptions } from '../../../src/engine/runSmokeSuite';
import type { SuiteInput } from '../../../src/suite/schema';
import { startApp } from '../../helpers/localServers';
import { suiteOf } from '../../helpers/suites';

const analysisResult = (passed: boolean) => ({
  name: 'canary analysis',
  method: 'GetMetricData',
  path: 'AWS/ApplicationELB',
  passed,
  attempts: 0,
  requestHeaders: {},
});

const everything = (over: Partial<SuiteInput> = {}) =>
  suiteOf({
    checks: [{ name: 'home', path: '/' }],
    sampled: [{ name: 'load', paths: ['/'], ratePerSecond: 20, durationMs: 300 }],
    compare: [
      {
        name: 'vs blue',
        paths: ['/'],
        ratePerSecond: 5,
        durationMs: 1_000,
        expect: { minSamples: 5 },
      },
    ],
    watch: { paths: ['/health'], ratePerSecond: 5, windowMs: 1_000 },
    analysis: {},
    ...over,
  });

const run = (o: Partial<SuiteRunOptions> & Pick<SuiteRunOptions, 'suite' | 'baseUrl'>) =>
  runSmokeSuite({
    hook: 'AfterAllowTraffic',
    watchProduction: true,
    budget: AbortSignal.timeout(20_000),
    ...o,
  });

describe('the order of a suite run', () => {
  it("reports every judged item as progress, in the suite's order, and green's headers reach green only", async () => {
    const [green, blue] = await Promise.all([startApp(), startApp()]);
    const progress: string[] = [];
    // The analysis waits beside the rest and passes once the watch has passed: a pass must
    // not stop it.
    let watched = () => {};
    const result = await run({
      suite: everything(),
      baseUrl: green.url,
      productionUrl: blue.url,
      greenHeaders: { 'x-route': 'green' },
      analyse: ({ failFast }) =>
        new Promise((resolve) => {
          failFast.addEventListener('abort', () => resolve(analysisResult(false)));
          watched = () => resolve(analysisResult(true));
        }),
      onProgress: (p) => {
        if (p.type !== 'check') return;
        progress.push(`${p.result.name} ${p.result.passed}`);
        if (p.result.name === 'production watch') watched();
      },
    });
    expect(result.reason).toBeUndefined();
    expect(result.verdict).toBe('Succeeded');
    expect(progress).toEqual([
      'home true',
      'load true',
      'vs blue true',
      'production watch true',
      'canary analysis true',
    ]);
    expect(green.headers.every((h) => h['x-route'] === 'green')).toBe(true);
    expect(blue.headers.length).toBeGreaterThan(0);
    expect(blue.headers.some((h) => 'x-route' in h)).toBe(false);
  });

  it('runs nothing after a failed check', async () => {
    const [green, blue] = await Promise.all([startApp({ behaviour: 'broken' }), startApp()]);
    const result = await run({
      suite: everything(),
      baseUrl: green.url,
      productionUrl: blue.url,
      analyse: async () => analysisResult(true),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.checks.map((c) => c.name)).toEqual(['home', 'canary analysis']);
    expect(green.paths).toEqual(['/']);
    expect(blue.paths).toEqual([]);
  });

  it('runs no comparison and no watch after a failed sampled check', async () => {
    const [green, blue] = await Promise.all([startApp(), startApp()]);
    const result = await run({
      suite: everything({
        sampled: [{ name: 'load', paths: ['/nope'], ratePerSecond: 20, durationMs: 300 }],
      }),
      baseUrl: green.url,
      productionUrl: blue.url,
      analyse: async () => analysisResult(true),
    });
    expect(result.reason).toMatch(/^check "load" failed/);
    expect(result.checks.map((c) => c.name)).toEqual(['home', 'load', 'canary analysis']);
    expect(blue.paths).toEqual([]);
  });

  it('runs no watch after a failed comparison, and stops the waiting analysis', async () => {
    const [green, blue] = await Promise.all([startApp({ behaviour: 'broken' }), startApp()]);
    let stopped = false;
    const result = await run({
      suite: everything({ hooks: { AfterAllowTraffic: ['vs blue'] } }),
      baseUrl: green.url,
      productionUrl: blue.url,
      // Waits until told to stop: only another item's failure can end it before the budget.
      analyse: ({ failFast }) =>
        new Promise((resolve) =>
          failFast.addEventListener('abort', () => {
            stopped = true;
            resolve(analysisResult(false));
          }),
        ),
    });
    expect(result.reason).toMatch(/^check "vs blue" failed/);
    expect(stopped).toBe(true);
    expect(blue.paths.every((p) => p === '/')).toBe(true);
  });

  it('stops the waiting analysis when the watch fails', async () => {
    const [green, blue] = await Promise.all([startApp(), startApp({ behaviour: 'broken' })]);
    const result = await run({
      suite: everything({ hooks: { AfterAllowTraffic: ['home'] } }),
      baseUrl: green.url,
      productionUrl: blue.url,
      analyse: ({ failFast }) =>
        new Promise((resolve) =>
          failFast.addEventListener('abort', () => resolve(analysisResult(false))),
        ),
    });
    expect(result.reason).toMatch(/production watch/);
  });
});
