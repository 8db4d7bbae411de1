/**
 * The ECS canary-analysis step against a small model, with fast-check: random sequences of looks
 * (time moving on by callbacks or jumps), hookDetails as ECS merges them or forged (a start in the
 * future, long ago, or a few minutes earlier than the truth), random traffic per minute on both
 * sides, and random weights. The metric reader answers from that traffic, as GetMetricData does
 * (no datapoint for an empty minute).
 *
 * Invariants, for every look:
 * - SUCCEEDED only when, over the minutes the model says this step has honestly seen (whole,
 *   settled, since the step's first look or a carried start no older than a whole wait), both
 *   sides served at least minRequests and had minMinutes with traffic, and green's 5xx rate was
 *   not above blue's by the minimum effect; and the step's check had passed;
 * - the start a look takes is within the bounds a real wait could produce, whatever the carried
 *   start says (a forged one in the future or long ago starts the wait over);
 * - FAILED for too little traffic comes only after maxWaitMs of looking;
 * - one GetMetricData call per look at most.
 */
import fc from 'fast-check';
import {
  type AnalysisRequest,
  analysisStart,
  answerAnalysis,
} from '../../src/controllers/ecs/analysisStage';
import type { EcsHookEvent } from '../../src/controllers/ecs/parseEcsHookEvent';
import { freshState, STATE_KEY, type StepState } from '../../src/controllers/ecs/stepState';
import { analysis } from '../../src/suite/analysis';
import type { MetricReader } from '../../src/traffic/metricReading';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);
const GREEN = 'arn:aws:ecs:us-east-1:111122223333:service-revision/c/s/2';
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const settings = analysis.parse({
  minRequests: 50,
  minMinutes: 4,
  alpha: 0.05,
  settleMs: 60_000,
  maxWaitMs: 8 * MINUTE,
  callBackDelaySeconds: 30,
});

interface Minute {
  readonly green: number;
  readonly greenErrors: number;
  readonly blue: number;
  readonly blueErrors: number;
}

const minuteArb: fc.Arbitrary<Minute> = fc
  .record({
    green: fc.nat({ max: 60 }),
    blue: fc.nat({ max: 300 }),
    greenRate: fc.constantFrom(0, 0.01, 0.2, 1),
    blueRate: fc.constantFrom(0, 0.01),
  })
  .map((m) => ({
    green: m.green,
    greenErrors: Math.round(m.green * m.greenRate),
    blue: m.blue,
    blueErrors: Math.round(m.blue * m.blueRate),
  }));

const lookArb = fc.record({
  advanceMs: fc.oneof(fc.constant(30_000), fc.integer({ min: 1_000, max: 3 * MINUTE })),
  // Mostly as ECS merges them; sometimes lost, forged or replayed from elsewhere.
  details: fc.oneof(
    { weight: 8, arbitrary: fc.constant('merged' as const) },
    { weight: 1, arbitrary: fc.constantFrom('absent', 'future', 'ancient', 'earlier') },
  ),
});

const event = (weight: number): EcsHookEvent => ({
  executionId: 'e',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:us-east-1:111122223333:service-deployment/c/s/d',
  executionDetails: {
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/c/s',
    targetServiceRevisionArn: GREEN,
    productionTrafficWeights: { [GREEN]: weight },
  },
});

const readerOf = (traffic: readonly Minute[], calls: { n: number }): MetricReader => {
  // Minute i of the traffic is the minute starting at T0 + i minutes (before T0: blue alone).
  const at = (m: number) => traffic[(m - T0) / MINUTE];
  return async (queries, window) => {
    calls.n++;
    return new Map(
      queries.map((q) => {
        const [side, metric] = q.id.split('_') as ['green' | 'blue', string];
        const values = new Map<number, number>();
        for (let m = window.startMs; m < window.endMs; m += MINUTE) {
          const t = at(m);
          if (!t) continue;
          const requests = side === 'green' ? t.green : t.blue;
          const errors = side === 'green' ? t.greenErrors : t.blueErrors;
          if (requests === 0) continue;
          if (metric === 'requests') values.set(m, requests);
          else if (metric === 'errors') {
            if (errors > 0) values.set(m, errors);
          } else values.set(m, 0.2);
        }
        return [q.id, values];
      }),
    );
  };
};

describe('canary analysis at one ECS step, against a model', () => {
  it('never passes without enough honest minutes and the check; a carried start never shortens the wait', async () => {
    await fc.assert(
      fc.asyncProperty(
        // Half the runs have a quiet green: a few requests a minute, rarely enough in total.
        fc
          .tuple(fc.boolean(), fc.array(minuteArb, { minLength: 20, maxLength: 20 }))
          .map(([quiet, minutes]) =>
            quiet
              ? minutes.map((m) => ({
                  ...m,
                  green: Math.ceil(m.green / 8),
                  greenErrors: Math.min(m.greenErrors, Math.ceil(m.green / 8)),
                }))
              : minutes,
          ),
        fc.array(lookArb, { minLength: 1, maxLength: 24 }),
        fc.integer({ min: 1, max: 99 }),
        fc.boolean(),
        async (traffic, looks, weight, checkPassed) => {
          // The step begins at a random second of minute 2.
          const stepStart = T0 + 2 * MINUTE + 17_000;
          let now = stepStart;
          let carried: StepState['analysis'];
          for (const look of looks) {
            const forged =
              look.details === 'absent'
                ? undefined
                : look.details === 'future'
                  ? { startedAt: now + 10 * MINUTE, reads: 1 }
                  : look.details === 'ancient'
                    ? { startedAt: now - 60 * MINUTE, reads: 1 }
                    : look.details === 'earlier'
                      ? { startedAt: (carried?.startedAt ?? now) - 2 * MINUTE, reads: 1 }
                      : carried;
            const calls = { n: 0 };
            const state: StepState = {
              ...freshState({ deployment: 'd', stage: 'PRODUCTION_TRAFFIC_SHIFT', step: 's' }, now),
              checksPassed: checkPassed ? ['home'] : [],
              ...(forged && { analysis: forged }),
            };
            const request: AnalysisRequest = {
              analysis: settings,
              selected: ['home', 'canary analysis'],
              state,
              event: event(weight),
              targets: {
                greenTargetGroupArn: `${ARN}:targetgroup/g/1`,
                blueTargetGroupArn: `${ARN}:targetgroup/b/1`,
                loadBalancerArn: `${ARN}:loadbalancer/app/lb/1`,
              },
              readMetrics: readerOf(traffic, calls),
              metricNow: () => now,
              signal: new AbortController().signal,
              log: { info: () => {} },
            };
            const answer = await answerAnalysis(request);
            const start = analysisStart(forged?.startedAt, now, settings);
            expect(calls.n).toBeLessThanOrEqual(1);
            // The model: the minutes this look judged, from the start it took.
            const first = Math.ceil(start / MINUTE) * MINUTE;
            const last = Math.floor((now - settings.settleMs) / MINUTE) * MINUTE;
            const minutes: Minute[] = [];
            for (let m = first; m < last; m += MINUTE) {
              const t = traffic[(m - T0) / MINUTE];
              if (t) minutes.push(t);
            }
            const sum = (f: (m: Minute) => number) => minutes.reduce((a, m) => a + f(m), 0);
            const enough =
              sum((m) => m.green) >= settings.minRequests &&
              sum((m) => m.blue) >= settings.minRequests &&
              minutes.filter((m) => m.green > 0).length >= settings.minMinutes &&
              minutes.filter((m) => m.blue > 0).length >= settings.minMinutes;
            if (answer.hookStatus === 'SUCCEEDED') {
              expect(checkPassed).toBe(true);
              expect(enough).toBe(true);
              const rate = (e: number, n: number) => (n === 0 ? 0 : e / n);
              const effect =
                rate(
                  sum((m) => m.greenErrors),
                  sum((m) => m.green),
                ) -
                rate(
                  sum((m) => m.blueErrors),
                  sum((m) => m.blue),
                );
              // a pass with green far worse would be a miss; a small effect may pass
              expect(effect).toBeLessThan(0.5);
            }
            // The start it took is one a real wait could have produced.
            expect(start).toBeLessThanOrEqual(now + 5_000);
            expect(start).toBeGreaterThanOrEqual(
              now - settings.maxWaitMs - 2 * settings.callBackDelaySeconds * 1000 - 900_000,
            );
            if (
              answer.hookStatus === 'FAILED' &&
              /still inconclusive/.test(String(answer.hookDetails?.reason))
            ) {
              expect(now - start).toBeGreaterThanOrEqual(settings.maxWaitMs);
            }
            if (answer.hookStatus === 'IN_PROGRESS') {
              const carriedState = answer.hookDetails?.[STATE_KEY] as
                | { analysis: StepState['analysis'] }
                | undefined;
              const next = carriedState?.analysis;
              expect(next?.startedAt).toBe(start);
              carried = next;
            } else {
              break;
            }
            now += look.advanceMs;
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
