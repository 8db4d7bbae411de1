/**
 * Green against blue on real loopback servers: the same requests to both, at the same moments,
 * judged on the error-rate difference, a latency percentile ratio and the JSON shape.
 */
import { createHookHandler } from '../../../src/controllers/codedeploy/createHookHandler';
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import { LoopbackDeployment } from '../../../src/local/loopbackDeployment';
import type { SuiteInput } from '../../../src/suite/schema';
import { captureLog, contextWithDeadline } from '../../helpers/lambda';
import { startApp } from '../../helpers/localServers';
import { serve } from '../../helpers/misbehavingServers';
import { suiteOf } from '../../helpers/suites';

type Compare = NonNullable<SuiteInput['compare']>[number];

const compare = (
  green: string,
  blue: string | undefined,
  check: Partial<Compare> = {},
  budgetMs = 20_000,
) =>
  runSmokeSuite({
    suite: suiteOf({
      checks: [{ name: 'home', path: '/' }],
      compare: [
        { name: 'green vs blue', paths: ['/'], ratePerSecond: 5, durationMs: 4_000, ...check },
      ],
    }),
    hook: 'AfterAllowTestTraffic',
    baseUrl: green,
    ...(blue && { productionUrl: blue }),
    budget: AbortSignal.timeout(budgetMs),
  });

describe('comparison checks', () => {
  it('passes identical sides, sending each the same requests, both numbers reported', async () => {
    const [green, blue] = await Promise.all([
      startApp({ latencyMs: 10 }),
      startApp({ latencyMs: 10 }),
    ]);
    const result = await compare(green.url, blue.url);
    expect(result.reason).toBeUndefined();
    const c = result.checks.at(-1)?.comparison;
    expect(c?.green.samples).toBe(20);
    expect(c?.blue.samples).toBe(20);
    // green also answered the regular check first
    expect(green.paths.slice(1)).toEqual(blue.paths);
    // the time both sides were measured over: the paced 4 s, not a burst or a clock mix-up
    expect(c?.green.durationMs).toBeGreaterThanOrEqual(3_500);
    expect(c?.green.durationMs).toBeLessThan(10_000);
  });

  it('fails a green 3x slower than blue at p95, with both sides and the ratio', async () => {
    const [green, blue] = await Promise.all([
      startApp({ latencyMs: 90 }),
      startApp({ latencyMs: 30 }),
    ]);
    const result = await compare(green.url, blue.url);
    expect(result.reason).toMatch(
      /^check "green vs blue" failed: green p95 9\d ms is [2-3]\.\d\dx blue's 3\d ms, expected at most 1\.25x$/,
    );
  });

  it.each([
    [1.5, 90, 60],
    [2, 80, 40],
  ])('fails a green %sx slower than blue at the default limit (1.25x)', async (_x, g, b) => {
    const [green, blue] = await Promise.all([
      startApp({ latencyMs: g }),
      startApp({ latencyMs: b }),
    ]);
    const result = await compare(green.url, blue.url);
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(
      /^check "green vs blue" failed: green p95 \d+ ms is \d\.\d\dx blue's \d+ ms, expected at most 1\.25x$/,
    );
  });

  it("fails a green whose error rate exceeds blue's by more than the margin", async () => {
    let n = 0;
    const green = await serve((_req, res) => {
      n++;
      res.writeHead(n % 4 === 0 ? 500 : 200).end('ok');
    });
    const blue = await startApp();
    const result = await compare(green.url, blue.url);
    expect(result.reason).toBe(
      'check "green vs blue" failed: green error rate 25.0 % against blue\'s 0.0 %, more than 1.0 % higher',
    );
  });

  it('with jsonShape, fails an answer of another shape (keys and types, not values)', async () => {
    const green = await serve((_req, res) =>
      res.end(JSON.stringify({ items: [{ id: '1' }], total: 1 })),
    );
    const blue = await serve((_req, res) =>
      res.end(JSON.stringify({ items: [{ id: 7 }], total: 3 })),
    );
    const result = await compare(green.url, blue.url, { expect: { jsonShape: true } });
    expect(result.reason).toBe(
      'check "green vs blue" failed: JSON shape differs from blue\'s: /.items[0].id: string in green, number in blue',
    );
  });

  it('without jsonShape, answers of another shape are not judged', async () => {
    const green = await serve((_req, res) => res.end(JSON.stringify({ id: '1' })));
    const blue = await serve((_req, res) => res.end(JSON.stringify({ id: 7, more: true })));
    const result = await compare(green.url, blue.url);
    expect(result.reason).toBeUndefined();
  });

  it('a comparison the time budget cuts short fails, counting the samples per side', async () => {
    const [green, blue] = await Promise.all([startApp(), startApp()]);
    const result = await compare(green.url, blue.url, {}, 1_500);
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(
      /^check "green vs blue" failed: time budget ran out after \d+ of 20 samples per side/,
    );
    expect(result.checks.at(-1)?.comparison?.green.samples).toBeLessThan(20);
  });

  it('names what is missing when there is no production URL', async () => {
    const green = await startApp();
    const result = await compare(green.url, undefined);
    expect(result.reason).toMatch(/no production URL to compare with/);
  });

  it('bounds the load on production at load time', () => {
    expect(() =>
      suiteOf({
        checks: [{ name: 'a', path: '/' }],
        compare: [{ name: 'c', paths: ['/'], ratePerSecond: 50 }],
      }),
    ).toThrow(/at most 5 requests\/s: the blue side is production/);
  });

  it('the hook compares against the production listener it discovered', async () => {
    const world = await LoopbackDeployment.start({
      green: { latencyMs: 90 },
      blue: { latencyMs: 20 },
    });
    const saved = { ...process.env };
    Object.assign(process.env, world.awsEnv());
    try {
      world.route('test', 'green');
      const handler = createHookHandler(
        'AfterAllowTestTraffic',
        () =>
          suiteOf({
            checks: [{ name: 'home', path: '/' }],
            compare: [{ name: 'vs blue', paths: ['/'], ratePerSecond: 5, durationMs: 4_000 }],
          }),
        { log: captureLog() },
      );
      const result = await handler(
        { DeploymentId: world.startDeployment(), LifecycleEventHookExecutionId: 'cmp-1' },
        contextWithDeadline(30_000),
      );
      expect(result.reason).toMatch(
        /^check "vs blue" failed: green p95 \d+ ms is \d\.\d\dx blue's/,
      );
      expect(world.blueApp.paths.length).toBeGreaterThanOrEqual(20);
    } finally {
      process.env = saved;
      await world.stop();
    }
  });
});
