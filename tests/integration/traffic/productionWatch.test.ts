/** The production watch on loopback: a clean window passes; a green that breaks fails within seconds. */

import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import type { SuiteInput } from '../../../src/suite/schema';
import type { AlarmReader } from '../../../src/traffic/alarmReading';
import { newWatchProgress } from '../../../src/traffic/runProductionWatch';
import { runWatchSlice } from '../../../src/traffic/runWatchSlice';
import { startApp } from '../../helpers/localServers';
import { serve } from '../../helpers/misbehavingServers';
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
      // 10 paced over the window, and the final look's one request (one path) after its end
      sample: { samples: 11 },
    });
  });

  it('a watch cut short by the time budget fails, never passes (CodeDeploy: one invocation)', async () => {
    const app = await startApp();
    const result = await runSmokeSuite({
      suite: suiteOf({
        checks: [{ name: 'home', path: '/' }],
        watch: { paths: ['/'], ratePerSecond: 5, windowMs: 5_000 },
      }),
      hook: 'AfterAllowTraffic',
      baseUrl: app.url,
      productionUrl: app.url,
      watchProduction: true,
      budget: AbortSignal.timeout(1_500),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(
      /production watch: the time budget ran out \d+ requests into a 5 s window/,
    );
  });

  it('fails within seconds of production starting to answer 500 (3 in a row at 5/s), not at the window end', async () => {
    const app = await startApp();
    setTimeout(() => app.setBehaviour('broken'), 300);
    const started = performance.now();
    const result = await watch(app.url, { windowMs: 60_000 });
    const elapsed = performance.now() - started;
    expect(result.reason).toMatch(
      /^check "production watch" failed: production watch: 3 failures in a row \(last: status 500\)/,
    );
    // 3 requests at 5/s after the break; the window is 60 s (wide for a loaded CI; the bench
    // measures the detection time itself)
    expect(elapsed).toBeLessThan(10_000);
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
    options: { budgetMs?: number; readAlarms?: AlarmReader } = {},
  ) => {
    const suite = suiteOf({
      checks: [{ name: 'home', path: '/' }],
      watch: { paths: ['/'], ratePerSecond: 5, windowMs: 3_000, ...settings },
    });
    return runWatchSlice({
      suite,
      watch: suite.watch as NonNullable<typeof suite.watch>,
      productionUrl,
      budget: AbortSignal.timeout(options.budgetMs ?? 10_000),
      ...(options.readAlarms && { readAlarms: options.readAlarms }),
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
    // The window is the union of the slices: 500 ms, then the 2500 ms left, then the final look.
    expect(first.progress.coveredMs).toBe(500);
    expect(second.progress.coveredMs).toBe(3_000);
    expect(second.progress.samples).toBe(2 + 12 + 1);
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
    expect(outcome.result.reason).toMatch(
      /^production watch: 3 failures in a row \(last: status 500\), 0\.\d s into the window$/,
    );
    expect(outcome.result.attempts).toBe(1);
    expect(outcome.windowOver).toBe(true);
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

  it('counts failures, not successes, over the sliding window: a good answer can trip it', async () => {
    const app = await startApp();
    // 3 failures in the last 9, carried; one good answer makes 3 of 10: 30 % > 25 %
    const recent = [false, true, false, true, false, true, true, true, true];
    const progress = { ...newWatchProgress(Date.now()), samples: 9, errors: 3, recent };
    const outcome = await sliceOf(
      app.url,
      { progress },
      { windowMs: 60_000, expect: { maxConsecutiveFailures: 5, slidingWindow: 10 } },
    );
    expect(outcome.result.reason).toMatch(
      /^production watch: error rate 30\.0 % over the last 10 requests \(last: in an earlier slice\), 0\.\d s into the window$/,
    );
  });

  it('a slice the time budget cuts short fails, counts only what was watched, and records no error', async () => {
    const app = await startApp({ latencyMs: 300 });
    const outcome = await sliceOf(app.url, {}, {}, { budgetMs: 700 });
    expect(outcome.windowOver).toBe(true);
    expect(outcome.result.passed).toBe(false);
    expect(outcome.result.reason).toMatch(
      /^production watch: the time budget ran out \d+ requests into a 3 s window;/,
    );
    // requests cut in flight are not green's errors
    expect(outcome.progress).toMatchObject({ errors: 0, consecutive: 0 });
    expect(outcome.progress.recent.every(Boolean)).toBe(true);
    expect(outcome.progress.coveredMs).toBeGreaterThanOrEqual(600);
    expect(outcome.progress.coveredMs).toBeLessThan(1_500);
    expect(outcome.result.sample?.durationMs).toBeLessThan(1_500);
  });

  it('alarms to watch with nothing to read them fail the watch at once, never skip them', async () => {
    const app = await startApp();
    const outcome = await sliceOf(
      app.url,
      { progress: { ...newWatchProgress(Date.now()), coveredMs: 3_000 } },
      { alarms: ['latency'] },
    );
    expect(outcome).toMatchObject({
      windowOver: true,
      result: { passed: false, attempts: 0, reason: 'production watch: no alarm reader' },
    });
    expect(app.paths).toEqual([]);
  });

  it('an alarm firing while the slice waits out its length ends the slice at once', async () => {
    const app = await startApp();
    let reads = 0;
    const started = performance.now();
    // one request at the start, then a wait to the window's end: the alarm fires in the wait
    const outcome = await sliceOf(
      app.url,
      {},
      { ratePerSecond: 0.2, windowMs: 8_000, alarms: ['errors'], alarmIntervalMs: 1_000 },
      {
        readAlarms: async () =>
          ++reads < 2
            ? { firing: [], missing: [] }
            : { firing: [{ name: 'errors', reason: '' }], missing: [] },
      },
    );
    expect(outcome.result.reason).toBe('production watch: alarm errors is in ALARM');
    expect(performance.now() - started).toBeLessThan(4_000);
    expect(app.paths).toEqual(['/']);
  });

  it('closes its kept-alive sockets when the slice ends', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    await sliceOf(server.url, {}, { windowMs: 500 });
    await new Promise((r) => setTimeout(r, 100));
    const open = await new Promise<number>((resolve, reject) =>
      server.server.getConnections((error, count) => (error ? reject(error) : resolve(count))),
    );
    expect(server.paths.length).toBeGreaterThan(0);
    expect(open).toBe(0);
  });

  it('a failed final look is not cleared by quiet alarms; they are then not read', async () => {
    const app = await startApp({ behaviour: 'broken' });
    let reads = 0;
    const outcome = await sliceOf(
      app.url,
      { progress: { ...newWatchProgress(Date.now()), coveredMs: 3_000 } },
      { alarms: ['latency'] },
      {
        readAlarms: async () => {
          reads++;
          return { firing: [], missing: [] };
        },
      },
    );
    expect(outcome.result.reason).toBe(
      "production watch: the final look at the window's end failed (status 500)",
    );
    expect(outcome.windowOver).toBe(true);
    expect(reads).toBe(0);
  });

  it('a watch with no alarm named never reads alarms, not even at its final look', async () => {
    // DescribeAlarms with no names answers every alarm in the account and region.
    const app = await startApp();
    let reads = 0;
    const outcome = await sliceOf(
      app.url,
      { progress: { ...newWatchProgress(Date.now()), coveredMs: 3_000 } },
      {},
      {
        readAlarms: async () => {
          reads++;
          return { firing: [{ name: 'someone-elses-alarm', reason: '' }], missing: [] };
        },
      },
    );
    expect(outcome.result.passed).toBe(true);
    expect(outcome.windowOver).toBe(true);
    expect(reads).toBe(0);
  });

  it('a window whose wall clock ran out but that nobody watched is watched in full', async () => {
    // The old rule (time since startedAt) passed this with no request at all.
    const app = await startApp();
    const progress = newWatchProgress(Date.now() - 3_500);
    const outcome = await sliceOf(app.url, { progress });
    expect(outcome.windowOver).toBe(true);
    expect(outcome.result.passed).toBe(true);
    expect(outcome.result.attempts).toBe(15 + 1);
  });

  it('a covered window ends with a final look after its end: production broken then fails it', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const progress = { ...newWatchProgress(Date.now() - 3_500), samples: 15, coveredMs: 3_000 };
    const outcome = await sliceOf(app.url, { progress });
    expect(outcome.result.passed).toBe(false);
    expect(outcome.result.reason).toBe(
      "production watch: the final look at the window's end failed (status 500)",
    );
    expect(app.paths).toEqual(['/']);
  });

  it('the final look is one request per path and an alarm read, made after the window ends', async () => {
    const app = await startApp();
    const reads: number[] = [];
    const suite = suiteOf({
      checks: [{ name: 'home', path: '/' }],
      watch: { paths: ['/', '/health'], windowMs: 3_000, alarms: ['latency'] },
    });
    const progress = { ...newWatchProgress(Date.now() - 3_500), coveredMs: 3_000 };
    const outcome = await runWatchSlice({
      suite,
      watch: suite.watch as NonNullable<typeof suite.watch>,
      productionUrl: app.url,
      budget: AbortSignal.timeout(10_000),
      readAlarms: async () => {
        reads.push(Date.now());
        return { firing: [], missing: [] };
      },
      slice: { progress },
    });
    expect(outcome).toMatchObject({ windowOver: true, result: { passed: true, attempts: 2 } });
    expect(app.paths.sort()).toEqual(['/', '/health']);
    expect(reads).toHaveLength(1);
  });

  it('an alarm firing at the final look fails the window', async () => {
    const app = await startApp();
    const suite = suiteOf({
      checks: [{ name: 'home', path: '/' }],
      watch: { paths: ['/'], windowMs: 3_000, alarms: ['latency'] },
    });
    const outcome = await runWatchSlice({
      suite,
      watch: suite.watch as NonNullable<typeof suite.watch>,
      productionUrl: app.url,
      budget: AbortSignal.timeout(10_000),
      readAlarms: async () => ({ firing: [{ name: 'latency', reason: 'p99 high' }], missing: [] }),
      slice: { progress: { ...newWatchProgress(Date.now()), coveredMs: 3_000 } },
    });
    expect(outcome.result.reason).toBe('production watch: alarm latency is in ALARM (p99 high)');
  });

  it('a pause between slices is measured, and does not count as watched', async () => {
    const app = await startApp();
    const progress = {
      ...newWatchProgress(Date.now() - 10_000),
      coveredMs: 1_000,
      lastSliceEndedAt: Date.now() - 8_000,
    };
    const outcome = await sliceOf(app.url, { progress, maxSliceMs: 400 });
    expect(outcome.progress.longestGapMs).toBeGreaterThanOrEqual(8_000);
    expect(outcome.progress.coveredMs).toBe(1_400);
    expect(outcome.windowOver).toBe(false);
  });
});
