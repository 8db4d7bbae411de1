/**
 * The readiness gate with a scripted prober: what opens it, what fails it at once, how long it
 * waits between asks, what an attempt limit (ECS) answers, and how a spent budget is named.
 */
import { type GateProgress, runReadinessGate } from '../../../src/engine/readinessGate';
import type { Prober } from '../../../src/probe/httpProbe';
import { readiness } from '../../../src/suite/checks';
import { answer, failure, scriptedProber } from '../../helpers/scriptedProber';

const gate = readiness.parse({ path: '/ready', budgetMs: 2_000, intervalMs: 5, maxIntervalMs: 10 });

const run = (
  prober: Prober,
  over: { budget?: AbortSignal; maxAttempts?: number; gate?: typeof gate } = {},
  progress: GateProgress[] = [],
) =>
  runReadinessGate(
    {
      prober,
      url: 'http://green.test/ready',
      headers: {},
      timeoutMs: 1_000,
      budget: over.budget ?? new AbortController().signal,
      ...(over.maxAttempts !== undefined && { maxAttempts: over.maxAttempts }),
    },
    over.gate ?? gate,
    (p) => progress.push(p),
  );

describe('runReadinessGate', () => {
  it('opens on the first definite answer, saying how long it waited', async () => {
    const { prober } = scriptedProber([answer(503), answer(404)]);
    const before = performance.now();
    const result = await run(prober);
    const took = performance.now() - before;
    expect(result).toMatchObject({ passed: true, path: '/ready', attempts: 2 });
    expect(Object.keys(result)).not.toContain('reason');
    expect(result.waitedMs).toBeGreaterThanOrEqual(0);
    expect(result.waitedMs).toBeLessThanOrEqual(took);
  });

  it('fails at once on a definite error, which waiting cannot change', async () => {
    const { prober, calls } = scriptedProber([
      failure('getaddrinfo ENOTFOUND', { transient: false }),
    ]);
    expect(await run(prober)).toMatchObject({
      passed: false,
      attempts: 1,
      reason: 'readiness gate: GET /ready failed: getaddrinfo ENOTFOUND',
    });
    expect(calls).toHaveLength(1);
  });

  it('waits at least the Retry-After a 503 asks for', async () => {
    const { prober, calls } = scriptedProber([answer(503, { retryAfterMs: 150 }), answer(200)]);
    expect((await run(prober)).passed).toBe(true);
    expect((calls[1]?.atMs ?? 0) - (calls[0]?.atMs ?? 0)).toBeGreaterThanOrEqual(140);
  });

  it('stops at an attempt limit while still transient: waiting, worth asking later', async () => {
    const { prober, calls } = scriptedProber([answer(503)]);
    const progress: GateProgress[] = [];
    const result = await run(prober, { maxAttempts: 2 }, progress);
    expect(result).toMatchObject({
      passed: false,
      attempts: 2,
      waiting: true,
      reason: 'readiness gate: GET /ready not ready yet (last: status 503)',
    });
    expect(calls).toHaveLength(2);
    expect(progress).toEqual([
      { type: 'readiness-attempt', attempt: 1, outcome: 'status 503' },
      { type: 'readiness-attempt', attempt: 2, outcome: 'status 503' },
    ]);
  });

  it('asks once with a limit of one, and opens on a definite answer within it', async () => {
    const one = scriptedProber([answer(502)]);
    expect(await run(one.prober, { maxAttempts: 1 })).toMatchObject({ attempts: 1, waiting: true });
    const open = scriptedProber([answer(200)]);
    expect(await run(open.prober, { maxAttempts: 1 })).toMatchObject({ passed: true, attempts: 1 });
  });

  it('names its own budget when that ran out, with the last real answer', async () => {
    const short = readiness.parse({
      path: '/ready',
      budgetMs: 60,
      intervalMs: 5,
      maxIntervalMs: 10,
    });
    const { prober } = scriptedProber([answer(503)]);
    const result = await run(prober, { gate: short });
    expect(result.passed).toBe(false);
    expect(result.reason).toBe(
      'readiness gate: GET /ready never gave a definite answer (within 60 ms; last: status 503)',
    );
    expect(Object.keys(result)).not.toContain('waiting');
  });

  it('names the status it waited for', async () => {
    const short = readiness.parse({
      path: '/ready',
      budgetMs: 60,
      intervalMs: 5,
      maxIntervalMs: 10,
      status: 204,
    });
    const { prober } = scriptedProber([answer(200)]);
    expect((await run(prober, { gate: short })).reason).toMatch(
      /^readiness gate: GET \/ready never answered 204 \(within 60 ms; last: status 200\)$/,
    );
  });

  it("names the hook's spent budget, not a failed request, as what stopped it", async () => {
    const budget = new AbortController();
    const { prober } = scriptedProber(
      [answer(503), failure('aborted', { budgetExhausted: true })],
      (call) => {
        if (call === 1) budget.abort();
      },
    );
    const result = await run(prober, { budget: budget.signal, maxAttempts: 5 });
    expect(result).toMatchObject({
      passed: false,
      attempts: 2,
      reason:
        'readiness gate: GET /ready never gave a definite answer (the time budget ran out; last: status 503)',
    });
    expect(Object.keys(result)).not.toContain('waiting');
  });

  it('says no answer came when the budget was spent before the first ask', async () => {
    const budget = new AbortController();
    budget.abort();
    const { prober, calls } = scriptedProber([answer(200)]);
    const result = await run(prober, { budget: budget.signal });
    expect(result.reason).toBe(
      'readiness gate: GET /ready never gave a definite answer (the time budget ran out; last: no answer yet)',
    );
    expect(calls).toHaveLength(0);
  });
});
