/**
 * One ECS production traffic step's canary analysis, one read per invocation, with a scripted
 * reader and a clock that stands still: what it refuses without looking, which baseline it reads,
 * what each verdict answers, how the step's state carries the wait, and when waiting ends.
 */
import {
  type AnalysisRequest,
  analysisStart,
  answerAnalysis,
} from '../../../../src/controllers/ecs/analysisStage';
import type { EcsHookEvent } from '../../../../src/controllers/ecs/parseEcsHookEvent';
import { STATE_KEY, type StepState } from '../../../../src/controllers/ecs/stepState';
import { analysis } from '../../../../src/suite/analysis';
import { ANALYSIS_NAME } from '../../../../src/suite/itemNames';
import { MINUTE, scriptedReader } from '../../../helpers/scriptedMetrics';

const NOW = Date.UTC(2026, 11, 5, 10, 30, 0);
const GREEN_REVISION = 'arn:aws:ecs:us-east-1:111122223333:service-revision/sample/web/2';
const settings = analysis.parse({ minRequests: 500, minMinutes: 4, alpha: 0.05 });
const quiet = analysis.parse({ minRequests: 1_000_000, minMinutes: 4, alpha: 0.05 });
const TARGETS = {
  loadBalancerArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:loadbalancer/app/s/1',
  greenTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/g/2',
  blueTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:111122223333:targetgroup/b/1',
};

const event = (greenWeight: number | undefined): EcsHookEvent => ({
  executionId: 'exec-1',
  lifecycleStage: 'PRODUCTION_TRAFFIC_SHIFT',
  resourceArn: 'arn:aws:ecs:us-east-1:111122223333:service-deployment/sample/web/abc',
  executionDetails: {
    serviceArn: 'arn:aws:ecs:us-east-1:111122223333:service/sample/web',
    targetServiceRevisionArn: GREEN_REVISION,
    ...(greenWeight !== undefined && {
      productionTrafficWeights: { [GREEN_REVISION]: greenWeight, other: 100 - greenWeight },
    }),
  },
});

const state = (over: Partial<StepState> = {}): StepState => ({
  binding: { deployment: 'd', stage: 'PRODUCTION_TRAFFIC_SHIFT', step: 'production=10' },
  since: NOW - 20 * MINUTE,
  readinessAttempts: 0,
  checksPassed: ['home'],
  ...over,
});

/** A step whose analysis began nine minutes ago and read twice: enough settled minutes to judge. */
const underWay = { startedAt: NOW - 9 * MINUTE, reads: 2 };

const request = (over: Partial<AnalysisRequest> = {}): AnalysisRequest => ({
  analysis: settings,
  selected: ['home', ANALYSIS_NAME],
  state: state({ analysis: underWay }),
  event: event(10),
  targets: TARGETS,
  readMetrics: scriptedReader({ green: 5, blue: 5 }).read,
  metricNow: () => NOW,
  signal: new AbortController().signal,
  log: { info: () => undefined },
  ...over,
});

const carriedAnalysis = (details: Record<string, unknown> | undefined) =>
  (details?.[STATE_KEY] as { analysis?: unknown } | undefined)?.analysis;

describe('analysisStart', () => {
  const a = { maxWaitMs: 600_000, callBackDelaySeconds: 60 };
  // A whole wait, a pause either side and Lambda's longest invocation.
  const oldest = NOW - 600_000 - 120_000 - 900_000;

  it('keeps a carried start this step could honestly have, at both limits', () => {
    expect(analysisStart(NOW - MINUTE, NOW, a)).toBe(NOW - MINUTE);
    expect(analysisStart(oldest, NOW, a)).toBe(oldest);
    expect(analysisStart(NOW + 5_000, NOW, a)).toBe(NOW + 5_000);
  });

  it('starts over from a start too old, in the future or absent', () => {
    expect(analysisStart(oldest - 1, NOW, a)).toBe(NOW);
    expect(analysisStart(NOW + 5_001, NOW, a)).toBe(NOW);
    expect(analysisStart(undefined, NOW, a)).toBe(NOW);
  });
});

describe('answerAnalysis', () => {
  it('fails without a read when the event gives green no production weight', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const answer = await answerAnalysis(request({ event: event(undefined), readMetrics: read }));
    expect(answer).toEqual({
      hookStatus: 'FAILED',
      hookDetails: {
        reason:
          'canary analysis: the event gives green no production traffic weight, so there is no real traffic to judge it by',
      },
    });
    expect(windows).toHaveLength(0);
  });

  it('fails without a read when no pair of target groups was found', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const { targets: _, ...without } = request({ readMetrics: read });
    const answer = await answerAnalysis(without);
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.reason).toMatch(
      /^canary analysis: the service revision names no pair/,
    );
    expect(windows).toHaveLength(0);
  });

  it('passes a green like blue through the verdict, with the look in hookDetails', async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const answer = await answerAnalysis(request({ readMetrics: read }));
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(answer.hookDetails).toMatchObject({ canaryAnalysis: { verdict: 'pass' } });
    // While blue serves production its baseline is the same settled minutes: one window for both.
    expect(windows).toEqual([{ startMs: underWay.startedAt, endMs: NOW - settings.settleMs }]);
  });

  it('fails a passing analysis when a selected check has not passed in this step', async () => {
    const answer = await answerAnalysis(
      request({ state: state({ checksPassed: [], analysis: underWay }) }),
    );
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.reason).toMatch(/home/);
    expect(answer.hookDetails).toMatchObject({ canaryAnalysis: { verdict: 'pass' } });
  });

  it("reads blue's minutes before the step once green has all production traffic", async () => {
    const { read, windows } = scriptedReader({ green: 5, blue: 5 });
    const answer = await answerAnalysis(request({ event: event(100), readMetrics: read }));
    expect(answer.hookStatus).toBe('SUCCEEDED');
    expect(windows[0]?.startMs).toBe(underWay.startedAt - settings.baselineMs);
  });

  it('fails a green with more 5xx, with the numbers', async () => {
    const { read } = scriptedReader({ green: 60, blue: 5 });
    const answer = await answerAnalysis(request({ readMetrics: read }));
    expect(answer.hookStatus).toBe('FAILED');
    expect(answer.hookDetails?.reason).toMatch(
      /^canary analysis fail over \d+ complete minutes, .*target 5xx rate: green 6\.00 %/,
    );
    expect(answer.hookDetails).toMatchObject({ canaryAnalysis: { verdict: 'fail' } });
  });

  it('fails on a read that fails, naming it', async () => {
    const { read } = scriptedReader({ green: 5, blue: 5 }, () => new Error('throttled'));
    const answer = await answerAnalysis(request({ readMetrics: read }));
    expect(answer).toEqual({
      hookStatus: 'FAILED',
      hookDetails: { reason: 'canary analysis: throttled' },
    });
  });

  it('waits while inconclusive, carrying the start, the reads and the checks', async () => {
    const logged: Record<string, unknown>[] = [];
    const answer = await answerAnalysis(
      request({ analysis: quiet, log: { info: (_, attributes) => logged.push(attributes) } }),
    );
    expect(answer).toMatchObject({ hookStatus: 'IN_PROGRESS', callBackDelay: 60 });
    expect(carriedAnalysis(answer.hookDetails)).toEqual({ ...underWay, reads: 3 });
    expect(answer.hookDetails?.[STATE_KEY]).toMatchObject({ checksPassed: ['home'] });
    expect(answer.hookDetails).toMatchObject({ canaryAnalysis: { verdict: 'inconclusive' } });
    expect(logged).toEqual([
      expect.objectContaining({ greenWeight: 10, baseline: 'concurrent', reads: 3 }),
    ]);
  });

  it("begins the step's wait at its first invocation, with no state carried", async () => {
    const answer = await answerAnalysis(request({ analysis: quiet, state: state() }));
    expect(answer.hookStatus).toBe('IN_PROGRESS');
    expect(carriedAnalysis(answer.hookDetails)).toEqual({ startedAt: NOW, reads: 1 });
  });

  it('starts a new wait, counting reads from one, when the carried start is refused', async () => {
    const answer = await answerAnalysis(
      request({
        analysis: quiet,
        state: state({ analysis: { startedAt: NOW + MINUTE, reads: 7 } }),
      }),
    );
    expect(answer.hookStatus).toBe('IN_PROGRESS');
    expect(carriedAnalysis(answer.hookDetails)).toEqual({ startedAt: NOW, reads: 1 });
  });

  it('fails once it has waited maxWaitMs, and not a millisecond before', async () => {
    const at = (waitedMs: number) =>
      answerAnalysis(
        request({
          analysis: quiet,
          state: state({ analysis: { startedAt: NOW - waitedMs, reads: 9 } }),
        }),
      );
    expect((await at(quiet.maxWaitMs - 1)).hookStatus).toBe('IN_PROGRESS');
    const spent = await at(quiet.maxWaitMs);
    expect(spent.hookStatus).toBe('FAILED');
    expect(spent.hookDetails?.reason).toMatch(
      /too little traffic to judge: .*; still inconclusive after 600 s \(analysis\.maxWaitMs 600 s\), and too little traffic is never a pass: lower analysis\.minRequests/,
    );
    expect(spent.hookDetails).toMatchObject({ canaryAnalysis: { verdict: 'inconclusive' } });
  });
});
