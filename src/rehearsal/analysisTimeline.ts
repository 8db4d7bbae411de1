/**
 * Canary analysis in both rehearsals: the settings it judges ECS LINEAR and CANARY steps and
 * CodeDeploy's AfterAllowTraffic with when the suite has none, the users and the clock it judges
 * them on, and its looks on the timeline (a wait when it changes, a verdict with every metric's
 * numbers).
 */
import { analysis } from '../suite/analysis';
import type { RehearsalEvent } from './harness';

/** The rehearsal's metrics run this many times faster than real time. */
export const METRIC_TIME_SCALE = 60;

/** What users of the sample website request: the home page and their cart. */
export const USER_PATHS = ['/', '/cart'] as const;

/**
 * On the rehearsal's 60x clock a minute passes every second, so 4 complete minutes a side (enough
 * to show a latency regression at alpha 0.05) take seconds.
 */
export const REHEARSAL_ANALYSIS = analysis.parse({
  minRequests: 100,
  minMinutes: 4,
  alpha: 0.05,
  settleMs: 60_000,
  callBackDelaySeconds: 5,
  latency: { percentiles: ['p99'] },
});

interface AnalysisLog {
  readonly verdict: string;
  readonly summary: string;
  readonly baseline: string;
  readonly metrics: ReadonlyArray<{ metric: string; verdict: string; detail: string }>;
}

/** A log sink that turns the hook's 'Canary analysis' lines into timeline lines. */
export const analysisTimeline = (emit: (event: RehearsalEvent) => void) => {
  let lastWait = '';
  return (message: string, ...extra: object[]): void => {
    if (message !== 'Canary analysis') return;
    const a = Object.assign({}, ...extra) as AnalysisLog;
    // A wait repeats itself every callback: say it when it changes.
    if (a.verdict === 'inconclusive' && a.summary === lastWait) return;
    lastWait = a.summary;
    emit({ type: 'step', step: '', detail: `${a.summary} (${a.baseline} baseline)` });
    if (a.verdict === 'inconclusive') return;
    for (const m of a.metrics) {
      emit({
        type: 'step',
        step: '',
        detail: `  ${m.verdict.padEnd(12)} ${m.metric}: ${m.detail}`,
      });
    }
  };
};
