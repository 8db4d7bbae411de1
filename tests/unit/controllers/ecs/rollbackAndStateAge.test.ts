/**
 * Two rules of the ECS hook that decide before any check runs: which invocations are a rollback
 * (answered SUCCEEDED at once), and how old a step's carried state may honestly be.
 */
import {
  isRollbackInvocation,
  maxStateAgeMs,
} from '../../../../src/controllers/ecs/createEcsHookHandler';
import type { EcsHookEvent } from '../../../../src/controllers/ecs/parseEcsHookEvent';
import { suiteOf } from '../../../helpers/suites';

const GREEN = 'arn:aws:ecs:us-east-1:123456789012:service-revision/c/s/green';
const event = (
  stage: string,
  weights: Partial<Record<'test' | 'production', Record<string, number>>>,
) =>
  ({
    executionId: 'e',
    lifecycleStage: stage,
    resourceArn: 'arn:sd',
    executionDetails: {
      serviceArn: 'arn:s',
      targetServiceRevisionArn: GREEN,
      ...(weights.test && { testTrafficWeights: weights.test }),
      ...(weights.production && { productionTrafficWeights: weights.production }),
    },
  }) as unknown as EcsHookEvent;

describe('isRollbackInvocation', () => {
  it.each([
    ['TEST_TRAFFIC_SHIFT', { test: { [GREEN]: 0 } }, true],
    ['PRODUCTION_TRAFFIC_SHIFT', { production: { [GREEN]: 0, blue: 100 } }, true],
    // green still has weight: a step forward, not a rollback
    ['PRODUCTION_TRAFFIC_SHIFT', { production: { [GREEN]: 10 } }, false],
    // the weights of the other listener do not count
    ['TEST_TRAFFIC_SHIFT', { production: { [GREEN]: 0 } }, false],
    ['PRODUCTION_TRAFFIC_SHIFT', { test: { [GREEN]: 0 } }, false],
    // no weights at all, or green absent: not a rollback
    ['TEST_TRAFFIC_SHIFT', {}, false],
    ['TEST_TRAFFIC_SHIFT', { test: { blue: 0 } }, false],
    // only those two stages are re-invoked at a rollback
    ['POST_TEST_TRAFFIC_SHIFT', { test: { [GREEN]: 0 } }, false],
    ['PRE_PRODUCTION_TRAFFIC_SHIFT', { production: { [GREEN]: 0 } }, false],
  ] as const)('%s with %j -> %s', (stage, weights, expected) => {
    expect(isRollbackInvocation(event(stage, weights))).toBe(expected);
  });
});

describe('maxStateAgeMs: the readiness budget, the watch window, two pauses and a Lambda', () => {
  const base = {
    checks: [{ name: 'home', path: '/' }],
    ecs: { overallBudgetMs: 120_000, callBackDelaySeconds: 20, watchCallBackDelaySeconds: 45 },
  };
  it('without a watch: budget + 2 x the longer callback delay + 900 s', () => {
    expect(maxStateAgeMs(suiteOf(base), event('POST_TEST_TRAFFIC_SHIFT', {}))).toBe(
      120_000 + 2 * 45_000 + 900_000,
    );
  });
  it("at the watch's stage, its window too", () => {
    const suite = suiteOf({ ...base, watch: { paths: ['/'], windowMs: 300_000 } });
    expect(maxStateAgeMs(suite, event('POST_PRODUCTION_TRAFFIC_SHIFT', {}))).toBe(
      120_000 + 300_000 + 2 * 45_000 + 900_000,
    );
    expect(maxStateAgeMs(suite, event('POST_TEST_TRAFFIC_SHIFT', {}))).toBe(
      120_000 + 2 * 45_000 + 900_000,
    );
  });
  it("at the analysis's stage, its whole wait and its own callback delay when that is longer", () => {
    // An analysis that waited all of maxWaitMs must still be judged (FAILED), never restarted.
    const suite = suiteOf({
      ...base,
      analysis: { maxWaitMs: 1_200_000, callBackDelaySeconds: 90 },
    });
    expect(maxStateAgeMs(suite, event('PRODUCTION_TRAFFIC_SHIFT', {}))).toBe(
      120_000 + 1_200_000 + 2 * 90_000 + 900_000,
    );
    expect(maxStateAgeMs(suite, event('POST_TEST_TRAFFIC_SHIFT', {}))).toBe(
      120_000 + 2 * 45_000 + 900_000,
    );
  });
});
