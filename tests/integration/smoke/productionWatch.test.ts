/** The production watch on loopback: a clean window passes; a green that breaks fails within seconds. */
import { runSmokeSuite } from '../../../src/smoke/runSmokeSuite';
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
