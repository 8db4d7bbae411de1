/**
 * A scripted CloudWatch reader for unit tests of the canary analysis: every minute of the window
 * it is asked for has 1,000 requests a side, `errors` 5xx a side and 0.2 s of response time;
 * `fail` can make a read throw. It records the window of every read.
 */
import type { MetricReader, MetricWindow } from '../../src/traffic/metricReading';

export const MINUTE = 60_000;

export type SideErrors = { readonly green: number; readonly blue: number };

export const scriptedReader = (errors: SideErrors, fail?: (call: number) => Error | undefined) => {
  const windows: MetricWindow[] = [];
  const read: MetricReader = async (queries, window) => {
    const failure = fail?.(windows.length);
    windows.push(window);
    if (failure) throw failure;
    const values = new Map<string, Map<number, number>>();
    for (const q of queries) {
      const [s, metric] = q.id.split('_') as ['green' | 'blue', string];
      const series = new Map<number, number>();
      for (let m = window.startMs; m < window.endMs; m += MINUTE) {
        const v = metric === 'requests' ? 1000 : metric === 'errors' ? errors[s] : 0.2;
        if (v > 0) series.set(m, v);
      }
      values.set(q.id, series);
    }
    return values;
  };
  return { read, windows };
};
