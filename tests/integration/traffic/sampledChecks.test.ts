/**
 * Sampled-traffic checks on real loopback servers: the rate and the concurrency bound hold, and
 * the error rate, latency percentiles (HDR histogram) and samples reached are judged.
 */
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import type { SuiteInput } from '../../../src/suite/schema';
import { startApp } from '../../helpers/localServers';
import { serve } from '../../helpers/misbehavingServers';
import { suiteOf } from '../../helpers/suites';

type Sampled = NonNullable<SuiteInput['sampled']>[number];

const run = (baseUrl: string, sampled: Sampled, budgetMs = 20_000) =>
  runSmokeSuite({
    suite: suiteOf({ checks: [{ name: 'home', path: '/' }], sampled: [sampled] }),
    hook: 'AfterAllowTestTraffic',
    baseUrl,
    budget: AbortSignal.timeout(budgetMs),
  });

describe('sampled-traffic checks', () => {
  it('sends the planned requests at the set rate, within the concurrency bound, and passes', async () => {
    const app = await startApp({ latencyMs: 20 });
    const started = performance.now();
    const result = await run(app.url, {
      name: 'load',
      paths: ['/', '/health'],
      ratePerSecond: 50,
      durationMs: 1_000,
      concurrency: 2,
      expect: { maxErrorRate: 0, latencyMs: { p95: 500 }, minSamples: 50 },
    });
    const elapsed = performance.now() - started;
    expect(result.reason).toBeUndefined();
    const sample = result.checks.at(-1)?.sample;
    expect(sample).toMatchObject({ planned: 50, samples: 50, errors: 0, errorRate: 0 });
    expect(sample?.p95Ms).toBeGreaterThanOrEqual(20);
    // the check's latency is the median; the duration is the paced second
    expect(result.checks.at(-1)?.latencyMs).toBe(sample?.p50Ms);
    expect(sample?.durationMs).toBeGreaterThanOrEqual(950);
    expect(sample?.durationMs).toBeLessThan(5_000);
    expect(elapsed).toBeGreaterThanOrEqual(950); // paced, not a burst
    expect(app.maxInFlight).toBeLessThanOrEqual(2);
    expect(app.paths.filter((p) => p === '/health')).toHaveLength(25); // paths cycle
  });

  it('fails a 5 % error rate against a 1 % limit, with the numbers', async () => {
    let n = 0;
    const server = await serve((_req, res) => {
      n++;
      res.writeHead(n % 20 === 0 ? 500 : 200).end('ok');
    });
    const result = await run(server.url, {
      name: 'errors',
      paths: ['/'],
      ratePerSecond: 100,
      durationMs: 2_000,
      expect: { maxErrorRate: 0.01, minSamples: 200 },
    });
    expect(result.reason).toBe(
      'check "errors" failed: error rate 5.0 % (10 of 200), expected at most 1.0 %',
    );
  });

  it('fails a p95 above its limit', async () => {
    const app = await startApp({ latencyMs: 120 });
    const result = await run(app.url, {
      name: 'slow',
      paths: ['/'],
      ratePerSecond: 20,
      durationMs: 1_000,
      concurrency: 8,
      expect: { latencyMs: { p95: 50 } },
    });
    expect(result.reason).toMatch(/^check "slow" failed: p95 1\d\d ms, expected at most 50 ms$/);
  });

  it('a spent budget is a failure with the numbers reached so far', async () => {
    const app = await startApp();
    const result = await run(
      app.url,
      { name: 'long', paths: ['/'], ratePerSecond: 10, durationMs: 60_000 },
      1_000,
    );
    expect(result.reason).toMatch(
      /^check "long" failed: time budget ran out after \d+ of 600 samples \(errors 0, p95 \d+ ms\)$/,
    );
  });

  it('a budget spent before any answer says so, with no percentile to give', async () => {
    const pending: NodeJS.Timeout[] = [];
    const server = await serve((req, res) => {
      if (req.url === '/') res.end('ok');
      else pending.push(setTimeout(() => res.end('late'), 3_000));
    });
    const result = await run(
      server.url,
      { name: 'long', paths: ['/slow'], ratePerSecond: 10, durationMs: 60_000 },
      800,
    );
    for (const t of pending) clearTimeout(t);
    expect(result.reason).toBe(
      'check "long" failed: time budget ran out after 0 of 600 samples (errors 0)',
    );
  });

  it('a sample with no answer at all gives no latency', async () => {
    const server = await serve((req, res) => {
      if (req.url === '/') res.end('ok');
      else req.socket.destroy();
    });
    const result = await run(server.url, {
      name: 'reset',
      paths: ['/reset'],
      ratePerSecond: 20,
      durationMs: 500,
      expect: { maxErrorRate: 0.5 },
    });
    const check = result.checks.at(-1);
    expect(check?.sample).toMatchObject({ samples: 10, errors: 10 });
    expect(check?.sample?.p50Ms).toBeUndefined();
    expect(check).not.toHaveProperty('latencyMs');
    expect(result.verdict).toBe('Failed');
  });

  it('refuses plans it could not keep, at load time', () => {
    expect(() =>
      suiteOf({
        checks: [{ name: 'a', path: '/' }],
        sampled: [{ name: 'b', paths: ['/'], ratePerSecond: 200, durationMs: 100_000 }],
      }),
    ).toThrow(/plans 20000 requests; at most 10000/);
    expect(() =>
      suiteOf({
        checks: [{ name: 'a', path: '/' }],
        sampled: [{ name: 'a', paths: ['/'], expect: { minSamples: 100 }, durationMs: 1000 }],
      }),
    ).toThrow(
      /duplicate check name "a"[\s\S]*100 samples cannot be reached|100 samples cannot be reached[\s\S]*duplicate check name "a"/,
    );
  });
});
