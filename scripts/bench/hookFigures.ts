/** Verdict, detection and deadline figures of the hook handler, on loopback. */
import http from 'node:http';
import type { LocalCodeDeployEndpoint } from '../../src/local/codeDeployEndpoint';
import { closedPortUrl, SampleApp } from '../../src/local/sampleApp';
import { loadSuiteFile, suiteFilePath } from '../../src/suite/loadSuite';
import { benchSuite, CHECKS, LATENCY_MS, timeHook } from './hookTiming';
import { type BenchRun, repeat, stats } from './stats';

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

export const benchVerdict = async (run_: BenchRun, endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', latencyMs: LATENCY_MS });
  await app.start();
  const concurrency = benchSuite().concurrency;
  const run = await timeHook(endpoint, app.url, 60_000);
  await run(); // warm: SDK and sockets, as in a warm Lambda
  const ours = await repeat(run_.runs, async () => {
    const r = await run();
    if (r.status !== 'Succeeded') throw new Error(`healthy run reported ${r.status}`);
    return r.ms;
  });
  const ideal = LATENCY_MS + Math.ceil(CHECKS / concurrency) * LATENCY_MS;
  const sequential = await repeat(run_.runs, () => sequentialRequests(app.url, CHECKS + 1));
  await app.stop();
  const o = stats(ours);
  run_.figures.push({
    name: `Verdict, healthy green (${CHECKS} checks x ${LATENCY_MS} ms, concurrency ${concurrency})`,
    ours: o,
    reference: stats(ours.map(() => ideal)),
    referenceName: `ideal critical path ${ideal} ms`,
    unit: 'ms',
    goal: '<= 1.15x ideal',
    goalMet: o.median <= 1.15 * ideal,
  });
  const s = stats(sequential);
  run_.figures.push({
    name: 'Verdict vs the same requests one after another',
    ours: o,
    reference: s,
    referenceName: 'sequential requests',
    unit: 'ms',
    goal: 'faster than sequential',
    goalMet: o.median < s.median,
  });
};

export const benchDetection = async (run_: BenchRun, endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', behaviour: 'broken', latencyMs: LATENCY_MS });
  await app.start();
  const run = await timeHook(endpoint, app.url, 60_000);
  await run();
  const ours = await repeat(run_.runs, async () => {
    const r = await run();
    if (r.status !== 'Failed') throw new Error(`broken run reported ${r.status}`);
    return r.ms;
  });
  await app.stop();
  const o = stats(ours);
  const goal = LATENCY_MS + 100;
  run_.figures.push({
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

export const benchHang = async (run_: BenchRun, endpoint: LocalCodeDeployEndpoint) => {
  const app = new SampleApp({ version: 'v2', behaviour: 'hang' });
  await app.start();
  const margin = 10_000;
  const run = await timeHook(endpoint, app.url, 20_000, { marginMs: margin });
  const runs = await repeat(Math.min(run_.runs, 3), run);
  await app.stop();
  const before = stats(runs.map((r) => r.beforeDeadlineMs));
  run_.figures.push({
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

/**
 * A dead green (nothing listens) with the real 180 s Lambda timeout and the shipped default
 * suite: the readiness gate must give up at its own budget, not at the Lambda's deadline.
 */
export const benchDeadGreen = async (
  run_: BenchRun,
  endpoint: LocalCodeDeployEndpoint,
  root: string,
) => {
  const suite = loadSuiteFile(suiteFilePath(root, 'default'));
  const gateMs = suite.readiness?.budgetMs ?? 0;
  const run = await timeHook(endpoint, await closedPortUrl(), 180_000, { suite: () => suite });
  const r = await run();
  if (r.status !== 'Failed') throw new Error(`dead green reported ${r.status}`);
  run_.figures.push({
    name: 'Dead green (connection refused), 180 s Lambda, default suite: start -> Failed received',
    ours: stats([r.ms / 1000]),
    reference: stats([gateMs / 1000]),
    referenceName: `readiness gate budget ${gateMs / 1000} s`,
    unit: 's',
    goal: '<= gate budget + 1 s',
    goalMet: r.ms <= gateMs + 1_000,
    note: 'one run (it takes a minute); before the fix the gate waited for the Lambda deadline',
  });
};
