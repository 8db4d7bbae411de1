/**
 * npm run bench [-- --out bench.json] [--runs N] [--only name,name]
 *
 * Measures what users of this product feel, each figure next to a reference measured in the
 * same run on loopback, so ratios hold on a noisy shared machine: verdict time (healthy green),
 * detection time (broken and dead green), the report against a hanging green's deadline,
 * alarm-to-stop, keep-alive, the ECS hook's billed time while green starts, the production watch's
 * detection time, the comparison's false failures and detection rate, canary analysis's detection and false failures, cold start against a
 * hand-written hook, the cold-start cost of metrics and tracing, artifact size and peak memory. Not a test: it exits non-zero only when it could not measure.
 */
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { LocalCodeDeployEndpoint } from '../src/local/codeDeployEndpoint';
import { benchAlarm } from './bench/alarmFigures';
import { benchArtifacts, benchMemory } from './bench/artifacts';
import { benchCanaryBilling } from './bench/canaryBilling';
import { benchCanary } from './bench/canaryFigures';
import { benchComparison } from './bench/comparisonFigures';
import { benchDiscovery } from './bench/discoveryFigure';
import { benchEcsBilling } from './bench/ecsBilling';
import { benchDeadGreen, benchDetection, benchHang, benchVerdict } from './bench/hookFigures';
import { BENCH_ENV } from './bench/hookTiming';
import { benchKeepAlive } from './bench/keepAlive';
import { benchObservability } from './bench/observability';
import { type BenchRun, formatValue } from './bench/stats';
import { benchWatch } from './bench/watchFigure';

const ROOT = join(__dirname, '..');
const { values } = parseArgs({
  options: {
    out: { type: 'string' },
    runs: { type: 'string', default: '7' },
    only: { type: 'string' },
  },
});
Object.assign(process.env, BENCH_ENV);

const report = (run: BenchRun): string[] => [
  `Benchmark, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, median of ${run.runs} runs (min-max)`,
  '',
  ...run.figures.flatMap((f) => {
    const ours = `${formatValue(f.ours.median, f.unit)} (${formatValue(f.ours.min, f.unit)}-${formatValue(f.ours.max, f.unit)})`;
    const ref = f.reference ? `${formatValue(f.reference.median, f.unit)} ${f.referenceName}` : '';
    const ratio = f.reference ? `${(f.ours.median / f.reference.median).toFixed(2)}x` : '';
    return [
      `${f.goalMet ? 'met   ' : 'MISSED'}  ${f.name}`,
      `        ours ${ours}  |  reference ${ref}  |  ratio ${ratio}  |  goal ${f.goal}${f.note ? `  |  ${f.note}` : ''}`,
    ];
  }),
  '',
  ...Object.entries(
    (run.extra.artifacts ?? {}) as Record<
      string,
      {
        zipBytes: number;
        jsBytes: number;
        sourceMapBytes: number;
        largestInputs: Array<{ pkg: string; kib: number }>;
      }
    >,
  ).map(
    ([fn, a]) =>
      `  ${fn}: zip ${(a.zipBytes / 1024).toFixed(0)} KiB, js ${(a.jsBytes / 1024).toFixed(0)} KiB, map ${(a.sourceMapBytes / 1024).toFixed(0)} KiB; largest: ${a.largestInputs.map((i) => `${i.pkg} ${i.kib} KiB`).join(', ')}`,
  ),
];

const main = async () => {
  const run: BenchRun = { runs: Number(values.runs), figures: [], extra: {} };
  const endpoint = new LocalCodeDeployEndpoint();
  await endpoint.start();
  process.env.AWS_ENDPOINT_URL_CODEDEPLOY = endpoint.url;
  let dir: string | undefined;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['verdict', () => benchVerdict(run, endpoint)],
    ['detection', () => benchDetection(run, endpoint)],
    ['discovery', () => benchDiscovery(run)],
    ['alarm', () => benchAlarm(run, endpoint)],
    ['hang', () => benchHang(run, endpoint)],
    ['keep-alive', () => benchKeepAlive(run)],
    ['dead-green', () => benchDeadGreen(run, endpoint, ROOT)],
    ['ecs-billing', () => benchEcsBilling(run)],
    ['watch', () => benchWatch(run)],
    ['comparison', () => benchComparison(run)],
    [
      'canary',
      async () => {
        await benchCanary(run);
        await benchCanaryBilling(run);
      },
    ],
    [
      'artifacts',
      async () => {
        dir = await benchArtifacts(run);
        await benchMemory(run, dir);
        await benchObservability(run, dir);
      },
    ],
  ];
  const only = values.only?.split(',');
  for (const [name, step] of steps) {
    if (only && !only.includes(name)) continue;
    process.stderr.write(`measuring ${name}...\n`);
    await step();
  }
  await endpoint.stop();
  process.stdout.write(`${report(run).join('\n')}\n`);
  if (values.out) {
    writeFileSync(
      values.out,
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs: run.runs, figures: run.figures, ...run.extra }, null, 2)}\n`,
    );
    process.stderr.write(`wrote ${values.out}\n`);
  }
};

main().catch((error) => {
  process.stderr.write(
    `benchmark could not measure: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
