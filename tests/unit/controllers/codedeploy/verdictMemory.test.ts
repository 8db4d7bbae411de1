/** Verdicts remembered per execution: a retried invocation re-reports, never recomputes. */
import { VerdictMemory } from '../../../../src/controllers/codedeploy/verdictMemory';

describe('VerdictMemory', () => {
  it('returns what was remembered for an execution, and nothing for another', () => {
    const m = new VerdictMemory<string>();
    m.remember('a', 'Failed');
    expect(m.get('a')).toBe('Failed');
    expect(m.get('b')).toBeUndefined();
  });

  it('keeps the 256 newest, the oldest out first; remembering again refreshes', () => {
    const m = new VerdictMemory<number>();
    for (let i = 0; i < 256; i++) m.remember(`e${i}`, i);
    m.remember('e0', 0); // refreshed: now the newest
    m.remember('e256', 256);
    expect(m.get('e0')).toBe(0);
    expect(m.get('e1')).toBeUndefined();
    expect(m.get('e2')).toBe(2);
    expect(m.get('e256')).toBe(256);
  });
});
