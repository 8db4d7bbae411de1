/**
 * Deadlines under forced garbage collection, and the readiness gate's handling of definite
 * errors. `AbortSignal.any([parent, AbortSignal.timeout(ms)])` loses its timeout when nothing
 * else holds it (nodejs/node issue 57736); these tests collect garbage between probes.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { createHookHandler } from '../../../src/controllers/codedeploy/createHookHandler';
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import { closedPortUrl } from '../../../src/local/sampleApp';
import { createProber } from '../../../src/probe/httpProbe';
import { deadline } from '../../../src/time/deadline';
import { collectContinuously, forceGc } from '../../helpers/forcedGc';
import { captureLog, contextWithDeadline } from '../../helpers/lambda';
import { localAwsEnv, startCodeDeploy } from '../../helpers/localServers';
import { serve } from '../../helpers/misbehavingServers';
import { suiteOf } from '../../helpers/suites';

const gateSuite = (budgetMs: number) =>
  suiteOf({
    readiness: { path: '/', budgetMs, intervalMs: 50, maxIntervalMs: 100, timeoutMs: 200 },
    checks: [{ name: 'home', path: '/' }],
  });

describe('deadlines hold under forced GC', () => {
  it('a deadline combined with a parent fires on time with gc() running', async () => {
    const stop = collectContinuously(5);
    try {
      const parent = new AbortController();
      const started = performance.now();
      const { signal } = deadline(300, parent.signal);
      await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      stop();
    }
  });

  it('the gate gives up at its own budget, not the suite budget, with gc() between probes', async () => {
    const stop = collectContinuously(10);
    try {
      const started = performance.now();
      const result = await runSmokeSuite({
        suite: gateSuite(1_500),
        hook: 'AfterAllowTestTraffic',
        baseUrl: await closedPortUrl(),
        budget: AbortSignal.timeout(25_000),
      });
      const elapsed = performance.now() - started;
      expect(result.reason).toMatch(
        /readiness gate: GET \/ never gave a definite answer \(within 1500 ms; last: connection refused\)/,
      );
      expect(elapsed).toBeGreaterThanOrEqual(1_400);
      // its own 1.5 s, not the suite's 25 s (wide for a loaded CI)
      expect(elapsed).toBeLessThan(1_500 + 6_000);
    } finally {
      stop();
    }
  });

  it('per-request timeouts still fire with gc() running', async () => {
    const server = await serve(() => {
      // never answers
    });
    const prober = createProber();
    const stop = collectContinuously(5);
    try {
      const started = performance.now();
      forceGc();
      const outcome = await prober.probe(
        { method: 'GET', url: `${server.url}/`, headers: {}, timeoutMs: 300 },
        new AbortController().signal,
      );
      expect(outcome).toMatchObject({
        kind: 'error',
        reason: 'no complete answer within 300 ms',
        transient: true,
      });
      expect(performance.now() - started).toBeLessThan(5_000);
    } finally {
      stop();
      prober.close();
    }
  });
});

describe('the hook with a dead green', () => {
  it('reports Failed within the gate budget plus one probe timeout, with gc() running, not at its deadline', async () => {
    const endpoint = await startCodeDeploy();
    const saved = { ...process.env };
    Object.assign(process.env, localAwsEnv(endpoint.url));
    const stop = collectContinuously(10);
    try {
      const suite = gateSuite(1_500);
      const handler = createHookHandler('AfterAllowTestTraffic', () => suite, {
        env: { TEST_LISTENER_URL: await closedPortUrl(), ROUTING_PROOF: 'false' },
        log: captureLog(),
      });
      const started = performance.now();
      const result = await handler(
        { DeploymentId: endpoint.addDeployment('a', 'b'), LifecycleEventHookExecutionId: 'dead-1' },
        contextWithDeadline(60_000),
      );
      const elapsed = performance.now() - started;
      expect(result.status).toBe('Failed');
      expect(endpoint.hookStatuses.get('dead-1')).toBe('Failed');
      const probeTimeout = suite.readiness?.timeoutMs ?? suite.timeoutMs;
      // the gate budget and a probe, not the 60 s deadline (wide for a loaded CI)
      expect(elapsed).toBeLessThan(1_500 + probeTimeout + 6_000);
    } finally {
      stop();
      process.env = saved;
    }
  });
});

describe('the gate waits only on transient outcomes', () => {
  it('a DNS name that does not resolve fails the gate at once, with that error', async () => {
    const started = performance.now();
    const result = await runSmokeSuite({
      suite: gateSuite(60_000),
      hook: 'AfterAllowTestTraffic',
      baseUrl: 'http://test-listener.invalid:8080',
      budget: AbortSignal.timeout(70_000),
    });
    // at once, not after the 60 s gate budget (wide for a loaded CI)
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.reason).toMatch(/^readiness gate: GET \/ failed: host not found/);
    expect(result.readiness?.attempts).toBe(1);
  });

  it('a 503 keeps the gate waiting; the answer after it opens the gate', async () => {
    let calls = 0;
    const server = await serve((_req, res) => {
      calls++;
      res.writeHead(calls < 3 ? 503 : 200).end('ok');
    });
    const result = await runSmokeSuite({
      suite: gateSuite(10_000),
      hook: 'AfterAllowTestTraffic',
      baseUrl: server.url,
      budget: AbortSignal.timeout(20_000),
    });
    expect(result.verdict).toBe('Succeeded');
    expect(result.readiness?.attempts).toBe(3);
  });
});

describe('no deadline can be collected: the rule is enforced on the source', () => {
  const sources = (dir: string): string[] =>
    readdirSync(dir).flatMap((entry) => {
      const path = join(dir, entry);
      return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
    });

  it('no AbortSignal.timeout inside AbortSignal.any in src/', () => {
    const root = join(__dirname, '..', '..', '..', 'src');
    const offenders = sources(root).filter((file) =>
      /AbortSignal\.any\(\s*\[[^\]]*AbortSignal\.timeout\(/s.test(readFileSync(file, 'utf8')),
    );
    expect(offenders).toEqual([]);
  });

  it('the rule would catch the pattern the gate used to have', () => {
    expect(
      /AbortSignal\.any\(\s*\[[^\]]*AbortSignal\.timeout\(/s.test(
        'const gateSignal = AbortSignal.any([ctx.budget, AbortSignal.timeout(gate.budgetMs)]);',
      ),
    ).toBe(true);
  });
});
