/** One slice of the ECS production watch: what it logs, and the pause between slices it reports. */
import { freshState } from '../../../../src/controllers/ecs/stepState';
import { answerWatchSlice } from '../../../../src/controllers/ecs/watchStage';
import { newWatchProgress } from '../../../../src/traffic/runProductionWatch';
import { captureLog } from '../../../helpers/lambda';
import { startApp } from '../../../helpers/localServers';
import { suiteOf } from '../../../helpers/suites';

const suite = suiteOf({
  ecs: { watchSliceMs: 300, watchCallBackDelaySeconds: 1 },
  checks: [{ name: 'home', path: '/' }],
  watch: { paths: ['/'], ratePerSecond: 5, windowMs: 60_000 },
});
const binding = { deployment: 'd', stage: 'POST_PRODUCTION_TRAFFIC_SHIFT', step: 's' };

const sliceAfterPause = async (pauseMs: number) => {
  const app = await startApp();
  const log = captureLog();
  const now = Date.now();
  const answer = await answerWatchSlice({
    suite,
    watch: suite.watch as NonNullable<typeof suite.watch>,
    selected: ['home', 'production watch'],
    state: {
      ...freshState(binding, now - 100_000),
      checksPassed: ['home'],
      watch: {
        ...newWatchProgress(now - 100_000),
        coveredMs: 1_000,
        lastSliceEndedAt: now - pauseMs,
      },
    },
    productionUrl: app.url,
    deploymentAlarms: [],
    deadlineAt: performance.now() + 10_000,
    signal: new AbortController().signal,
    now: () => new Date(),
    log,
  });
  return { answer, log };
};

describe('ECS watch slice', () => {
  it('reports a pause between slices longer than the callback delay allows, and watches on', async () => {
    const { answer, log } = await sliceAfterPause(40_000);
    expect(answer.hookStatus).toBe('IN_PROGRESS');
    const warn = log.lines.find((l) => l.level === 'warn');
    expect(warn?.message).toBe(
      'Production watch: a long pause between slices; the window is extended to cover it',
    );
    expect(warn?.fields).toMatchObject({ coveredMs: 1_300, windowMs: 60_000 });
    expect(Number(warn?.fields.longestGapMs)).toBeGreaterThanOrEqual(40_000);
    const slice = log.lines.find((l) => l.message === 'Production watch slice');
    expect(slice?.fields).toMatchObject({ passed: true, coveredMs: 1_300 });
  });

  it('says nothing of a pause within the callback delay and its slack (31 s here)', async () => {
    const { log } = await sliceAfterPause(20_000);
    expect(log.lines.filter((l) => l.level === 'warn')).toEqual([]);
  });
});
