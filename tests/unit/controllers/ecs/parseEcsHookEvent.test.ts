/** The ECS event at the edge: what ECS sends parses; anything else is a reason, not a throw. */
import { parseEcsHookEvent } from '../../../../src/controllers/ecs/parseEcsHookEvent';

const valid = {
  executionId: 'e-1',
  lifecycleStage: 'POST_TEST_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:us-east-1:1:service-deployment/c/s/d',
  executionDetails: {
    serviceArn: 'arn:aws:ecs:us-east-1:1:service/c/s',
    targetServiceRevisionArn: 'arn:aws:ecs:us-east-1:1:service-revision/c/s/42',
    testTrafficWeights: {},
    productionTrafficWeights: {},
  },
  hookDetails: { testUrl: 'http://x' },
};

describe('parseEcsHookEvent', () => {
  it('accepts the event ECS sends', () => {
    expect(parseEcsHookEvent(valid)).toEqual({ ok: true, event: valid });
  });

  it.each([
    ['a stage ECS does not hook', { ...valid, lifecycleStage: 'BAKE_TIME' }, /lifecycleStage/],
    ['an empty execution id', { ...valid, executionId: '' }, /executionId/],
    [
      'weights that are not numbers',
      { ...valid, executionDetails: { ...valid.executionDetails, testTrafficWeights: { a: 'x' } } },
      /testTrafficWeights/,
    ],
    ['hookDetails that is a list', { ...valid, hookDetails: [1] }, /hookDetails/],
    ['null', null, /malformed/],
  ])('refuses %s with a reason naming the field', (_label, event, field) => {
    const parsed = parseEcsHookEvent(event);
    expect(parsed.ok).toBe(false);
    if (!parsed.ok) {
      expect(parsed.reason).toMatch(/^malformed ECS lifecycle hook event: /);
      expect(parsed.reason).toMatch(field);
    }
  });
});

it('lists every problem, one after the other, and says where the event should come from', () => {
  const parsed = parseEcsHookEvent({ lifecycleStage: 42 });
  expect(parsed.ok).toBe(false);
  if (!parsed.ok) {
    expect(parsed.reason.split('; ').length).toBeGreaterThan(1);
    expect(parsed.reason).toMatch(
      /\. Is this function invoked by an ECS service's deploymentConfiguration/,
    );
  }
});
