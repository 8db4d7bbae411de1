/**
 * One check with a scripted prober: what a pass, a failure, a retry, a cancellation and a spent
 * budget each report, and a skipped check is never a pass.
 */
import { NOT_FINISHED, runCheck, skippedCheck } from '../../../src/engine/runCheck';
import type { Prober } from '../../../src/probe/httpProbe';
import { NO_FACTS } from '../../../src/suite/facts';
import { answer, failure, scriptedProber } from '../../helpers/scriptedProber';
import { suiteOf } from '../../helpers/suites';

const suite = suiteOf({
  retry: { attempts: 3, backoffMs: 1, maxBackoffMs: 2 },
  checks: [{ name: 'home', path: '/', expect: { status: 200 } }],
});
const check = suite.checks[0] as (typeof suite.checks)[number];
const HEADERS = { values: { 'x-test': 'yes' }, secretHeaders: new Set<string>() };

const run = (
  prober: Prober,
  over: { budget?: AbortSignal; failFast?: AbortSignal; facts?: typeof NO_FACTS } = {},
  c = check,
) =>
  runCheck(
    {
      prober,
      suite,
      baseUrl: 'http://green.test',
      budget: over.budget ?? new AbortController().signal,
      failFast: over.failFast ?? new AbortController().signal,
      facts: over.facts ?? NO_FACTS,
    },
    c,
    HEADERS,
  );

describe('skippedCheck', () => {
  it('is a failure marked skipped, never a pass', () => {
    expect(skippedCheck(check)).toEqual({
      name: 'home',
      method: 'GET',
      path: '/',
      passed: false,
      skipped: true,
      reason: NOT_FINISHED,
      attempts: 0,
      requestHeaders: {},
    });
  });
});

describe('runCheck', () => {
  it('passes on the expected answer, with what it observed', async () => {
    const { prober, calls } = scriptedProber([answer(200)]);
    expect(await run(prober)).toEqual({
      name: 'home',
      method: 'GET',
      path: '/',
      requestHeaders: { 'x-test': 'yes' },
      statusCode: 200,
      latencyMs: 3,
      passed: true,
      attempts: 1,
    });
    expect(calls[0]?.request).toMatchObject({ url: 'http://green.test/', method: 'GET' });
  });

  it('fails a definite wrong answer at once, without "after N attempts"', async () => {
    const { prober, calls } = scriptedProber([answer(500)]);
    const result = await run(prober);
    expect(result).toMatchObject({ passed: false, statusCode: 500, attempts: 1 });
    expect(result.reason).not.toMatch(/after/);
    expect(calls).toHaveLength(1);
  });

  it('retries a transient answer up to the limit, then says how many attempts', async () => {
    const { prober, calls } = scriptedProber([answer(503)]);
    const result = await run(prober);
    expect(result).toMatchObject({ passed: false, attempts: 3, statusCode: 503 });
    expect(result.reason).toBe('status 503 after 3 attempts');
    expect(calls).toHaveLength(3);
  });

  it('reports an error answer with its latency and no status', async () => {
    const { prober } = scriptedProber([failure('connection refused', { transient: false })]);
    const result = await run(prober);
    expect(result).toMatchObject({ passed: false, latencyMs: 7, attempts: 1 });
    expect(result.reason).toBe('connection refused');
    expect(Object.keys(result)).not.toContain('statusCode');
  });

  it('waits at least the Retry-After a 503 asks for', async () => {
    const { prober, calls } = scriptedProber([answer(503, { retryAfterMs: 150 }), answer(200)]);
    expect((await run(prober)).passed).toBe(true);
    expect((calls[1]?.atMs ?? 0) - (calls[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it("names a spent budget as the time budget, not the app's failure", async () => {
    const { prober } = scriptedProber([failure('aborted', { budgetExhausted: true })]);
    const result = await run(prober);
    expect(result).toMatchObject({ passed: false, reason: 'time budget exhausted' });
  });

  it('is skipped, not failed, when another check failed the suite during its request', async () => {
    const failFast = new AbortController();
    const { prober } = scriptedProber([answer(500)], () => failFast.abort());
    const result = await run(prober, { failFast: failFast.signal });
    expect(result).toMatchObject({ passed: false, skipped: true, reason: NOT_FINISHED });
    expect(result.attempts).toBe(1);
  });

  it('is skipped when the suite fails during its pause before a retry', async () => {
    const failFast = new AbortController();
    const { prober } = scriptedProber([answer(503, { retryAfterMs: 10_000 })], (call) => {
      if (call === 0) setTimeout(() => failFast.abort(), 20);
    });
    const result = await run(prober, { failFast: failFast.signal });
    expect(result).toMatchObject({ passed: false, skipped: true, statusCode: 503, attempts: 1 });
  });

  it('fails, not skipped, when the budget ran out as well', async () => {
    const failFast = new AbortController();
    const budget = new AbortController();
    const { prober } = scriptedProber([failure('aborted', { budgetExhausted: true })], () => {
      failFast.abort();
      budget.abort();
    });
    const result = await run(prober, { failFast: failFast.signal, budget: budget.signal });
    expect(result).toMatchObject({ passed: false, reason: 'time budget exhausted' });
    expect(Object.keys(result)).not.toContain('skipped');
  });

  it('fails without a request when a fact it expects is missing', async () => {
    const withFact = suiteOf({
      checks: [
        { name: 'version', path: '/v', expect: { bodyContains: '{{taskDefinition.revision}}' } },
      ],
    }).checks[0] as typeof check;
    const { prober, calls } = scriptedProber([answer(200)]);
    const result = await run(prober, {}, withFact);
    expect(result).toMatchObject({ passed: false, attempts: 0 });
    expect(result.reason).toMatch(/taskDefinition.revision/);
    expect(calls).toHaveLength(0);
  });
});
