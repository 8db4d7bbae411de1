/**
 * The ECS analysis step alone, with a scripted metric reader and a fixed clock: it passes only
 * through the verdict (the step's checks and the analysis), waits while inconclusive, fails at
 * maxWaitMs, and fails on anything it cannot read or know (weights, target groups, the read).
 */
import {
  type AnalysisRequest,
  analysisStart,
  answerAnalysis,
} from '../../../../src/controllers/ecs/analysisStage';
import type { EcsHookEvent } from '../../../../src/controllers/ecs/parseEcsHookEvent';
import { freshState } from '../../../../src/controllers/ecs/stepState';
import { analysis } from '../../../../src/suite/analysis';
import type { MetricReader } from '../../../../src/traffic/metricReading';

const MINUTE = 60_000;
const T0 = Date.UTC(2026, 11, 5, 10, 0, 0);
const GREEN_REVISION = 'arn:aws:ecs:us-east-1:111122223333:service-revision/c/s/2';
const ARN = 'arn:aws:elasticloadbalancing:us-east-1:111122223333';
const targets = {
  greenTargetGroupArn: `${ARN}:targetgroup/tg-2/b`,
  blueTargetGroupArn: `${ARN}:targetgroup/tg-1/a`,
  loadBalancerArn: `${ARN}:loadbalancer/app/lb/c`,
};

const event = (weights?: Record<string, number>): EcsHookEvent => ({
  executionId: 'e',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:us-east-1:111122223333:service-deployment/c/s/d',
  executionDetails: {
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/c/s',
    targetServiceRevisionArn: GREEN_REVISION,
    ...(weights && { productionTrafficWeights: weights }),
  },
});

/** Every minute: `requests` a side, `greenErrors` of green's failing; p99 200 ms both sides. */
const reader =
  (requests: number, greenErrors = 0): MetricReader =>
  async (queries, window) =>
    new Map(
      queries.map((q) => {
        const values = new Map<number, number>();
        for (let m = window.startMs; m < window.endMs; m += MINUTE) {
          const [side, metric] = q.id.split('_');
          const value =
            metric === 'requests'
              ? requests
              : metric === 'errors'
                ? side === 'green'
                  ? greenErrors
                  : 0
                : 0.2;
          values.set(m, value);
        }
        return [q.id, values];
      }),
    );

const settings = analysis.parse({ minRequests: 500, settleMs: 1_000, maxWaitMs: 10 * MINUTE });
const request = (over: Partial<AnalysisRequest> = {}): AnalysisRequest => {
  const e = over.event ?? event({ [GREEN_REVISION]: 10 });
  return {
    analysis: settings,
    selected: ['canary analysis'],
    // The step's analysis began at T0 (an earlier invocation found no complete minute).
    state: {
      ...freshState({ deployment: e.resourceArn, stage: e.lifecycleStage, step: 's' }, T0),
      analysis: { startedAt: T0, reads: 0 },
    },
    event: e,
    targets,
    readMetrics: reader(1000),
    metricNow: () => T0 + 5 * MINUTE + 1_000,
    signal: new AbortController().signal,
    log: { info: () => {} },
    ...over,
  };
};

describe('answerAnalysis', () => {
  it('SUCCEEDED when the analysis passed and nothing else was selected', async () => {
    const answer = await answerAnalysis(request());
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(answer.hookDetails?.canaryAnalysis).toMatchObject({ verdict: 'pass' });
  });

  it("never SUCCEEDED on the analysis alone while the step's checks have not passed", async () => {
    const answer = await answerAnalysis(request({ selected: ['home', 'canary analysis'] }));
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.reason).toBe(
      'nothing was judged: "home" was selected for PRODUCTION_TRAFFIC_SHIFT but not judged',
    );
    const base = request();
    const passed = await answerAnalysis({
      ...base,
      selected: ['home', 'canary analysis'],
      state: { ...base.state, checksPassed: ['home'] },
    });
    expect(passed.hookStatus).toBe('SUCCEEDED');
  });

  it('FAILED with the metric table for a worse green', async () => {
    const answer = await answerAnalysis(request({ readMetrics: reader(1000, 50) }));
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.reason).toMatch(
      /^canary analysis fail over 5 complete minutes, 10:00–10:05 UTC: target 5xx rate: green 5\.00 %/,
    );
    expect(answer.hookDetails?.canaryAnalysis).toMatchObject({
      verdict: 'fail',
      metrics: [
        { metric: 'target 5xx rate', verdict: 'fail' },
        { metric: 'p99 response time (ms)', verdict: 'pass' },
      ],
    });
  });

  it('IN_PROGRESS while inconclusive, counting its reads; FAILED once maxWaitMs has passed', async () => {
    const quiet = reader(10);
    const waiting = await answerAnalysis(request({ readMetrics: quiet }));
    expect(waiting).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      callBackDelay: 60,
      hookDetails: {
        bluegreenHooks: { analysis: { startedAt: T0, reads: 1 } },
      },
    });
    const base = request({ readMetrics: quiet });
    const again = await answerAnalysis({
      ...base,
      state: { ...base.state, analysis: { startedAt: T0, reads: 1 } },
    });
    expect(again.hookDetails?.bluegreenHooks).toMatchObject({ analysis: { reads: 2 } });
    const late = await answerAnalysis(
      request({ readMetrics: quiet, metricNow: () => T0 + 10 * MINUTE }),
    );
    expect(late.hookStatus).toBe('FAILED');
    expect(late.hookDetails?.reason).toBe(
      'canary analysis inconclusive over 9 complete minutes, 10:00–10:09 UTC: target 5xx rate: too little traffic to judge: green 0/90, blue 0/90 requests seen, 500 needed on each side; still inconclusive after 600 s (analysis.maxWaitMs 600 s), and too little traffic is never a pass: lower analysis.minRequests or minMinutes for a quiet service, or rely on a synthetic comparison (compare:) at POST_TEST_TRAFFIC_SHIFT',
    );
  });

  it('at 100 %, compares with blue before the step', async () => {
    const windows: { startMs: number; endMs: number }[] = [];
    const recording: MetricReader = async (q, w, s) => {
      windows.push(w);
      return reader(1000)(q, w, s);
    };
    const base = request({
      event: event({ [GREEN_REVISION]: 100 }),
      readMetrics: recording,
    });
    const answer = await answerAnalysis({
      ...base,
      state: { ...base.state, analysis: { startedAt: T0 + 30_000, reads: 0 } },
    });
    // blue: the 10 minutes before the step, whole minutes only; green: from the next minute
    expect(windows).toEqual([{ startMs: T0 - 9 * MINUTE, endMs: T0 + 5 * MINUTE }]);
    expect(answer.hookDetails?.canaryAnalysis).toMatchObject({
      summary: expect.stringMatching(
        /over green 4 complete minutes, 10:01–10:05 UTC against blue 9 complete minutes, 09:51–10:00 UTC/,
      ),
    });
  });

  it("at 100 %, blue's minutes end baselineOffsetMs before the step", async () => {
    const windows: { startMs: number; endMs: number }[] = [];
    const recording: MetricReader = async (q, w, s) => {
      windows.push(w);
      return reader(1000)(q, w, s);
    };
    const base = request({ event: event({ [GREEN_REVISION]: 100 }), readMetrics: recording });
    const answer = await answerAnalysis({
      ...base,
      analysis: { ...settings, baselineMs: 5 * MINUTE, baselineOffsetMs: 3 * MINUTE },
      state: { ...base.state, analysis: { startedAt: T0 + 30_000, reads: 0 } },
    });
    // blue: 09:52:30–09:57:30, whole minutes 09:53–09:57; the 3 minutes before the step left out
    expect(windows).toEqual([{ startMs: T0 - 7 * MINUTE, endMs: T0 + 5 * MINUTE }]);
    expect(answer.hookDetails?.canaryAnalysis).toMatchObject({
      summary: expect.stringMatching(/against blue 4 complete minutes, 09:53–09:57 UTC/),
    });
  });

  it('FAILED without weights, without target groups, and when the read fails', async () => {
    const noWeights = await answerAnalysis(request({ event: event() }));
    expect(noWeights.hookDetails?.reason).toBe(
      'canary analysis: the event gives green no production traffic weight, so there is no real traffic to judge it by',
    );
    const base = request();
    const { targets: _, ...withoutTargets } = base;
    const noTargets = await answerAnalysis(withoutTargets);
    expect(noTargets.hookStatus).toBe('FAILED');
    expect(noTargets.hookDetails?.reason).toMatch(
      /^canary analysis: the service revision names no pair/,
    );
    const broken = await answerAnalysis(
      request({
        readMetrics: async () => {
          throw new Error('cloudwatch:GetMetricData was denied');
        },
      }),
    );
    expect(broken).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'canary analysis: cloudwatch:GetMetricData was denied' },
    });
  });

  it('begins the step at its first look; a carried start from the future or too long ago starts over', async () => {
    const now = T0 + 5 * MINUTE + 1_000;
    const base = request();
    const fresh = await answerAnalysis({ ...base, state: { ...base.state, analysis: undefined } });
    expect(fresh).toMatchObject({
      hookStatus: 'IN_PROGRESS',
      hookDetails: { bluegreenHooks: { analysis: { startedAt: now, reads: 1 } } },
    });
    expect(analysisStart(undefined, now, settings)).toBe(now);
    expect(analysisStart(now + 60_000, now, settings)).toBe(now);
    expect(analysisStart(now + 4_000, now, settings)).toBe(now + 4_000);
    // the oldest honest start: a whole wait, two pauses and one invocation ago
    const oldest = now - settings.maxWaitMs - 2 * 60_000 - 900_000;
    expect(analysisStart(oldest, now, settings)).toBe(oldest);
    expect(analysisStart(oldest - 1, now, settings)).toBe(now);
  });
});
