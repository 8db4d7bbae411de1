/**
 * What observability costs a cold start: the packaged hook as shipped (EMF metrics on) against
 * the same hook bundled with a meter that writes nothing, and the hook with X-Ray tracing on
 * against off. Loads are interleaved in fresh node processes, so noise hits both sides alike.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { build } from 'esbuild';
import { BUNDLE_OPTIONS, excludedPackages } from './artifacts';
import { BENCH_ENV } from './hookTiming';
import { type BenchRun, stats } from './stats';

const ROOT = join(__dirname, '..', '..');

/** Replaces the EMF meter with one that writes nothing, keeping every other byte of the hook. */
const withoutMetrics = {
  name: 'without-metrics',
  setup(b: {
    onLoad: (o: { filter: RegExp }, f: () => { contents: string; loader: 'ts' }) => void;
  }) {
    b.onLoad({ filter: /src[\\/]logging[\\/]metrics\.ts$/ }, () => ({
      loader: 'ts',
      contents: `export const METRICS_NAMESPACE = 'EcsBlueGreenHooks';
        export const METRIC_NAMES = [];
        export const noMeter = { verdict: () => {}, alarmDecisions: () => {} };
        export const emfMeter = () => noMeter;`,
    }));
  },
};

export const benchObservability = async (run_: BenchRun, dir: string) => {
  const plugins = require(join(ROOT, 'build', 'esbuild-plugins.js'))({
    serviceDir: ROOT,
    service: { custom: { smokeSuite: 'default' } },
  });
  const bundle = async (name: string, extra: unknown[]) => {
    const outdir = join(dir, 'observability', name);
    await build({
      ...BUNDLE_OPTIONS,
      entryPoints: [join(ROOT, 'handlers', 'afterAllowTestTraffic.ts')],
      outdir,
      absWorkingDir: ROOT,
      plugins: [...extra, ...plugins] as never,
      external: excludedPackages(),
    });
    return join(outdir, 'afterAllowTestTraffic.js');
  };
  const shipped = await bundle('shipped', []);
  const bare = await bundle('no-metrics', [withoutMetrics]);
  const env = {
    PATH: process.env.PATH,
    ...BENCH_ENV,
    TEST_LISTENER_URL: 'http://127.0.0.1:9',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const load = (js: string, more: Record<string, string> = {}) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, ['-e', `require(${JSON.stringify(js)})`], {
      env: { ...env, ...more },
    });
    if (r.status !== 0) throw new Error(`node failed: ${r.stderr}`);
    return performance.now() - started;
  };
  const tracingOn = { POWERTOOLS_TRACE_ENABLED: 'true', AWS_XRAY_CONTEXT_MISSING: 'IGNORE_ERROR' };
  load(shipped);
  load(bare);
  const a: number[] = [];
  const b: number[] = [];
  const traced: number[] = [];
  for (let i = 0; i < run_.runs * 3; i++) {
    a.push(load(shipped));
    b.push(load(bare));
    traced.push(load(shipped, tracingOn));
  }
  const withMetrics = stats(a);
  const without = stats(b);
  run_.figures.push({
    name: 'Cold start with EMF metrics (afterAllowTestTraffic, fresh node)',
    ours: withMetrics,
    reference: without,
    referenceName: 'the same hook bundled with a meter that writes nothing',
    unit: 'ms',
    goal: '<= 1.05x without metrics',
    goalMet: withMetrics.median <= 1.05 * without.median,
  });
  const t = stats(traced);
  run_.figures.push({
    name: 'Cold start with X-Ray tracing on (opt-in, tracing: "true")',
    ours: t,
    reference: withMetrics,
    referenceName: 'tracing off (the default)',
    unit: 'ms',
    goal: 'stated: the price of turning tracing on',
    goalMet: true,
    note: `+${(t.median - withMetrics.median).toFixed(0)} ms per cold start`,
  });
};
