/** The single verdict: failed until evidence says otherwise. */
import { decide, exempt, NOTHING_JUDGED, notJudged } from '../../../src/engine/verdict';

describe('verdict', () => {
  it('starts as failed: nothing was judged', () => {
    expect(notJudged()).toEqual({ status: 'Failed', reason: NOTHING_JUDGED, judged: [] });
  });

  it('an empty selection is never a pass, even with passing evidence', () => {
    const v = decide([], [{ name: 'home', passed: true }], 'PRE_SCALE_UP');
    expect(v.status).toBe('Failed');
    expect(v.reason).toBe('nothing was judged: no check is selected for PRE_SCALE_UP');
  });

  it('passes when every selected item was judged and passed', () => {
    expect(
      decide(
        ['home', 'health'],
        [
          { name: 'health', passed: true },
          { name: 'home', passed: true },
        ],
      ),
    ).toEqual({
      status: 'Succeeded',
      reason: '2 of 2 selected items judged and passed',
      judged: ['home', 'health'],
    });
  });

  it('fails on an item selected but never judged', () => {
    const v = decide(['home', 'production watch'], [{ name: 'home', passed: true }], 'X');
    expect(v).toMatchObject({ status: 'Failed', judged: [] });
    expect(v.reason).toBe(
      'nothing was judged: "production watch" was selected for X but not judged',
    );
  });

  it('fails on evidence about something else (a pass of another name proves nothing)', () => {
    expect(decide(['home'], [{ name: 'other', passed: true }]).status).toBe('Failed');
  });

  it('a failure that ran wins over one cut short, and names its check', () => {
    const v = decide(
      ['a', 'b'],
      [
        { name: 'a', passed: false, skipped: true, reason: 'not finished' },
        { name: 'b', passed: false, reason: 'status 500' },
      ],
    );
    expect(v.reason).toBe('check "b" failed: status 500');
  });

  it('a skipped item alone fails the verdict', () => {
    const v = decide(['a'], [{ name: 'a', passed: false, skipped: true, reason: 'cut' }]);
    expect(v).toMatchObject({ status: 'Failed', reason: 'check "a" failed: cut' });
  });

  it('a failure among passes fails', () => {
    expect(
      decide(
        ['a', 'b'],
        [
          { name: 'a', passed: true },
          { name: 'b', passed: false },
        ],
      ),
    ).toEqual({ status: 'Failed', reason: 'check "b" failed: no reason given', judged: [] });
  });

  it('names the stage, or "this stage", and every item not judged', () => {
    expect(decide([], []).reason).toBe('nothing was judged: no check is selected for this stage');
    expect(decide(['a', 'b'], []).reason).toBe(
      'nothing was judged: "a", "b" were selected for this stage but not judged',
    );
  });

  it('an exemption passes only by a named rule, and says so', () => {
    expect(exempt('rollback re-invocation', "green's weight is 0")).toEqual({
      status: 'Succeeded',
      reason: "rollback re-invocation: green's weight is 0",
      judged: [],
      exemption: 'rollback re-invocation',
    });
  });
});
