/** Waiting and fan-out: backoff bounds, abortable pauses, bounded concurrency in order. */
import fc from 'fast-check';
import { backoffDelay, mapWithConcurrency, pause } from '../../../src/engine/pacing';
import { paceRequests, percent, Tally } from '../../../src/traffic/sampling';

describe('backoffDelay', () => {
  it('stays within half and all of min(max, base * 2^(attempt-1))', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 20 }),
        fc.integer({ min: 1, max: 5_000 }),
        fc.integer({ min: 1, max: 60_000 }),
        (attempt, base, max) => {
          const ceiling = Math.min(max, base * 2 ** (attempt - 1));
          const d = backoffDelay(attempt, base, max);
          return d >= ceiling / 2 && d <= ceiling;
        },
      ),
    );
  });
});

describe('pause', () => {
  it('says whether the whole wait happened', async () => {
    expect(await pause(5, new AbortController().signal)).toBe(true);
    const c = new AbortController();
    setTimeout(() => c.abort(), 5);
    expect(await pause(60_000, c.signal)).toBe(false);
  });
});

describe('mapWithConcurrency', () => {
  it('keeps input order and never exceeds the limit', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 20 }),
        fc.integer({ min: 1, max: 5 }),
        async (delays, limit) => {
          let inFlight = 0;
          let most = 0;
          const out = await mapWithConcurrency(delays, limit, async (d) => {
            inFlight++;
            most = Math.max(most, inFlight);
            await new Promise((r) => setTimeout(r, d));
            inFlight--;
            return d * 10;
          });
          return most <= limit && out.every((v, i) => v === (delays[i] as number) * 10);
        },
      ),
      { numRuns: 50 },
    );
  });
});

describe('paceRequests', () => {
  it('fires exactly the plan, at most `concurrency` at once, and stops when aborted', async () => {
    let inFlight = 0;
    let most = 0;
    const fired: number[] = [];
    await paceRequests(
      { planned: 12, ratePerSecond: 400, concurrency: 2 },
      new AbortController().signal,
      async (i) => {
        inFlight++;
        most = Math.max(most, inFlight);
        fired.push(i);
        await new Promise((r) => setTimeout(r, 5));
        inFlight--;
      },
    );
    expect(fired).toEqual([...Array(12).keys()]);
    expect(most).toBeLessThanOrEqual(2);
    const c = new AbortController();
    c.abort();
    const none: number[] = [];
    await paceRequests({ planned: 5, ratePerSecond: 100, concurrency: 1 }, c.signal, async (i) => {
      none.push(i);
    });
    expect(none).toEqual([]);
  });
});

describe('Tally', () => {
  it('counts samples, errors and percentiles; a probe cut by the budget is not a sample', async () => {
    const tally = await Tally.create();
    const ok = (latencyMs: number, status = 200) =>
      ({ kind: 'response', response: { status, latencyMs, headers: {}, body: '' } }) as never;
    tally.record(ok(10), { min: 200, max: 299, text: '200-299' });
    tally.record(ok(30, 500), { min: 200, max: 299, text: '200-299' });
    tally.record({ kind: 'error', reason: 'timeout', transient: true } as never, {
      min: 200,
      max: 299,
      text: '',
    });
    tally.record(
      { kind: 'error', reason: 'cut', transient: true, budgetExhausted: true } as never,
      {
        min: 200,
        max: 299,
        text: '',
      },
    );
    const stats = tally.finish(4, 100);
    expect(stats).toMatchObject({ planned: 4, samples: 3, errors: 2, durationMs: 100 });
    expect(stats.errorRate).toBeCloseTo(2 / 3);
    expect(stats.p50Ms).toBe(10);
    expect(percent(0.0425)).toBe('4.3 %');
  });
});
