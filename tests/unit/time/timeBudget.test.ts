import { reportTimeoutMs, runWithDeadline, suiteBudgetMs } from '../../../src/time/timeBudget';

describe('suiteBudgetMs and reportTimeoutMs', () => {
  it('keeps the safety margin for the report', () => {
    expect(suiteBudgetMs(180_000, 10_000)).toBe(170_000);
    // once the suite's time is up, 10 s are left; the report may use all but 200 ms of them
    expect(reportTimeoutMs(10_000)).toBe(9_800);
  });

  it('gives the suite nothing when the margin eats the remaining time', () => {
    expect(suiteBudgetMs(8_000, 10_000)).toBe(0);
    expect(reportTimeoutMs(8_000)).toBe(7_800);
    expect(suiteBudgetMs(0, 10_000)).toBe(0);
  });

  it('gives the report a whole, positive timeout, as AbortSignal.timeout requires', () => {
    expect(reportTimeoutMs(30_000.7)).toBe(29_800);
    expect(reportTimeoutMs(0)).toBe(1);
    expect(() => AbortSignal.timeout(reportTimeoutMs(1234.5))).not.toThrow();
  });
});

describe('runWithDeadline', () => {
  it('aborts the signal when the time is up', async () => {
    const result = await runWithDeadline(
      30,
      (signal) =>
        new Promise<string>((resolve) =>
          signal.addEventListener('abort', () => resolve('aborted')),
        ),
    );
    expect(result).toBe('aborted');
  });

  it('stops waiting for work that ignores the signal', async () => {
    const started = Date.now();
    await expect(runWithDeadline(30, () => new Promise(() => {}), 20)).rejects.toThrow(
      'time budget of 30 ms ran out during the work',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('leaves no timer behind: work that finished early is never aborted later', async () => {
    let seen: AbortSignal | undefined;
    await runWithDeadline(20, async (signal) => {
      seen = signal;
    });
    await new Promise((r) => setTimeout(r, 80));
    expect(seen?.aborted).toBe(false);
  });

  it('returns the work result when it finishes in time', async () => {
    await expect(runWithDeadline(1000, async () => 42)).resolves.toBe(42);
  });
});
