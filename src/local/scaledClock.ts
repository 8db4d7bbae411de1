/**
 * A clock for the loopback world's metrics that runs `factor` times faster than real time, from
 * a whole minute: at 60x a CloudWatch minute passes every real second, so a test or a rehearsal
 * sees many complete minutes of user traffic in seconds. The metric store, the endpoint and the
 * judge read the same clock, so "complete" and "settled" mean what they mean in CloudWatch.
 */
import type { MetricClock } from '../traffic/metricReading';

const MINUTE_MS = 60_000;

export const scaledClock = (
  factor: number,
  origin = Math.ceil(Date.now() / MINUTE_MS) * MINUTE_MS,
): MetricClock => {
  const started = performance.now();
  return Object.assign(() => origin + Math.floor((performance.now() - started) * factor), {
    factor,
  });
};
