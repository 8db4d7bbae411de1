import { computeTimeBudget, runWithDeadline } from '../../../src/hooks/timeBudget';

describe('computeTimeBudget', () => {
  it('keeps the safety margin for the report', () => {
    expect(computeTimeBudget(180_000, 10_000)).toEqual({ suiteMs: 170_000, reportMs: 9_800 });
  });

  it('gives the suite nothing when the margin eats the remaining time', () => {
    expect(computeTimeBudget(8_000, 10_000)).toEqual({ suiteMs: 0, reportMs: 7_800 });
    expect(computeTimeBudget(0, 10_000)).toEqual({ suiteMs: 0, reportMs: 0 });
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
      'time budget of 30 ms exhausted',
    );
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('returns the work result when it finishes in time', async () => {
    await expect(runWithDeadline(1000, async () => 42)).resolves.toBe(42);
  });
});
