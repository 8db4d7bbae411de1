/**
 * Every verdict is a metric: CloudWatch embedded metric format (EMF) lines, written to stdout by
 * Powertools Metrics, which CloudWatch turns into metrics from the log stream. No API call and
 * no wait: the lines are written after the answer is decided, with one write each.
 *
 * Dimensions are bounded so cost stays flat however many deployments run: the controller, the
 * hook or ECS stage, the outcome, a check's name (from the suite) and an alarm decision. Never a
 * deployment id: that belongs in the log line, which carries it.
 */
import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import { SERVICE_NAME } from './logger';

export const METRICS_NAMESPACE = 'EcsBlueGreenHooks';

/** Every metric the functions write (the stage's dashboard shows each). */
export const METRIC_NAMES = [
  'Verdicts',
  'InvocationDuration',
  'DiscoveryDuration',
  'SuiteDuration',
  'WatchSamples',
  'WatchFailures',
  'SmokeSkipped',
  'FailedChecks',
  'AlarmDecisions',
] as const;
type MetricName = (typeof METRIC_NAMES)[number];
type Unit = (typeof MetricUnit)[keyof typeof MetricUnit];

export type Controller = 'CodeDeploy' | 'ECS';

/** What the alarm function did with one alarm. */
export type AlarmDecisionMetric =
  | 'stopped'
  | 'dry-run'
  | 'nothing-active'
  | 'ignored'
  | 'rejected'
  | 'error';

export type MeasuredPhase = 'Discovery' | 'Suite';

/** What one hook invocation measured (src/logging/invocationMeasure.ts fills it in). */
export interface Measured {
  readonly phaseMs: ReadonlyMap<MeasuredPhase, number>;
  readonly failedChecks: readonly string[];
  readonly watchSamples: number;
  readonly watchFailures: number;
  readonly skipped: boolean;
  elapsedMs(): number;
}

export interface VerdictMetric {
  readonly controller: Controller;
  /** The CodeDeploy hook or the ECS lifecycle stage. */
  readonly step: string;
  /** The answer as the controller got it: Succeeded, Failed, SUCCEEDED, FAILED, IN_PROGRESS. */
  readonly outcome: string;
  readonly measure: Measured;
}

export interface Meter {
  verdict(v: VerdictMetric): void;
  alarmDecisions(decisions: readonly AlarmDecisionMetric[]): void;
}

/** The Lambda functions' meter: EMF on stdout, one line per dimension set. */
export const emfMeter = (namespace = METRICS_NAMESPACE): Meter => {
  // One Metrics per line: each line is one dimension set, published at once.
  // A metric is never worth an answer: whatever goes wrong here stays here.
  const line = (
    dimensions: Record<string, string>,
    add: (put: (name: MetricName, unit: Unit, value: number) => void) => void,
  ) => {
    try {
      const m = new Metrics({ namespace, serviceName: SERVICE_NAME });
      m.addDimensions(dimensions);
      add((name, unit, value) => m.addMetric(name, unit, value));
      m.publishStoredMetrics();
    } catch (error) {
      console.error('metrics: could not write an EMF line', error);
    }
  };
  return {
    verdict({ controller, step, outcome, measure }) {
      const where = { Controller: controller, Step: step };
      line({ ...where, Outcome: outcome }, (put) => put('Verdicts', MetricUnit.Count, 1));
      line(where, (put) => {
        put('InvocationDuration', MetricUnit.Milliseconds, Math.round(measure.elapsedMs()));
        const discovery = measure.phaseMs.get('Discovery');
        if (discovery !== undefined)
          put('DiscoveryDuration', MetricUnit.Milliseconds, Math.round(discovery));
        const suite = measure.phaseMs.get('Suite');
        if (suite !== undefined) put('SuiteDuration', MetricUnit.Milliseconds, Math.round(suite));
        if (measure.watchSamples > 0) {
          put('WatchSamples', MetricUnit.Count, measure.watchSamples);
          put('WatchFailures', MetricUnit.Count, measure.watchFailures);
        }
        if (measure.skipped) put('SmokeSkipped', MetricUnit.Count, 1);
      });
      for (const check of new Set(measure.failedChecks))
        line({ ...where, Check: check }, (put) => put('FailedChecks', MetricUnit.Count, 1));
    },
    alarmDecisions(decisions) {
      const counts = new Map<AlarmDecisionMetric, number>();
      for (const d of decisions) counts.set(d, (counts.get(d) ?? 0) + 1);
      for (const [decision, count] of counts)
        line({ Decision: decision }, (put) => put('AlarmDecisions', MetricUnit.Count, count));
    },
  };
};

/** For the CLI and tests that do not look at metrics. */
export const noMeter: Meter = { verdict: () => {}, alarmDecisions: () => {} };
