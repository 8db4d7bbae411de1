/** The production watch on loopback: a clean window passes; a green that breaks fails within seconds. */
import { newWatchProgress } from '../../../src/smoke/runProductionWatch';
import { runSmokeSuite } from '../../../src/smoke/runSmokeSuite';
import { runWatchSlice } from '../../../src/smoke/runWatchSlice';
import type { SuiteInput } from '../../../src/smoke/schema';
import { startApp } from '../../helpers/localServers';
import { suiteOf } from '../../helpers/suites';

const watch = (
  productionUrl: string | undefined,
  settings: Partial<NonNullable<SuiteInput['watch']>> = {},
) =>
  runSmokeSuite({
    suite: suiteOf({
      checks: [{ name: 'home', path: '/' }],
      watch: { paths: ['/'], ratePerSecond: 5, windowMs: 2_000, ...settings },
    }),
    hook: 'AfterAllowTraffic',
    baseUrl: productionUrl ?? 'http://127.0.0.1:1',
    ...(productionUrl && { productionUrl }),
    watchProduction: true,
    budget: AbortSignal.timeout(20_000),
  });

describe('production watch', () => {
  it('passes a clean window, sampling production at its rate', async () => {
    const app = await startApp();
    const started = performance.now();
    const result = await watch(app.url);
    expect(result.verdict).toBe('Succeeded');
    expect(performance.now() - started).toBeGreaterThanOrEqual(1_700);
    expect(result.checks.at(-1)).toMatchObject({
      name: 'production watch',
      passed: true,
      sample: { samples: 10 },
    });
  });

  it('fails within a second of production starting to answer 500 (3 in a row at 5/s)', async () => {
    const app = await startApp();
    setTimeout(() => app.setBehaviour('broken'), 300);
    const started = performance.now();
    const result = await watch(app.url, { windowMs: 60_000 });
    const elapsed = performance.now() - started;
    expect(result.reason).toMatch(
      /^check "production watch" failed: production watch: 3 failures in a row \(last: status 500\)/,
    );
    expect(elapsed).toBeLessThan(2_000);
  });

  it('fails on the error rate over a sliding window when failures are not consecutive', async () => {
    const app = await startApp({ behaviour: 'flaky' }); // every other request is reset
    const result = await watch(app.url, {
      ratePerSecond: 5,
      windowMs: 10_000,
      expect: { maxConsecutiveFailures: 5, slidingWindow: 10, maxErrorRate: 0.3 },
    });
    const rate = Number(
      /error rate (\d+\.\d) % over the last 10 requests/.exec(result.reason ?? '')?.[1],
    );
    expect(rate).toBeGreaterThan(30); // above the limit, judged as soon as the window is full
  });

  it('without a production URL, fails and says so', async () => {
    const result = await runSmokeSuite({
      suite: suiteOf({ checks: [{ name: 'home', path: '/' }], watch: { paths: ['/'] } }),
      hook: 'AfterAllowTraffic',
      baseUrl: (await startApp()).url,
      watchProduction: true,
      budget: AbortSignal.timeout(5_000),
    });
    expect(result.reason).toMatch(/production watch: no production URL/);
  });
});

describe('production watch in slices (ECS: one slice per invocation)', () => {
  const sliceOf = (
    productionUrl: string,
    slice: Parameters<typeof runWatchSlice>[0]['slice'],
    settings: Partial<NonNullable<SuiteInput['watch']>> = {},
  ) => {
    const suite = suiteOf({
      checks: [{ name: 'home', path: '/' }],
      watch: { paths: ['/'], ratePerSecond: 5, windowMs: 3_000, ...settings },
    });
    return runWatchSlice({
      suite,
      watch: suite.watch as NonNullable<typeof suite.watch>,
      productionUrl,
      budget: AbortSignal.timeout(10_000),
      slice,
    });
  };

  it('a slice shorter than the window passes without ending it; the last slice ends it', async () => {
    const app = await startApp();
    const first = await sliceOf(app.url, { maxSliceMs: 500 });
    expect(first.result.passed).toBe(true);
    expect(first.windowOver).toBe(false);
    expect(first.progress.samples).toBe(2);
    const second = await sliceOf(app.url, { progress: first.progress });
    expect(second.windowOver).toBe(true);
    expect(second.progress.startedAt).toBe(first.progress.startedAt);
    // The window is wall-clock time from its start, not the sum of the slices.
    expect(second.progress.samples).toBeGreaterThanOrEqual(13);
    expect(second.progress.samples).toBeLessThanOrEqual(16);
  });

  it('carries the failure streak across slices: two failures, then one more, fail at once', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const progress = {
      ...newWatchProgress(Date.now()),
      samples: 12,
      errors: 2,
      consecutive: 2,
      recent: [true, false, false],
    };
    const outcome = await sliceOf(app.url, { progress }, { windowMs: 60_000 });
    expect(outcome.result.reason).toMatch(/^production watch: 3 failures in a row/);
    expect(outcome.result.attempts).toBe(1);
    expect(outcome.progress).toMatchObject({ samples: 13, errors: 3, consecutive: 3 });
  });

  it('carries the sliding window across slices', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const recent = [true, true, false, true, false, true, false, true, false];
    const progress = { ...newWatchProgress(Date.now()), samples: 9, errors: 4, recent };
    const outcome = await sliceOf(
      app.url,
      { progress },
      { windowMs: 60_000, expect: { maxConsecutiveFailures: 5, slidingWindow: 10 } },
    );
    // 5 of the last 10 failed: 50 % > 25 %, on the first request of the slice.
    expect(outcome.result.reason).toMatch(/error rate 50\.0 % over the last 10 requests/);
    expect(outcome.result.attempts).toBe(1);
  });

  it('a window already over sends nothing and passes', async () => {
    const app = await startApp();
    const progress = newWatchProgress(Date.now() - 3_500);
    const outcome = await sliceOf(app.url, { progress });
    expect(outcome).toMatchObject({ windowOver: true, result: { passed: true, attempts: 0 } });
    expect(app.paths).toEqual([]);
  });
});
