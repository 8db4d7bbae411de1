/**
 * Canary analysis of real user traffic: green's target group against blue's, from the load
 * balancer's own metrics, per complete minute, at every production traffic step of an ECS native
 * deployment (PRODUCTION_TRAFFIC_SHIFT). While blue still serves, the baseline is blue's same
 * minutes; once green serves everything, blue's minutes before the step (`baselineMs`, ending
 * `baselineOffsetMs` before it). CodeDeploy's AfterAllowTraffic uses that time-shifted baseline.
 */
import * as z from 'zod/mini';
import { pointsForAlpha } from '../analysis/judgeMetric';
import { milliseconds, positiveInt } from './primitives';

export const LATENCY_PERCENTILES = ['p50', 'p95', 'p99'] as const;

/** What in a metric's dimension values names the side: one of these must appear in every one. */
export const SIDE_PLACEHOLDERS = ['{{side}}', '{{targetGroup}}'] as const;

/**
 * A metric of the user's own (any namespace: the app's business metrics, say), read for each
 * side with its dimensions' placeholders filled in: `{{side}}` is `green` or `blue`,
 * `{{targetGroup}}` the side's target group (`targetgroup/<name>/<id>`), `{{loadBalancer}}`
 * the load balancer (`app/<name>/<id>`). Judged per minute with Mann-Whitney U, like latency.
 */
export const customMetric = z.strictObject({
  name: z.string().check(z.minLength(1), z.maxLength(100)),
  namespace: z.string().check(z.minLength(1), z.maxLength(255)),
  metricName: z.string().check(z.minLength(1), z.maxLength(255)),
  dimensions: z.record(z.string().check(z.minLength(1)), z.string().check(z.minLength(1))),
  stat: z._default(
    z.string().check(z.regex(/^(Sum|Average|Minimum|Maximum|SampleCount|p\d{1,2}(\.\d+)?)$/)),
    'Average',
  ),
  /** Which way is a regression: a latency or an error count rises, orders or sign-ups fall. */
  worse: z.enum(['higher', 'lower']),
  /** The per-minute change worth failing for, in the metric's unit. */
  minEffect: z.number().check(z.minimum(0)),
});

export type CustomMetric = z.output<typeof customMetric>;

export const analysis = z
  .strictObject({
    /** Requests each side must have served in the judged minutes before its error rate is judged. */
    minRequests: z._default(positiveInt(), 200),
    /**
     * Complete minutes with traffic each side needs before its latency is judged: at least as
     * many as can show a regression at `alpha` (5 at 0.005 or 0.01, 4 at 0.05), else latency could only
     * ever look fine.
     */
    minMinutes: z._default(positiveInt().check(z.maximum(60)), 5),
    /**
     * Evidence a regression needs: a one-sided p-value below this, at any one look. The step
     * looks again every callback while it waits, and each look is a chance of a false alarm:
     * 0.005 is 0.05 spread over the ten looks of a ten-minute wait (`npm run bench` measures
     * both the detection and the false failures).
     */
    alpha: z._default(z.number().check(z.gt(0), z.maximum(0.2, 'at most 0.2')), 0.005),
    errorRate: z.prefault(
      z.strictObject({
        /** Green's 5xx rate minus blue's that is worth failing for (0.01: one point). */
        minEffect: z._default(z.number().check(z.gt(0), z.lt(1)), 0.01),
      }),
      {},
    ),
    latency: z.prefault(
      z.strictObject({
        percentiles: z._default(z.array(z.enum(LATENCY_PERCENTILES)).check(z.minLength(1)), [
          'p99',
        ]),
        /** Green's typical increase over blue, in ms, that is worth failing for. */
        minEffectMs: z._default(z.number().check(z.minimum(0)), 25),
      }),
      {},
    ),
    /** The user's own metrics, green's against blue's (`customMetric`). */
    metrics: z._default(z.array(customMetric).check(z.maxLength(20, 'at most 20 metrics')), []),
    /**
     * ALB metrics arrive a minute or two after the minute ends: a minute is judged only once this
     * long has passed since its end.
     */
    settleMs: z._default(milliseconds().check(z.maximum(600_000, 'at most 10 minutes')), 120_000),
    /** A step at 100 % compares green's minutes with this much of blue's before the step. */
    baselineMs: z._default(
      milliseconds().check(
        z.minimum(60_000, 'at least one minute'),
        z.maximum(3_600_000, 'at most 1 hour'),
      ),
      600_000,
    ),
    /**
     * How long before the shift the baseline ends: minutes just before it (a deploy's own
     * activity, say) can be left out of blue's. 0: the baseline runs up to the shift.
     */
    baselineOffsetMs: z._default(milliseconds().check(z.maximum(3_600_000, 'at most 1 hour')), 0),
    /** The pause ECS makes between two looks while the analysis waits for more minutes. */
    callBackDelaySeconds: z._default(positiveInt().check(z.maximum(900)), 60),
    /** How long a step may wait for enough traffic before the inconclusive rule applies. */
    maxWaitMs: z._default(milliseconds().check(z.maximum(3_600_000, 'at most 1 hour')), 600_000),
    /**
     * Too little traffic is never a pass: `fail` (the default) fails the stage naming the traffic
     * seen and needed. There is no `pass`: a service too quiet to judge relies on the synthetic
     * comparison (`compare:`) at the test stage instead.
     */
    onInconclusive: z._default(z.enum(['fail']), 'fail'),
  })
  .check(
    z.superRefine((a, ctx) => {
      // A metric whose dimensions do not name the side reads the same series for green and
      // blue: it would compare a metric with itself, and always pass.
      a.metrics.forEach((m, i) => {
        const values = Object.values(m.dimensions);
        if (!values.some((v) => SIDE_PLACEHOLDERS.some((p) => v.includes(p)))) {
          ctx.addIssue({
            code: 'custom',
            input: m.dimensions,
            path: ['metrics', i, 'dimensions'],
            message: `no dimension names the side, so green and blue would read the same series: put {{side}} or {{targetGroup}} in one of them`,
          });
        }
      });
      const needed = pointsForAlpha(a.alpha);
      if (a.minMinutes < needed) {
        ctx.addIssue({
          code: 'custom',
          input: a.minMinutes,
          path: ['minMinutes'],
          message: `${a.minMinutes} minutes a side can never show a latency regression at alpha ${a.alpha}: at least ${needed}`,
        });
      }
    }),
  );

export type AnalysisInput = z.input<typeof analysis>;
export type AnalysisSettings = z.output<typeof analysis>;
