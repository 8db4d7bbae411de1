import { parseHookEvent } from '../../../../src/controllers/codedeploy/parseHookEvent';
import { InvalidEventError } from '../../../../src/errors';

describe('parseHookEvent', () => {
  it('passes the execution id through untouched', () => {
    const executionId = 'AbC+/xyz==';
    expect(
      parseHookEvent({ DeploymentId: 'd-ABCDEFGH1', LifecycleEventHookExecutionId: executionId }),
    ).toEqual({
      executionId,
      deploymentId: 'd-ABCDEFGH1',
      problems: [],
    });
  });

  it.each([
    [undefined],
    [null],
    ['text'],
    [{}],
    [{ DeploymentId: 'd-1', LifecycleEventHookExecutionId: '  ' }],
  ])('throws when there is no execution id to report to: %j', (event) => {
    expect(() => parseHookEvent(event)).toThrow(InvalidEventError);
    expect(() => parseHookEvent(event)).toThrow(/LifecycleEventHookExecutionId is missing/);
  });

  it('says which keys the event had instead, so a wrongly wired invoker shows itself', () => {
    expect(() => parseHookEvent({ DeploymentId: 'd-1', detail: {} })).toThrow(
      'LifecycleEventHookExecutionId is missing or empty in the hook event (got keys: DeploymentId, detail); without it no status can be reported. Is this function invoked by CodeDeploy through appspec.yaml Hooks?',
    );
    expect(() => parseHookEvent(null)).toThrow('(got keys: none)');
  });

  it('names a missing DeploymentId but keeps the execution id so Failed can be reported', () => {
    expect(parseHookEvent({ LifecycleEventHookExecutionId: 'x' })).toEqual({
      executionId: 'x',
      deploymentId: undefined,
      problems: ['DeploymentId is missing or empty in the hook event'],
    });
  });
});
