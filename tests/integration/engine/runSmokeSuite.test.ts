import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import { closedPortUrl } from '../../../src/local/sampleApp';
import { USER_AGENT } from '../../../src/probe/httpProbe';
import { startApp } from '../../helpers/localServers';
import { sampleAppSuite, suiteOf } from '../../helpers/suites';

const budget = (ms = 10_000) => AbortSignal.timeout(ms);

describe('runSmokeSuite against real loopback servers', () => {
  it('passes a healthy app, each check once, with the product User-Agent', async () => {
    const app = await startApp();
    const result = await runSmokeSuite({
      suite: sampleAppSuite(),
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Succeeded');
    expect(result.checks.map((c) => [c.name, c.passed, c.statusCode, c.attempts])).toEqual([
      ['home', true, 200, 1],
      ['health', true, 200, 1],
      ['missing', true, 404, 1],
    ]);
    expect(app.headers.map((h) => h['user-agent'])).toEqual([USER_AGENT, USER_AGENT, USER_AGENT]);
  });

  it('fails a broken app at once: no retry of a definite 500', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const result = await runSmokeSuite({
      suite: sampleAppSuite({ concurrency: 1 }),
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toBe('check "home" failed: status 500, expected 200');
    expect(app.paths).toEqual(['/']); // the first failure cancels the rest
    expect(result.checks[1]?.reason).toBe('not finished: the suite had already failed');
  });

  it('retries connection refused, then fails naming it', async () => {
    const url = await closedPortUrl();
    const result = await runSmokeSuite({
      suite: sampleAppSuite({ concurrency: 1 }),
      hook: 'AfterAllowTestTraffic',
      baseUrl: url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.checks[0]).toMatchObject({
      attempts: 3,
      reason: 'connection refused after 3 attempts',
    });
  });

  it('rides out a flaky app (every other connection reset) with retries', async () => {
    const app = await startApp({ behaviour: 'flaky' });
    const result = await runSmokeSuite({
      suite: sampleAppSuite({ concurrency: 1 }),
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Succeeded');
    expect(result.checks.some((c) => c.attempts > 1)).toBe(true);
  });

  it('times a hanging app out per request, retries, and fails within the per-request bounds', async () => {
    const app = await startApp({ behaviour: 'hang' });
    const suite = sampleAppSuite({
      timeoutMs: 200,
      retry: { attempts: 2, backoffMs: 10, maxBackoffMs: 10 },
    });
    const started = Date.now();
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(/failed: no complete answer within 200 ms after 2 attempts$/);
    // far below the suite budget: the retries stop, not the budget (bounds wide for a loaded CI)
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it('stops at the budget even when per-request timeouts are long', async () => {
    const app = await startApp({ behaviour: 'hang' });
    const started = Date.now();
    const result = await runSmokeSuite({
      suite: sampleAppSuite({ timeoutMs: 60_000 }),
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(300),
    });
    // the 300 ms budget, not the 60 s request timeout (wide for a loaded CI)
    expect(Date.now() - started).toBeLessThan(5_000);
    expect(result.verdict).toBe('Failed');
    expect(result.checks[0]?.reason).toBe('time budget exhausted');
  });

  it('waits at the readiness gate for a slow-starting app, then passes', async () => {
    const app = await startApp({ behaviour: 'slow-start', startupMs: 600 });
    const suite = sampleAppSuite({
      readiness: { path: '/health', intervalMs: 50, maxIntervalMs: 100, budgetMs: 5_000 },
    });
    const progress: string[] = [];
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
      onProgress: (e) => e.type === 'readiness-attempt' && progress.push(e.outcome),
    });
    expect(result.verdict).toBe('Succeeded');
    expect(result.readiness?.passed).toBe(true);
    expect(result.readiness?.attempts).toBeGreaterThan(1);
    expect(progress[0]).toBe('status 503');
  });

  it('fails when the readiness gate budget runs out, saying what it last saw', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const suite = sampleAppSuite({
      readiness: { path: '/health', status: 200, intervalMs: 20, maxIntervalMs: 40, budgetMs: 300 },
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toBe(
      'readiness gate: GET /health never answered 200 (within 300 ms; last: status 500)',
    );
    expect(result.checks).toEqual([]);
  });

  it('opens the gate, by default, on the first definite answer: a 500 is judged by the checks at once', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const suite = sampleAppSuite({
      concurrency: 1,
      readiness: { path: '/health', intervalMs: 20, budgetMs: 5_000 },
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.readiness).toMatchObject({ passed: true, attempts: 1 });
    expect(result.reason).toBe('check "home" failed: status 500, expected 200');
    expect(app.paths).toEqual(['/health', '/']);
  });

  it('keeps the gate closed, by default, while the answers are transient', async () => {
    const url = await closedPortUrl();
    const suite = sampleAppSuite({
      readiness: { path: '/', intervalMs: 20, maxIntervalMs: 40, budgetMs: 300 },
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: url,
      budget: budget(),
    });
    expect(result.reason).toBe(
      'readiness gate: GET / never gave a definite answer (within 300 ms; last: connection refused)',
    );
    expect(result.readiness?.attempts).toBeGreaterThan(2);
  });

  it('runs only the checks the hook names, with the concurrency the suite sets', async () => {
    const app = await startApp({ latencyMs: 100 });
    const suite = suiteOf({
      concurrency: 4,
      checks: Array.from({ length: 8 }, (_, i) => ({ name: `c${i}`, path: `/?n=${i}` })),
      hooks: { BeforeAllowTraffic: ['c0', 'c1', 'c2', 'c3'] },
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'BeforeAllowTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.checks.map((c) => c.name)).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(app.paths).toHaveLength(4);
    expect(app.maxInFlight).toBe(4);
  });

  it('sends secret-sourced headers and never shows their values', async () => {
    const app = await startApp();
    const seen: string[] = [];
    const suite = suiteOf({
      checks: [
        {
          name: 'auth',
          path: '/',
          headers: { 'X-Api-Key': { secret: { ssm: '/app/key' } }, Authorization: 'Bearer plain' },
        },
      ],
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'BeforeAllowTraffic',
      baseUrl: app.url,
      budget: budget(),
      readSecret: async (ref) => {
        seen.push('ssm' in ref ? ref.ssm : ref.secretsManager);
        return 'top-secret-value';
      },
    });
    expect(seen).toEqual(['/app/key']);
    expect(result.checks[0]?.requestHeaders).toEqual({
      'X-Api-Key': '[redacted]',
      Authorization: '[redacted]',
    });
    expect(JSON.stringify(result)).not.toContain('top-secret-value');
  });

  it('fails, naming the secret, when it cannot be read', async () => {
    const suite = suiteOf({
      checks: [
        {
          name: 'auth',
          path: '/',
          headers: { 'X-Api-Key': { secret: { secretsManager: 'app/key' } } },
        },
      ],
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'BeforeAllowTraffic',
      baseUrl: 'http://127.0.0.1:1',
      budget: budget(),
      readSecret: async () => {
        throw new Error('AccessDeniedException');
      },
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(
      /^Cannot read Secrets Manager secret app\/key for header X-Api-Key: .*AccessDeniedException/,
    );
    expect(result.checks).toEqual([]);
  });

  it('asks the readiness gate only as often as the caller allows (ECS comes back later)', async () => {
    const app = await startApp({ behaviour: 'slow-start', startupMs: 5_000 });
    const suite = sampleAppSuite({
      readiness: { path: '/health', intervalMs: 20, maxIntervalMs: 40, budgetMs: 3_000 },
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
      gateAttempts: 1,
    });
    expect(result.verdict).toBe('Failed');
    expect(result.readiness).toMatchObject({ passed: false, attempts: 1, waiting: true });
    expect(app.paths).toEqual(['/health']);
  });
});

describe('expected transient statuses', () => {
  it('passes at once a check that expects a 503 (a maintenance page), without retrying it', async () => {
    const app = await startApp({ behaviour: 'slow-start', startupMs: 60_000 });
    const suite = suiteOf({
      checks: [{ name: 'maintenance', path: '/', expect: { status: 503 } }],
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.checks[0]).toMatchObject({ passed: true, statusCode: 503, attempts: 1 });
    expect(app.paths).toEqual(['/']);
  });
});

describe('concurrency limit', () => {
  it('never has more requests in flight than the suite allows', async () => {
    const app = await startApp({ latencyMs: 30 });
    const suite = suiteOf({
      concurrency: 3,
      checks: Array.from({ length: 10 }, (_, i) => ({ name: `c${i}`, path: `/?n=${i}` })),
    });
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Succeeded');
    expect(app.paths).toHaveLength(10);
    expect(app.maxInFlight).toBe(3);
  });
});

describe('canary analysis in the single verdict (AfterAllowTraffic)', () => {
  const analysing = () =>
    suiteOf({
      checks: [{ name: 'home', path: '/' }],
      analysis: {},
      hooks: { AfterAllowTraffic: ['home'] },
    });
  const passed = (name = 'canary analysis') => ({
    name,
    method: 'GetMetricData',
    path: 'AWS/ApplicationELB',
    passed: true,
    attempts: 0,
    requestHeaders: {},
  });

  it('fails a stage that selects the analysis when no runner judged it: nothing passes unjudged', async () => {
    const app = await startApp();
    const result = await runSmokeSuite({
      suite: analysing(),
      hook: 'AfterAllowTraffic',
      baseUrl: app.url,
      budget: budget(),
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(/canary analysis/);
  });

  it('passes on the checks and the analysis, and leaves it to a caller that analyses on its own', async () => {
    const app = await startApp();
    const run = (analyse: Parameters<typeof runSmokeSuite>[0]['analyse']) =>
      runSmokeSuite({
        suite: analysing(),
        hook: 'AfterAllowTraffic',
        baseUrl: app.url,
        budget: budget(),
        analyse,
      });
    const judged = await run(async () => passed());
    expect(judged.verdict).toBe('Succeeded');
    expect(judged.checks.map((c) => c.name)).toEqual(['home', 'canary analysis']);
    expect((await run(false)).checks.map((c) => c.name)).toEqual(['home']);
    // A runner that throws is a failed analysis, never a crash or a pass.
    const thrown = await run(async () => {
      throw new Error('metrics unreachable');
    });
    expect(thrown).toMatchObject({
      verdict: 'Failed',
      reason: expect.stringMatching(/canary analysis: metrics unreachable/),
    });
    expect(thrown.checks.at(-1)).toEqual({
      ...passed(),
      passed: false,
      reason: 'canary analysis: metrics unreachable',
    });
  });

  it('stops a waiting analysis when a check fails, and once the suite ends', async () => {
    const app = await startApp({ behaviour: 'broken' });
    let stopped: AbortSignal | undefined;
    const result = await runSmokeSuite({
      suite: analysing(),
      hook: 'AfterAllowTraffic',
      baseUrl: app.url,
      budget: budget(),
      analyse: ({ failFast }) => {
        stopped = failFast;
        return new Promise((resolve) =>
          failFast.addEventListener('abort', () =>
            resolve({ ...passed(), passed: false, reason: 'canary analysis: stopped' }),
          ),
        );
      },
    });
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toBe('check "home" failed: status 500, expected 200');
    expect(stopped?.aborted).toBe(true);
  });
});
