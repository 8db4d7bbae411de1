/**
 * A stream check passes only on the samples it asked for: fewer than minSamples fails it even
 * when nothing cut it short. The schema refuses a plan below minSamples; the engine does not
 * rely on that, so these checks are built past the schema.
 */
import { createProber } from '../../../src/probe/httpProbe';
import type { CompareCheck, SampledCheck } from '../../../src/suite/schema';
import { runComparison } from '../../../src/traffic/runComparison';
import { runSampledCheck } from '../../../src/traffic/runSampledCheck';
import { startApp } from '../../helpers/localServers';
import { suiteOf } from '../../helpers/suites';

const NO_HEADERS = { values: {}, secretHeaders: new Set<string>() };

const streams = suiteOf({
  checks: [{ name: 'home', path: '/' }],
  sampled: [
    { name: 'load', paths: ['/'], ratePerSecond: 20, durationMs: 500, expect: { minSamples: 5 } },
  ],
  compare: [
    {
      name: 'vs blue',
      paths: ['/'],
      ratePerSecond: 5,
      durationMs: 1_000,
      expect: { minSamples: 2 },
    },
  ],
});

describe('minSamples', () => {
  it('a sampled check that reaches fewer samples than it needs fails, its budget unspent', async () => {
    const app = await startApp();
    const prober = createProber();
    const check: SampledCheck = {
      ...(streams.sampled[0] as SampledCheck),
      expect: { ...(streams.sampled[0] as SampledCheck).expect, minSamples: 50 },
    };
    try {
      const result = await runSampledCheck(
        {
          prober,
          baseUrl: app.url,
          budget: new AbortController().signal,
          failFast: new AbortController().signal,
          defaultTimeoutMs: 1_000,
        },
        check,
        NO_HEADERS,
      );
      expect(result).toMatchObject({ passed: false, reason: '10 samples, expected at least 50' });
    } finally {
      prober.close();
    }
  });

  it('a comparison whose sides reach fewer samples than it needs fails, its budget unspent', async () => {
    const [green, blue] = await Promise.all([startApp(), startApp()]);
    const prober = createProber();
    const check: CompareCheck = {
      ...(streams.compare[0] as CompareCheck),
      expect: { ...(streams.compare[0] as CompareCheck).expect, minSamples: 20 },
    };
    try {
      const result = await runComparison(
        {
          prober,
          baseUrl: green.url,
          productionUrl: blue.url,
          budget: new AbortController().signal,
          failFast: new AbortController().signal,
          defaultTimeoutMs: 1_000,
        },
        check,
        NO_HEADERS,
      );
      expect(result).toMatchObject({
        passed: false,
        reason: 'green reached 5 samples, expected at least 20 to compare',
      });
    } finally {
      prober.close();
    }
  });
});
