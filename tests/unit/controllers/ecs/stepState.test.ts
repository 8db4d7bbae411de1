/** The ECS hook's carried state: bound to its deployment, stage and step; never trusted. */
import type { EcsHookEvent } from '../../../../src/controllers/ecs/parseEcsHookEvent';
import {
  bindingOf,
  freshState,
  STATE_KEY,
  stateDetails,
  stepStateOf,
} from '../../../../src/controllers/ecs/stepState';
import { newWatchProgress } from '../../../../src/traffic/runProductionWatch';

const GREEN = 'arn:aws:ecs:us-east-1:1:service-revision/c/s/42';
const event = (over: Partial<EcsHookEvent['executionDetails']> = {}): EcsHookEvent => ({
  executionId: 'e',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:us-east-1:1:service-deployment/c/s/d1',
  executionDetails: {
    serviceArn: 's',
    targetServiceRevisionArn: GREEN,
    productionTrafficWeights: { [GREEN]: 10, blue: 90 },
    ...over,
  },
});
const NOW = Date.parse('2026-12-04T12:00:00.000Z');
const HOUR = 3_600_000;

describe('step state', () => {
  it('binds to the deployment, the stage and green weights of the step', () => {
    expect(bindingOf(event())).toEqual({
      deployment: 'arn:aws:ecs:us-east-1:1:service-deployment/c/s/d1',
      stage: 'PRODUCTION_TRAFFIC_SHIFT',
      step: 'test=-,production=10',
    });
  });

  it('round-trips through hookDetails, watch included', () => {
    const binding = bindingOf(event());
    const state = {
      ...freshState(binding, NOW - 1_000),
      readinessAttempts: 2,
      checksPassed: ['home'],
      watch: {
        ...newWatchProgress(NOW - 500),
        samples: 3,
        errors: 1,
        consecutive: 1,
        recent: [true, true, false],
        coveredMs: 400,
        lastSliceEndedAt: NOW - 100,
        longestGapMs: 50,
      },
    };
    const read = stepStateOf(stateDetails(state), binding, NOW, HOUR);
    expect(read.discarded).toBeUndefined();
    expect(read.state).toEqual(state);
  });

  it('a state of another step (an earlier canary step) starts over', () => {
    const earlier = bindingOf(event({ productionTrafficWeights: { [GREEN]: 0, blue: 100 } }));
    const spent = { ...freshState(earlier, NOW - 10 * 60_000), readinessAttempts: 40 };
    const read = stepStateOf(stateDetails(spent), bindingOf(event()), NOW, HOUR);
    expect(read.state).toEqual(freshState(bindingOf(event()), NOW));
    expect(read.discarded).toMatch(
      /belongs to .* test=-,production=0, not .* test=-,production=10/,
    );
  });

  it.each([
    ['another deployment', { deployment: 'arn:other' }],
    ['another stage', { stage: 'POST_TEST_TRAFFIC_SHIFT' }],
  ])('a state of %s starts over', (_label, over) => {
    const binding = bindingOf(event());
    const foreign = stateDetails({
      ...freshState({ ...binding, ...over }, NOW),
      checksPassed: ['home'],
    });
    expect(stepStateOf(foreign, binding, NOW, HOUR).state.checksPassed).toEqual([]);
  });

  it('a clock in the future starts over; a few seconds of skew do not', () => {
    const binding = bindingOf(event());
    const ahead = stateDetails({ ...freshState(binding, NOW + 60_000), readinessAttempts: 1 });
    expect(stepStateOf(ahead, binding, NOW, HOUR).discarded).toBe('its clock is in the future');
    const skew = stateDetails({ ...freshState(binding, NOW + 2_000), readinessAttempts: 1 });
    expect(stepStateOf(skew, binding, NOW, HOUR).state.readinessAttempts).toBe(1);
  });

  it('says why a state starts over: older than it could be, or not parseable', () => {
    const binding = bindingOf(event());
    const old = stateDetails({ ...freshState(binding, NOW - 2 * HOUR), readinessAttempts: 1 });
    expect(stepStateOf(old, binding, NOW, HOUR).discarded).toBe('it is older than 3600 s');
    expect(stepStateOf({ [STATE_KEY]: 'x' }, binding, NOW, HOUR).discarded).toBe(
      'it does not parse',
    );
  });

  it('takes a state exactly at its limits: 5 s of clock skew ahead, or exactly as old as allowed', () => {
    const binding = bindingOf(event());
    const at = (since: number) =>
      stepStateOf(
        stateDetails({ ...freshState(binding, since), readinessAttempts: 3 }),
        binding,
        NOW,
        HOUR,
      );
    expect(at(NOW + 5_000).state.readinessAttempts).toBe(3);
    expect(at(NOW - HOUR).state.readinessAttempts).toBe(3);
    expect(at(NOW + 5_001).state.readinessAttempts).toBe(0);
    expect(at(NOW - HOUR - 1).state.readinessAttempts).toBe(0);
  });

  it('a watch started in the future, or too long ago, starts over', () => {
    const binding = bindingOf(event());
    const withWatch = (startedAt: number) =>
      stateDetails({ ...freshState(binding, NOW), watch: newWatchProgress(startedAt) });
    expect(stepStateOf(withWatch(NOW + HOUR), binding, NOW, HOUR).state.watch).toBeUndefined();
    expect(stepStateOf(withWatch(NOW - 2 * HOUR), binding, NOW, HOUR).state.watch).toBeUndefined();
    expect(stepStateOf(withWatch(NOW - 1_000), binding, NOW, HOUR).state.watch).toBeDefined();
  });

  it.each([
    ['not an object', 'x'],
    ['a truncated state', { deployment: 'd' }],
    [
      'negative counts',
      { deployment: 'd', stage: 's', step: 'x', since: 'now', readinessAttempts: -1 },
    ],
    ['a watch whose window is not 0/1', { watch: { recent: 'abc' } }],
  ])('%s starts over', (_label, raw) => {
    const binding = bindingOf(event());
    const read = stepStateOf({ [STATE_KEY]: raw }, binding, NOW, HOUR);
    expect(read.state).toEqual(freshState(binding, NOW));
    expect(read.discarded).toBeDefined();
  });

  it('no state: a fresh one, nothing discarded; other hookDetails keys are ignored', () => {
    const read = stepStateOf({ userKey: 1, watch: { samples: 99 } }, bindingOf(event()), NOW, HOUR);
    expect(read).toEqual({ state: freshState(bindingOf(event()), NOW) });
  });
});
