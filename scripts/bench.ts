/**
 * npm run bench [-- --out bench.json] [--runs N]
 *
 * Measures what users of this product feel, each figure next to a reference measured in the
 * same run on loopback, so ratios hold on a noisy shared machine: verdict time (healthy green),
 * detection time (broken green), the report against a hanging green's deadline, alarm-to-stop,
 * cold start and artifact size, and peak memory of a hook invocation. Not a test: it exits
 * non-zero only when it could not measure.
 */
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ListDeploymentsCommand, StopDeploymentCommand } from '@aws-sdk/client-codedeploy';
import { build } from 'esbuild';
import { createAlarmHandler } from '../src/alarm/createAlarmHandler';
import { createCodeDeployClient } from '../src/aws/clients';
import { createHookHandler } from '../src/hooks/createHookHandler';
import { LocalCodeDeployEndpoint } from '../src/local/codeDeployEndpoint';
import { SampleApp } from '../src/local/sampleApp';
import { silentLog } from '../src/logging/logger';
import { validateSuite } from '../src/smoke/validateSuite';

const ROOT = join(__dirname, '..');
const args = process.argv.slice(2);
const argValue = (name: string) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const RUNS = Number(argValue('--runs') ?? 7);
const OUT = argValue('--out');
const LATENCY_MS = 50;
const CHECKS = 20;

interface Figure {
  readonly name: string;
  readonly ours: Stats;
  readonly reference?: Stats;
  readonly referenceName?: string;
  readonly unit: 'ms' | 'MiB';
  readonly goal: string;
  readonly goalMet: boolean;
  readonly note?: string;
}
interface Stats {
  readonly median: number;
  readonly min: number;
  readonly max: number;
  readonly samples: number[];
}

const stats = (samples: number[]): Stats => {
  const sorted = [...samples].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median =
    sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { median, min: sorted[0] as number, max: sorted.at(-1) as number, samples };
};

const env = {
  AWS_REGION: 'us-east-1',
  AWS_ACCESS_KEY_ID: 'bench',
  AWS_SECRET_ACCESS_KEY: 'bench',
  AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
};
Object.assign(process.env, env);

const benchSuite = () =>
  validateSuite(
    {
      name: 'bench-20',
      readiness: { path: '/health' },
      checks: Array.from({ length: CHECKS }, (_, i) => ({ name: `check ${i}`, path: `/?n=${i}` })),
    },
    'bench',
  );

/** handler start -> the moment the local endpoint received the report. */
const timeHook = async (
  endpoint: LocalCodeDeployEndpoint,
  listenerUrl: string,
  deadlineMs: number,
  marginMs?: number,
) => {
  const handler = createHookHandler('AfterAllowTestTraffic', benchSuite, {
    env: {
      TEST_LISTENER_URL: listenerUrl,
      ...(marginMs && { HOOK_SAFETY_MARGIN_MS: String(marginMs) }),
    },
    log: silentLog,
  });
  const deploymentId = endpoint.addDeployment('app', 'dg');
  const run = async () => {
    const executionId = `exec-${Math.random()}`;
    const started = performance.now();
    const deadline = started + deadlineMs;
    const result = await handler(
      { DeploymentId: deploymentId, LifecycleEventHookExecutionId: executionId },
      { getRemainingTimeInMillis: () => Math.max(0, deadline - performance.now()) },
    );
    const report = endpoint
      .requestsFor('PutLifecycleEventHookExecutionStatus')
      .find((r) => r.body.lifecycleEventHookExecutionId === executionId);
    if (!report) throw new Error('no report received');
    return {
      ms: report.receivedAt - started,
      beforeDeadlineMs: deadline - report.receivedAt,
      status: result.status,
    };
  };
  return run;
};

const sequentialRequests = async (url: string, count: number): Promise<number> => {
  const agent = new http.Agent({ keepAlive: true });
  const started = performance.now();
  for (let i = 0; i < count; i++) {
    await new Promise<void>((resolve, reject) => {
      http
        .get(`${url}/?n=${i}`, { agent }, (res) => {
          res.resume();
          res.on('end', resolve);
        })
        .on('error', reject);
    });
  }
  agent.destroy();
  return performance.now() - started;
};

const repeat = async <T>(n: number, fn: () => Promise<T>): Promise<T[]> => {
  const out: T[] = [];
  for (let i = 0; i < n; i++) out.push(await fn());
  return out;
};

const figures: Figure[] = [];
const extra: Record<string, unknown> = {};

const benchVerdict = async (endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', latencyMs: LATENCY_MS });
  await app.start();
  const concurrency = benchSuite().concurrency;
  const run = await timeHook(endpoint, app.url, 60_000);
  await run(); // warm: SDK and sockets, as in a warm Lambda
  const ours = await repeat(RUNS, async () => {
    const r = await run();
    if (r.status !== 'Succeeded') throw new Error(`healthy run reported ${r.status}`);
    return r.ms;
  });
  const ideal = LATENCY_MS + Math.ceil(CHECKS / concurrency) * LATENCY_MS;
  const sequential = await repeat(RUNS, () => sequentialRequests(app.url, CHECKS + 1));
  await app.stop();
  const o = stats(ours);
  figures.push({
    name: `Verdict, healthy green (${CHECKS} checks x ${LATENCY_MS} ms, concurrency ${concurrency})`,
    ours: o,
    reference: stats(ours.map(() => ideal)),
    referenceName: `ideal critical path ${ideal} ms`,
    unit: 'ms',
    goal: '<= 1.15x ideal',
    goalMet: o.median <= 1.15 * ideal,
  });
  const s = stats(sequential);
  figures.push({
    name: 'Verdict vs the same requests one after another',
    ours: o,
    reference: s,
    referenceName: 'sequential requests',
    unit: 'ms',
    goal: 'faster than sequential',
    goalMet: o.median < s.median,
  });
};

const benchDetection = async (endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', behaviour: 'broken', latencyMs: LATENCY_MS });
  await app.start();
  const run = await timeHook(endpoint, app.url, 60_000);
  await run();
  const ours = await repeat(RUNS, async () => {
    const r = await run();
    if (r.status !== 'Failed') throw new Error(`broken run reported ${r.status}`);
    return r.ms;
  });
  await app.stop();
  const o = stats(ours);
  const goal = LATENCY_MS + 100;
  figures.push({
    name: 'Detection, broken green (500 everywhere, gate open)',
    ours: o,
    reference: stats(ours.map(() => LATENCY_MS)),
    referenceName: `one request ${LATENCY_MS} ms`,
    unit: 'ms',
    goal: `<= one request + 100 ms (${goal} ms)`,
    goalMet: o.median <= goal,
    note: 'includes the readiness probe, itself one request',
  });
};

const benchHang = async (endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', behaviour: 'hang' });
  await app.start();
  const margin = 10_000;
  const run = await timeHook(endpoint, app.url, 20_000, margin);
  const runs = await repeat(Math.min(RUNS, 3), run);
  await app.stop();
  const before = stats(runs.map((r) => r.beforeDeadlineMs));
  figures.push({
    name: 'Hanging green: Failed received before a 20 s deadline',
    ours: before,
    reference: stats(runs.map(() => margin)),
    referenceName: `safety margin ${margin} ms`,
    unit: 'ms',
    goal: 'always before the deadline, >= margin minus the report round trip (250 ms)',
    goalMet: before.min > margin - 250 && runs.every((r) => r.status === 'Failed'),
    note: 'the suite stops at deadline - margin; the report then uses part of the margin',
  });
};

const benchAlarm = async (endpoint: LocalCodeDeployEndpoint) => {
  const handler = createAlarmHandler({
    env: { CODEDEPLOY_APPLICATION_NAME: 'app', CODEDEPLOY_DEPLOYMENT_GROUP_NAME: 'alarm-dg' },
    log: silentLog,
  });
  const client = createCodeDeployClient({ maxAttempts: 5 });
  const alarm = {
    Records: [
      {
        EventSource: 'aws:sns',
        Sns: {
          Message: JSON.stringify({
            AlarmName: 'bench',
            NewStateValue: 'ALARM',
            OldStateValue: 'OK',
          }),
        },
      },
    ],
  };
  const timeOurs = async () => {
    const id = endpoint.addDeployment('app', 'alarm-dg');
    const started = performance.now();
    await handler(alarm);
    const stop = endpoint.requestsFor('StopDeployment').find((r) => r.body.deploymentId === id);
    if (!stop) throw new Error('no StopDeployment received');
    for (const r of endpoint.rollbacksOf(id)) r.status = 'Succeeded';
    return stop.receivedAt - started;
  };
  const timeBare = async () => {
    const id = endpoint.addDeployment('app', 'bare-dg');
    const started = performance.now();
    await client.send(
      new ListDeploymentsCommand({
        applicationName: 'app',
        deploymentGroupName: 'bare-dg',
        includeOnlyStatuses: ['InProgress'],
      }),
    );
    await client.send(new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }));
    const stop = endpoint.requestsFor('StopDeployment').find((r) => r.body.deploymentId === id);
    for (const r of endpoint.rollbacksOf(id)) r.status = 'Succeeded';
    return (stop?.receivedAt ?? Number.NaN) - started;
  };
  await timeOurs();
  await timeBare();
  const ours: number[] = [];
  const bare: number[] = [];
  for (let i = 0; i < RUNS * 2; i++) {
    ours.push(await timeOurs());
    bare.push(await timeBare());
  }
  const o = stats(ours);
  const b = stats(bare);
  figures.push({
    name: 'Alarm to StopDeployment received',
    ours: o,
    reference: b,
    referenceName: 'bare ListDeployments + StopDeployment',
    unit: 'ms',
    goal: '<= 1.3x',
    goalMet: o.median <= 1.3 * b.median,
    note: 'ours adds BatchGetDeployments, to leave rollback deployments running',
  });
};

const run = promisify(execFile);

const benchArtifacts = async () => {
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
    ...env,
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
  const artifacts: Record<string, unknown> = {};
  for (const fn of ['afterAllowTestTraffic', 'beforeAllowTraffic', 'alarmRollback']) {
    const out = join(dir, 'x', fn);
    await run('python3', ['-m', 'zipfile', '-e', join(dir, 'pkg', `${fn}.zip`), out]);
    const js = join(out, 'handlers', `${fn}.js`);
    const load = `require(${JSON.stringify(js)})`;
    timeNode(load);
    timeNode('');
    const bare: number[] = [];
    const ours: number[] = [];
    const withMaps: number[] = [];
    for (let i = 0; i < RUNS * 2; i++) {
      bare.push(timeNode(''));
      ours.push(timeNode(load));
      withMaps.push(timeNode(load, ['--enable-source-maps']));
    }
    const o = stats(ours);
    const b = stats(bare);
    figures.push({
      name: `Cold start: load ${fn} (fresh node)`,
      ours: o,
      reference: b,
      referenceName: "bare node -e ''",
      unit: 'ms',
      goal: '<= 1.3x',
      goalMet: o.median <= 1.3 * b.median,
      note: `with --enable-source-maps (as deployed): median ${stats(withMaps).median.toFixed(0)} ms`,
    });
    // What the bundle carries, from esbuild's metafile with the serverless-esbuild options.
    const meta = await build({
      entryPoints: [join(ROOT, 'handlers', `${fn}.ts`)],
      bundle: true,
      minify: true,
      platform: 'node',
      target: 'node24',
      format: 'cjs',
      write: false,
      metafile: true,
      outdir: join(dir, 'meta'),
      absWorkingDir: ROOT,
      plugins,
      external: ['@aws-sdk/client-ssm', '@aws-sdk/client-secrets-manager'],
      keepNames: true,
      logLevel: 'silent',
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
  extra.artifacts = artifacts;
  return dir;
};

const benchMemory = async (dir: string, endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2' });
  await app.start();
  const js = join(dir, 'x', 'afterAllowTestTraffic', 'handlers', 'afterAllowTestTraffic.js');
  const deploymentId = endpoint.addDeployment('app', 'mem');
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
        ...env,
        AWS_ENDPOINT_URL_CODEDEPLOY: endpoint.url,
        TEST_LISTENER_URL: app.url,
        POWERTOOLS_LOG_LEVEL: 'SILENT',
      },
    },
  );
  const { stdout } = await child;
  await app.stop();
  const { status, maxRssKiB } = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as {
    status: string;
    maxRssKiB: number;
  };
  if (status !== 'Succeeded') throw new Error(`memory run reported ${status}`);
  const mib = maxRssKiB / 1024;
  figures.push({
    name: 'Peak RSS of a hook invocation (default suite)',
    ours: stats([mib]),
    reference: stats([256]),
    referenceName: 'configured Lambda memory 256 MiB',
    unit: 'MiB',
    goal: '< 50% of the configured memory',
    goalMet: mib < 128,
  });
};

const format = (value: number, unit: Figure['unit']) =>
  unit === 'MiB' ? `${value.toFixed(1)} MiB` : `${value.toFixed(0)} ms`;

const main = async () => {
  const endpoint = new LocalCodeDeployEndpoint();
  await endpoint.start();
  process.env.AWS_ENDPOINT_URL_CODEDEPLOY = endpoint.url;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['verdict', () => benchVerdict(endpoint)],
    ['detection', () => benchDetection(endpoint)],
    ['alarm', () => benchAlarm(endpoint)],
    ['hang', () => benchHang(endpoint)],
  ];
  for (const [name, step] of steps) {
    process.stderr.write(`measuring ${name}...\n`);
    await step();
  }
  process.stderr.write('measuring artifacts and cold start (sls package)...\n');
  const dir = await benchArtifacts();
  process.stderr.write('measuring memory...\n');
  await benchMemory(dir, endpoint);
  await endpoint.stop();

  const lines = [
    `Benchmark, ${new Date().toISOString()}, node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, median of ${RUNS} runs (min-max)`,
    '',
    ...figures.flatMap((f) => {
      const ours = `${format(f.ours.median, f.unit)} (${format(f.ours.min, f.unit)}-${format(f.ours.max, f.unit)})`;
      const ref = f.reference ? `${format(f.reference.median, f.unit)} ${f.referenceName}` : '';
      const ratio = f.reference ? `${(f.ours.median / f.reference.median).toFixed(2)}x` : '';
      return [
        `${f.goalMet ? 'met   ' : 'MISSED'}  ${f.name}`,
        `        ours ${ours}  |  reference ${ref}  |  ratio ${ratio}  |  goal ${f.goal}${f.note ? `  |  ${f.note}` : ''}`,
      ];
    }),
    '',
    'Artifacts (sls package --stage dev):',
    ...Object.entries(
      extra.artifacts as Record<
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
  process.stdout.write(`${lines.join('\n')}\n`);
  if (OUT) {
    writeFileSync(
      OUT,
      `${JSON.stringify({ date: new Date().toISOString(), node: process.version, cpus: cpus().length, cpu: cpus()[0]?.model, runs: RUNS, figures, ...extra }, null, 2)}\n`,
    );
    process.stderr.write(`wrote ${OUT}\n`);
  }
};

main().catch((error) => {
  process.stderr.write(
    `benchmark could not measure: ${error instanceof Error ? error.stack : String(error)}\n`,
  );
  process.exit(1);
});
