/**
 * The stage's CloudWatch dashboard: every metric the functions emit (src/logging/metrics.ts),
 * the alarm pipeline's dead-letter queue, and the functions' Errors alarms. Added to the template
 * by build/serverless-preflight.js, so it is validated with the rest of it.
 *
 * The emitted metrics are read with SEARCH expressions: the dashboard shows every hook, stage,
 * outcome and check name that occurs without listing them here (they are bounded, but the suite
 * decides the check names).
 */
import { type METRIC_NAMES, METRICS_NAMESPACE } from '../logging/metrics';

export const DASHBOARD_ID = 'OperationsDashboard';

interface DashboardNames {
  readonly dashboardName: string;
  readonly queueName: string;
  /** The logical ids of the functions' Errors alarms. */
  readonly errorAlarmIds: readonly string[];
}

type MetricName = (typeof METRIC_NAMES)[number];

/** A SEARCH over our namespace for one metric, across whatever dimensions it carries. */
const search = (metric: MetricName, dimensions: readonly string[], stat: string) => ({
  expression: `SEARCH('{${METRICS_NAMESPACE},${['service', ...dimensions].join(',')}} MetricName="${metric}"', '${stat}', 300)`,
  id: metric.toLowerCase(),
});

const where = ['Controller', 'Step'];
/** Fn::Sub fills in the stack's region. */
const REGION = '$' + '{AWS::Region}';

const graph = (
  title: string,
  x: number,
  y: number,
  metrics: unknown[][],
  extra: Record<string, unknown> = {},
) => ({
  type: 'metric',
  x,
  y,
  width: 12,
  height: 6,
  properties: { title, region: REGION, view: 'timeSeries', metrics, ...extra },
});

/** The widgets, with `${AWS::Region}` and `${<AlarmId>.Arn}` left for Fn::Sub. */
export const dashboardBody = (names: DashboardNames) => ({
  widgets: [
    graph('Verdicts by hook or stage and outcome', 0, 0, [
      [search('Verdicts', [...where, 'Outcome'], 'Sum')],
    ]),
    graph('Failed checks by name', 12, 0, [[search('FailedChecks', [...where, 'Check'], 'Sum')]]),
    graph('Durations (ms, p90): invocation, discovery, suite', 0, 6, [
      [search('InvocationDuration', where, 'p90')],
      [search('DiscoveryDuration', where, 'p90')],
      [search('SuiteDuration', where, 'p90')],
    ]),
    graph('Production watch: samples and failures; skipped smoke tests', 12, 6, [
      [search('WatchSamples', where, 'Sum')],
      [search('WatchFailures', where, 'Sum')],
      [search('SmokeSkipped', where, 'Sum')],
    ]),
    graph('Alarm decisions (stopped, nothing active, dry run, ignored, rejected, error)', 0, 12, [
      [search('AlarmDecisions', ['Decision'], 'Sum')],
    ]),
    graph(
      'Alarm deliveries kept in the dead-letter queue (any path)',
      12,
      12,
      [
        ['AWS/SQS', 'NumberOfMessagesSent', 'QueueName', names.queueName, { stat: 'Sum' }],
        ['.', 'ApproximateNumberOfMessagesVisible', '.', '.', { stat: 'Maximum' }],
      ],
      { period: 60 },
    ),
    {
      type: 'alarm',
      x: 0,
      y: 18,
      width: 24,
      height: 4,
      properties: {
        title: 'Errors alarms of the functions, and the dead-letter queue',
        alarms: names.errorAlarmIds.map((id) => `\${${id}.Arn}`),
      },
    },
  ],
});

/** The dashboard resource: its body is a JSON string, resolved with Fn::Sub. */
export const dashboardResource = (names: DashboardNames) => ({
  [DASHBOARD_ID]: {
    Type: 'AWS::CloudWatch::Dashboard',
    Properties: {
      DashboardName: names.dashboardName,
      DashboardBody: { 'Fn::Sub': JSON.stringify(dashboardBody(names)) },
    },
  },
});
