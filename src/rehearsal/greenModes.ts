/**
 * How the rehearsal's green behaves (`--green`), and what each mode does to the world: its sample
 * app, whether the test rule moves to it, whether it breaks once production reaches it.
 */
import type { LoopbackDeployment } from '../local/loopbackDeployment';
import type { SampleAppOptions } from '../local/sampleApp';

export const GREEN_BEHAVIOURS = [
  'healthy',
  'broken',
  'slow-start',
  'hang',
  // The test listener is left on blue: the routing proof must catch it.
  'misrouted',
  // Green answers healthy but runs the old version: the suite's image-tag check must catch it.
  'wrong-version',
  // Healthy, but 3x blue's latency: the comparison with blue must catch it.
  'slow',
  // Healthy to a few checks, but 5 % of its answers are errors: the sampled check must catch it.
  'flaky',
  // Healthy until production moves to it, then 500s: the production watch must catch it.
  'breaks-after-shift',
  // Healthy to every check, but real users' /cart answers 500 to one request in 16 (about 3 % of
  // their requests): canary analysis of the load balancer's metrics must catch it (LINEAR/CANARY).
  'errors-under-real-traffic',
  // Healthy and as fast at the median, but one request in 25 is 400 ms slower: canary analysis's
  // p99 must catch it (LINEAR/CANARY).
  'slow-p99',
  // Users' /cart drops the connection on one request in 16: the load balancer answers 502 itself,
  // which no target 5xx counts; canary analysis's load balancer 5xx rate must catch it once green
  // serves everything (AfterAllowTraffic, or the 100 % step).
  'resets-under-real-traffic',
] as const;
export type GreenBehaviour = (typeof GREEN_BEHAVIOURS)[number];

export const ALARM_NAME = 'sample-website-rehearsal-target-5xx';

/** Blue's latency in the rehearsal; a healthy green answers as fast. */
export const BLUE_LATENCY_MS = 20;

/** How the green sample app behaves for each rehearsal mode. */
export const greenApp = (green: GreenBehaviour, startupMs: number): Partial<SampleAppOptions> => {
  const latencyMs = BLUE_LATENCY_MS;
  switch (green) {
    case 'misrouted':
      return { latencyMs };
    case 'wrong-version':
      return { version: 'v1', latencyMs };
    case 'slow':
      return { latencyMs: 3 * BLUE_LATENCY_MS };
    case 'flaky':
      return { behaviour: 'errors-5pct', latencyMs };
    case 'breaks-after-shift':
      return { latencyMs };
    case 'errors-under-real-traffic':
      return { behaviour: 'cart-errors', latencyMs };
    case 'slow-p99':
      return { behaviour: 'slow-p99', latencyMs };
    case 'resets-under-real-traffic':
      return { behaviour: 'cart-resets', latencyMs };
    default:
      return { behaviour: green, startupMs, latencyMs };
  }
};

/**
 * Moves the test listener to green, except for `--green misrouted`, whose rule is left on blue
 * (the routing proof must catch it). Returns what happened, for the timeline.
 */
export const shiftTestTraffic = (green: GreenBehaviour, world: LoopbackDeployment): string => {
  if (green === 'misrouted') {
    return 'the test listener rule was not switched: it still forwards to tg-1 (blue)';
  }
  world.route('test', 'green');
  return 'test listener now routes to green';
};

/** `--green breaks-after-shift`: healthy until production moves to it, then it answers 500. */
export const breakIfAsked = (green: GreenBehaviour, world: LoopbackDeployment): void => {
  if (green === 'breaks-after-shift') {
    setTimeout(() => world.greenApp.setBehaviour('broken'), 500).unref();
  }
};
