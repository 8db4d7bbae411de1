/** Artifacts, cold start and memory of the packaged functions (the real `sls package`). */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { parse } from 'yaml';
import { LoopbackDeployment } from '../../src/local/loopbackDeployment';
import { BENCH_ENV } from './hookTiming';
import { type BenchRun, stats } from './stats';

const ROOT = join(__dirname, '..', '..');
const run = promisify(execFile);

/** serverless.yml's custom.esbuild options, as serverless-esbuild passes them. */
export const BUNDLE_OPTIONS = {
  bundle: true,
  minify: true,
  sourcemap: true,
  keepNames: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  logLevel: 'silent',
} as const;

/** serverless.yml's custom.esbuild.exclude: the clients taken from the Lambda runtime's SDK. */
export const excludedPackages = (): string[] => {
  const config = parse(readFileSync(join(ROOT, 'serverless.yml'), 'utf8')) as {
    custom: { esbuild: { exclude: string[] } };
  };
  return config.custom.esbuild.exclude;
};

export const benchArtifacts = async (run_: BenchRun) => {
  const dir = mkdtempSync(join(tmpdir(), 'bgh-bench-'));
  await run(
    process.execPath,
    [
      join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'),
      'package',
      '--stage',
      'dev',
      '--package',
      join(dir, 'pkg'),
    ],
    {
      cwd: ROOT,
      env: { PATH: process.env.PATH, HOME: dir, SLS_TELEMETRY_DISABLED: '1' },
    },
  );
  const nodeEnv = {
    PATH: process.env.PATH,
    ...BENCH_ENV,
    TEST_LISTENER_URL: 'http://127.0.0.1:9',
    CODEDEPLOY_APPLICATION_NAME: 'app',
    CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'dg',
    POWERTOOLS_LOG_LEVEL: 'SILENT',
  };
  const timeNode = (code: string, extraArgs: string[] = []) => {
    const started = performance.now();
    const r = spawnSync(process.execPath, [...extraArgs, '-e', code], { env: nodeEnv });
    if (r.status !== 0) throw new Error(`node failed: ${r.stderr}`);
    return performance.now() - started;
  };
  const plugins = require(join(ROOT, 'build', 'esbuild-plugins.js'))({
    serviceDir: ROOT,
    service: { custom: { smokeSuite: 'default' } },
  });
  // What a team would write instead, bundled with the same options as ours.
  const referenceJs = join(dir, 'reference', 'referenceHook.js');
  await build({
    ...BUNDLE_OPTIONS,
    entryPoints: [join(ROOT, 'scripts', 'bench', 'referenceHook.ts')],
    outdir: join(dir, 'reference'),
    absWorkingDir: ROOT,
  });
  const referenceLoad = `require(${JSON.stringify(referenceJs)})`;
  timeNode(referenceLoad);
  const artifacts: Record<string, unknown> = {};
  for (const fn of [
    'afterAllowTestTraffic',
    'beforeAllowTraffic',
    'ecsLifecycleHook',
    'alarmRollback',
  ]) {
    const out = join(dir, 'x', fn);
    await run('python3', ['-m', 'zipfile', '-e', join(dir, 'pkg', `${fn}.zip`), out]);
    const js = join(out, 'handlers', `${fn}.js`);
    const load = `require(${JSON.stringify(js)})`;
    timeNode(load);
    timeNode('');
    const bare: number[] = [];
    const ours: number[] = [];
    const reference: number[] = [];
    const withMaps: number[] = [];
    // Interleaved, so machine noise hits both sides alike.
    for (let i = 0; i < run_.runs * 2; i++) {
      bare.push(timeNode(''));
      ours.push(timeNode(load));
      reference.push(timeNode(referenceLoad));
      withMaps.push(timeNode(load, ['--enable-source-maps']));
    }
    const o = stats(ours);
    const r = stats(reference);
    run_.figures.push({
      name: `Cold start: load ${fn} (fresh node)`,
      ours: o,
      reference: r,
      referenceName: 'AWS-docs-style hook (same SDK + axios, same bundling)',
      unit: 'ms',
      goal: '<= 1.3x the hand-written hook',
      goalMet: o.median <= 1.3 * r.median,
      note: `bare node ${stats(bare).median.toFixed(0)} ms; with --enable-source-maps (as deployed) ${stats(withMaps).median.toFixed(0)} ms`,
    });
    // What the bundle carries, from esbuild's metafile with the serverless-esbuild options.
    const meta = await build({
      ...BUNDLE_OPTIONS,
      entryPoints: [join(ROOT, 'handlers', `${fn}.ts`)],
      write: false,
      metafile: true,
      outdir: join(dir, 'meta'),
      absWorkingDir: ROOT,
      plugins,
      external: excludedPackages(),
    });
    const output = Object.values(meta.metafile.outputs).find((o) => o.entryPoint);
    const byPackage: Record<string, number> = {};
    for (const [file, input] of Object.entries(output?.inputs ?? {})) {
      const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(file)?.[1] ?? 'project code';
      byPackage[pkg] = (byPackage[pkg] ?? 0) + input.bytesInOutput;
    }
    artifacts[fn] = {
      zipBytes: statSync(join(dir, 'pkg', `${fn}.zip`)).size,
      jsBytes: statSync(js).size,
      sourceMapBytes: statSync(`${js}.map`).size,
      largestInputs: Object.entries(byPackage)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 8)
        .map(([pkg, bytes]) => ({ pkg, kib: Math.round(bytes / 1024) })),
    };
  }
  run_.extra.artifacts = artifacts;
  return dir;
};

/** Peak RSS of the packaged hook, discovery and routing proof included, on the loopback world. */
export const benchMemory = async (run_: BenchRun, dir: string) => {
  const world = await LoopbackDeployment.start();
  world.route('test', 'green');
  const js = join(dir, 'x', 'afterAllowTestTraffic', 'handlers', 'afterAllowTestTraffic.js');
  const deploymentId = world.startDeployment();
  const child = promisify(execFile)(
    process.execPath,
    [
      '-e',
      `const { handler } = require(${JSON.stringify(js)});
       const deadline = Date.now() + 180000;
       handler({ DeploymentId: '${deploymentId}', LifecycleEventHookExecutionId: 'mem-1' }, { getRemainingTimeInMillis: () => deadline - Date.now() })
         .then((r) => console.log(JSON.stringify({ status: r.status, maxRssKiB: process.resourceUsage().maxRSS })));`,
    ],
    {
      env: {
        PATH: process.env.PATH,
        ...BENCH_ENV,
        ...world.awsEnv(),
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    },
  );
  const { stdout } = await child.finally(() => world.stop());
  const { status, maxRssKiB } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    status: string;
    maxRssKiB: number;
  };
  if (status !== 'Succeeded') throw new Error(`memory run reported ${status}`);
  const mib = maxRssKiB / 1024;
  run_.figures.push({
    name: 'Peak RSS of a hook invocation (default suite, with discovery)',
    ours: stats([mib]),
    reference: stats([256]),
    referenceName: 'configured Lambda memory 256 MiB',
    unit: 'MiB',
    goal: '< 50% of the configured memory',
    goalMet: mib < 128,
  });
};
