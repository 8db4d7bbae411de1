/** The ECS adapter only translates the verdict: Succeeded to SUCCEEDED, anything else to FAILED. */
import { answerOf, failed } from '../../../../src/controllers/ecs/hookResponse';
import { decide, exempt, notJudged } from '../../../../src/engine/verdict';

describe('answerOf', () => {
  it('SUCCEEDED only for a Succeeded verdict: on evidence with no hookDetails, by exemption with its rule', () => {
    expect(answerOf(decide(['a'], [{ name: 'a', passed: true }]))).toEqual({
      hookStatus: 'SUCCEEDED',
    });
    expect(answerOf(exempt('rollback re-invocation', 'weight 0'))).toEqual({
      hookStatus: 'SUCCEEDED',
      hookDetails: { reason: 'rollback re-invocation: weight 0' },
    });
  });

  it('FAILED with the reason in hookDetails for anything else', () => {
    expect(answerOf(notJudged('x'))).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'nothing was judged: x' },
    });
    expect(failed('why')).toEqual({ hookStatus: 'FAILED', hookDetails: { reason: 'why' } });
  });
});
