/**
 * One slice of the production watch on its own, for a controller that watches across
 * invocations (ECS: IN_PROGRESS between slices). The checks ran in the first invocation; a slice
 * only samples production, with the watch's own headers (never green's test-traffic header).
 */

import { createProber } from '../probe/httpProbe';
import { noSecretReader, resolveHeaders, type SecretReader } from '../probe/secrets';
import type { Suite, WatchSettings } from '../suite/schema';
import type { AlarmReader } from './alarmReading';
import {
  runProductionWatch,
  type WatchOutcome,
  type WatchSlice,
  watchContextOf,
} from './runProductionWatch';

export interface WatchSliceOptions {
  readonly suite: Suite;
  readonly watch: WatchSettings;
  readonly productionUrl?: string;
  readonly budget: AbortSignal;
  readonly slice: WatchSlice;
  readonly readSecret?: SecretReader;
  readonly readAlarms?: AlarmReader;
  readonly deploymentAlarms?: readonly string[];
}

export const runWatchSlice = async (options: WatchSliceOptions): Promise<WatchOutcome> => {
  const { suite, watch, budget } = options;
  const headers = await resolveHeaders(watch.headers, options.readSecret ?? noSecretReader, budget);
  const prober = createProber(suite.tls);
  try {
    return await runProductionWatch(
      watchContextOf(prober, suite, options),
      watch,
      headers,
      options.slice,
    );
  } finally {
    prober.close();
  }
};
