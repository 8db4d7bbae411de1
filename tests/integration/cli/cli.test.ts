/**
 * The built CLI, run as a subprocess the way a user runs it: exit codes and key output.
 */
import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { startApp } from '../../helpers/localServers';
import { PROJECT_ROOT } from '../../helpers/slsProject';

jest.setTimeout(60_000);

const BIN = join(PROJECT_ROOT, 'bin', 'ecs-bluegreen-hooks.js');
const run = promisify(execFile);

interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const cli = async (...args: string[]): Promise<CliRun> => {
  try {
    const { stdout, stderr } = await run(process.execPath, [BIN, ...args], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
};

beforeAll(() => {
  execFileSync(process.execPath, [join(PROJECT_ROOT, 'scripts', 'build-cli.mjs')], {
    cwd: PROJECT_ROOT,
  });
});

describe('rehearse', () => {
  it('rehearses a healthy deployment through every lifecycle step, exit 0', async () => {
    const { code, stdout } = await cli('rehearse', '--wait', '1');
    expect(code).toBe(0);
    const steps = [
      'Start',
      'Install',
      'AllowTestTraffic',
      'AfterAllowTestTraffic',
      'BeforeAllowTraffic',
      'AllowTraffic',
      'AfterAllowTraffic',
      'Wait',
      'End',
    ];
    const positions = steps.map((step) => stdout.search(new RegExp(`\\d+\\.\\ds  ${step} `)));
    expect(positions.every((p) => p >= 0)).toBe(true);
    expect([...positions].sort((a, b) => a - b)).toEqual(positions);
    expect(stdout.match(/reported Succeeded to CodeDeploy/g)).toHaveLength(3);
    expect(stdout).toMatch(/pass production watch \(GET \/\)/);
    // Users' minutes on green after the shift against blue's before it.
    expect(stdout).toMatch(
      /canary analysis pass over green \d+ complete minutes, .* against blue \d+ complete minutes, .*\(time-shifted baseline\)/,
    );
    expect(stdout).toContain('production -> v2 (green, tg-2)');
    expect(stdout).toMatch(
      /Deployment succeeded in [\d.]+ s: production serves v2 \(green, tg-2\)/,
    );
  });

  it('rolls a broken green back, exit 1, production still on blue', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'broken');
    expect(code).toBe(1);
    expect(stdout).toContain('FAIL home page (GET /) 500');
    expect(stdout).toContain('reported Failed to CodeDeploy');
    expect(stdout).not.toContain('production -> v2');
    expect(stdout).toMatch(/Deployment rolled back .*production serves v1 \(blue, tg-1\)/);
  });

  it('shows the alarm rollback path during the wait before blue ends', async () => {
    const { code, stdout } = await cli('rehearse', '--alarm', '--wait', '2');
    expect(code).toBe(1);
    expect(stdout).toContain('production -> v2 (green, tg-2)');
    expect(stdout).toContain('deployment stopped by the alarm rollback Lambda');
    expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
  });
});

describe('smoke', () => {
  it('passes a healthy app: a table, exit 0, and a valid JUnit file', async () => {
    const app = await startApp();
    const junit = join(mkdtempSync(join(tmpdir(), 'bgh-cli-')), 'smoke.xml');
    const { code, stdout } = await cli('smoke', '--url', app.url, '--junit', junit);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^CHECK\s+RESULT\s+STATUS\s+LATENCY\s+REASON$/m);
    expect(stdout).toMatch(/^home page \(GET \/\)\s+pass\s+200\s+\d+ ms$/m);
    expect(stdout).toMatch(/^Succeeded in \d+ ms$/m);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(xml);
    expect(doc.testsuites.testsuite['@_tests']).toBe('4');
    expect(doc.testsuites.testsuite['@_failures']).toBe('0');
  });

  it('fails a failing app: exit 1, the reason, and failures in JUnit', async () => {
    const app = await startApp({ behaviour: 'broken' });
    const junit = join(mkdtempSync(join(tmpdir(), 'bgh-cli-')), 'smoke.xml');
    const { code, stdout } = await cli(
      'smoke',
      '--url',
      app.url,
      '--hook',
      'BeforeAllowTraffic',
      '--junit',
      junit,
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(/FAIL\s+500\s+\d+ ms\s+status 500, expected 200/);
    const xml = readFileSync(junit, 'utf8');
    expect(XMLValidator.validate(xml)).toBe(true);
    expect(xml).toContain('<failure message="status 500, expected 200"/>');
  });

  it('prints one JSON document with --json', async () => {
    const app = await startApp();
    const { code, stdout } = await cli('smoke', '--url', app.url, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout);
    expect(result).toMatchObject({
      verdict: 'Succeeded',
      suite: 'sample-website',
      hook: 'AfterAllowTestTraffic',
    });
    expect(result.checks).toHaveLength(3);
  });

  it('exits 2 with one line naming the file, line and field on a bad suite', async () => {
    const suite = join(mkdtempSync(join(tmpdir(), 'bgh-cli-')), 'bad.yaml');
    writeFileSync(
      suite,
      'name: bad\nchecks:\n  - name: a\n    path: /\n    expect: { status: 2xx }\n',
    );
    const { code, stdout, stderr } = await cli(
      'smoke',
      '--url',
      'http://127.0.0.1:1',
      '--suite',
      suite,
    );
    expect(code).toBe(2);
    expect(stdout).toBe('');
    expect(stderr).toMatch(
      /^error: Invalid smoke suite .*bad\.yaml: - .*bad\.yaml:5: checks\[0\]\.expect\.status: a status range is written "200-299"\n$/,
    );
    expect(stderr).not.toMatch(/\n\s+at /);
  });

  it('exits 2 on a bad flag or a bad URL', async () => {
    const flag = await cli('smoke', '--url', 'http://127.0.0.1:1', '--hook', 'AfterInstall');
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("option '--hook <hook>' argument 'AfterInstall' is invalid");
    const url = await cli('smoke', '--url', 'not a url');
    expect(url).toMatchObject({
      code: 2,
      stderr: 'error: --url is not a valid URL: "not a url"\n',
    });
    const unknown = await cli('deploy');
    expect(unknown.code).toBe(2);
  });
});

describe('appspec and help', () => {
  it('renders the committed appspec.yaml for the dev stage, and other stages on demand', async () => {
    const dev = await cli('appspec', '--stage', 'dev');
    expect(dev.code).toBe(0);
    expect(dev.stdout).toBe(readFileSync(join(PROJECT_ROOT, 'appspec.yaml'), 'utf8'));
    const prod = await cli('appspec', '--stage', 'prod');
    expect(prod.stdout).toContain(
      '- BeforeAllowTraffic: CodeDeployHook_sample-website-prod-BeforeAllowTraffic',
    );
  });

  it.each([[[]], [['rehearse']], [['smoke']], [['appspec']]])(
    'answers --help for %j with exit 0',
    async (command) => {
      const { code, stdout } = await cli(...command, '--help');
      expect(code).toBe(0);
      expect(stdout).toMatch(/^Usage: ecs-bluegreen-hooks/);
    },
  );
});

describe('smoke under real-world conditions', () => {
  it('a DNS name that does not resolve fails at once, far below the 60 s readiness budget, with the default suite (exit 1)', async () => {
    const started = performance.now();
    const { code, stdout } = await cli('smoke', '--url', 'http://test-listener.invalid:8080');
    expect(performance.now() - started).toBeLessThan(15_000);
    expect(code).toBe(1);
    expect(stdout).toMatch(/Failed in \d+ ms: readiness gate: GET \/ failed: host not found/);
  });

  it('a bad --junit path fails before the suite runs (exit 2)', async () => {
    const app = await startApp();
    const { code, stderr } = await cli(
      'smoke',
      '--url',
      app.url,
      '--junit',
      '/nonexistent-dir/x.xml',
    );
    expect(code).toBe(2);
    expect(stderr).toMatch(
      /--junit \/nonexistent-dir\/x\.xml cannot be written \(ENOENT\); the suite was not run/,
    );
    expect(app.paths).toEqual([]);
  });

  it('masks a password in --url', async () => {
    const app = await startApp();
    const url = app.url.replace('http://', 'http://smoke:s3cret-pw@');
    const { stdout } = await cli('smoke', '--url', url, '--json');
    expect(stdout).not.toContain('s3cret-pw');
    expect(stdout).toContain('smoke:***@127.0.0.1');
  });

  it('refuses a base URL with a query, which would swallow every check path (exit 2)', async () => {
    const { code, stderr } = await cli('smoke', '--url', 'http://127.0.0.1:1/?tenant=a');
    expect(code).toBe(2);
    expect(stderr).toMatch(/--url must not have a query or fragment/);
  });

  it('Ctrl-C ends the run, prints the verdict and "interrupted"', async () => {
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, [BIN, 'smoke', '--url', 'http://127.0.0.1:1'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => {
      stdout += c.toString();
    });
    await new Promise((r) => setTimeout(r, 1_500));
    child.kill('SIGINT');
    const code = await new Promise<number | null>((r) => child.on('close', r));
    expect(code).toBe(1);
    expect(stdout).toMatch(/Failed in \d+ ms/);
    expect(stdout.trimEnd().split('\n').at(-1)).toBe('interrupted');
  });
});

describe('rehearse with discovery', () => {
  it('--green misrouted: the routing proof fails, exit 1, production on blue', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'misrouted', '--wait', '1');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /test listener :\d+ forwards to sample-website-tg-1, which serves the blue task set \(task definition sample-website:41\), not green \(:42\)/,
    );
    expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
  });

  it('--green wrong-version: green answers healthy with the old version, exit 1', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'wrong-version', '--wait', '1');
    expect(code).toBe(1);
    expect(stdout).toContain(
      'check "runs the deployed image" failed: JSON field version is "v1", expected "v2"',
    );
    expect(stdout).not.toContain('production -> v2');
  });
});

describe('smoke --deployment', () => {
  const withWorld = async (
    route: boolean,
    work: (
      world: import('../../../src/local/loopbackDeployment').LoopbackDeployment,
      env: NodeJS.ProcessEnv,
    ) => Promise<void>,
  ) => {
    const { LoopbackDeployment } = await import('../../../src/local/loopbackDeployment');
    const world = await LoopbackDeployment.start();
    if (route) world.route('test', 'green');
    try {
      await work(world, { ...process.env, ...world.awsEnv(), NO_COLOR: '1' });
    } finally {
      await world.stop();
    }
  };
  const smoke = async (env: NodeJS.ProcessEnv, ...args: string[]): Promise<CliRun> => {
    try {
      const { stdout, stderr } = await run(process.execPath, [BIN, 'smoke', ...args], {
        cwd: PROJECT_ROOT,
        env,
      });
      return { code: 0, stdout, stderr };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };
  const suite = join(PROJECT_ROOT, 'config', 'suites', 'rehearsal.yaml');

  it('answers what the hook would say about a deployment now: Succeeded for a routed, healthy green', async () => {
    await withWorld(true, async (world, env) => {
      const { code, stdout } = await smoke(
        env,
        '--deployment',
        world.startDeployment(),
        '--suite',
        suite,
      );
      expect(code).toBe(0);
      expect(stdout).toMatch(
        /of AppECS-sample-cluster-sample-website\/DgpECS-sample-cluster-sample-website: test listener :\d+ forwards only to green/,
      );
      expect(stdout).toMatch(/runs the deployed image \(GET \/version\) +pass +200/);
    });
  });

  it('fails a misrouted test listener with the routing reason (exit 1)', async () => {
    await withWorld(false, async (world, env) => {
      const { code, stdout } = await smoke(
        env,
        '--deployment',
        world.startDeployment(),
        '--suite',
        suite,
      );
      expect(code).toBe(1);
      expect(stdout).toMatch(
        /Failed: discovery: test listener :\d+ forwards to sample-website-tg-1, which serves the blue task set/,
      );
    });
  });
});

describe('rehearse: canary analysis at AfterAllowTraffic', () => {
  it.each([
    [
      'errors-under-real-traffic',
      /fail {9}target 5xx rate: green \d+\.\d\d % \(\d+\/\d+\) vs blue/,
    ],
    [
      'resets-under-real-traffic',
      /fail {9}load balancer 5xx rate: green \d+\.\d\d % \(\d+\/\d+\) vs blue/,
    ],
  ])(
    '--green %s: every check and the watch pass; blue before the shift shows it: the table, rolled back, exit 1',
    async (green, table) => {
      const { code, stdout } = await cli('rehearse', '--green', green, '--wait', '1');
      expect(code).toBe(1);
      expect(stdout).toMatch(table);
      expect(stdout).toMatch(
        /AfterAllowTraffic hook reported Failed: check "canary analysis" failed: canary analysis fail over green/,
      );
      expect(stdout).not.toMatch(/ FAIL .*\(GET /);
      expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
    },
  );
});

describe('rehearse --controller ecs', () => {
  it('walks the ECS stages with the real ECS hook, exit 0', async () => {
    const { code, stdout } = await cli('rehearse', '--controller', 'ecs', '--wait', '1');
    expect(code).toBe(0);
    for (const stage of [
      'PRE_SCALE_UP',
      'SCALE_UP',
      'POST_SCALE_UP',
      'TEST_TRAFFIC_SHIFT',
      'POST_TEST_TRAFFIC_SHIFT',
      'PRODUCTION_TRAFFIC_SHIFT',
      'POST_PRODUCTION_TRAFFIC_SHIFT',
      'BAKE_TIME',
      'CLEAN_UP',
    ]) {
      expect(stdout).toContain(stage);
    }
    expect(stdout).toContain('POST_TEST_TRAFFIC_SHIFT answered SUCCEEDED');
    expect(stdout).toMatch(/production serves v2 \(green, tg-2\)\n$/);
  });

  it.each([
    [
      'errors-under-real-traffic',
      /fail {9}target 5xx rate: green \d+\.\d\d % \(\d+\/\d+\) vs blue/,
    ],
    ['slow-p99', /fail {9}p99 response time \(ms\): green median \d+/],
  ])(
    '--strategy canary --green %s: no check sees it, canary analysis of real traffic does: the metric table, rolled back, exit 1',
    async (green, table) => {
      const { code, stdout } = await cli(
        'rehearse',
        '--controller',
        'ecs',
        '--strategy',
        'canary',
        '--green',
        green,
        '--wait',
        '1',
      );
      expect(code).toBe(1);
      expect(stdout).toMatch(table);
      expect(stdout).toMatch(
        /PRODUCTION_TRAFFIC_SHIFT hook answered FAILED: canary analysis fail over/,
      );
      // every check passed: only the users' traffic showed it
      expect(stdout).not.toMatch(/ fail .*\(GET /);
      expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
    },
  );

  it.each([
    [
      'broken',
      /POST_TEST_TRAFFIC_SHIFT hook answered FAILED: check "home page" failed: status 500/,
    ],
    [
      'misrouted',
      /test listener rule :\d+ forwards to sample-website-tg-1 \(weight 1\), not only to green's target group/,
    ],
  ])(
    '--green %s: FAILED, the rollback re-invokes the traffic hooks at weight 0, exit 1, production on blue',
    async (green, reason) => {
      const { code, stdout } = await cli(
        'rehearse',
        '--controller',
        'ecs',
        '--green',
        green,
        '--wait',
        '1',
      );
      expect(code).toBe(1);
      expect(stdout).toMatch(reason);
      expect(stdout).toMatch(/ECS invokes the traffic-shift hooks again with green at weight 0/);
      expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
    },
  );

  it('--strategy canary: the production rule splits at the first step, checks go through the test rule, exit 0', async () => {
    const { code, stdout } = await cli(
      'rehearse',
      '--controller',
      'ecs',
      '--strategy',
      'canary',
      '--wait',
      '1',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('strategy CANARY');
    expect(stdout).toMatch(/production -> v1 \(blue, tg-1\) 90 % \+ v2 \(green, tg-2\) 10 %/);
    // both at each of the two steps: 10 %, then 100 %
    expect(stdout.match(/\sPRODUCTION_TRAFFIC_SHIFT answered SUCCEEDED/g)).toHaveLength(2);
    expect(stdout.match(/PRE_PRODUCTION_TRAFFIC_SHIFT answered SUCCEEDED/g)).toHaveLength(2);
    expect(stdout).toMatch(/production serves v2 \(green, tg-2\)\n$/);
    // each step was judged on real user traffic through the split, then at 100 % time-shifted
    expect(stdout).toMatch(
      /canary analysis pass over \d+ complete minutes, .* \(concurrent baseline\)/,
    );
    expect(stdout).toMatch(
      /canary analysis pass over green \d+ complete minutes?, .* against blue .* \(time-shifted baseline\)/,
    );
  });

  it.each([
    [
      'broken',
      /POST_TEST_TRAFFIC_SHIFT hook answered FAILED: check "home page" failed: status 500/,
    ],
    [
      // Caught at the 10 % step already, by real users' 5xx, before the next step's checks.
      'breaks-after-shift',
      /PRODUCTION_TRAFFIC_SHIFT hook answered FAILED: canary analysis fail over \d+ complete minutes?, .*: target 5xx rate: green 100\.00 %/,
    ],
  ])(
    '--strategy canary --green %s: FAILED with the reason, rolled back, exit 1',
    async (green, reason) => {
      const { code, stdout } = await cli(
        'rehearse',
        '--controller',
        'ecs',
        '--strategy',
        'canary',
        '--green',
        green,
        '--wait',
        '1',
      );
      expect(code).toBe(1);
      expect(stdout).toMatch(reason);
      expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
    },
  );

  it('--green slow-start: IN_PROGRESS with callbacks, then SUCCEEDED', async () => {
    const { code, stdout } = await cli(
      'rehearse',
      '--controller',
      'ecs',
      '--green',
      'slow-start',
      '--wait',
      '1',
    );
    expect(code).toBe(0);
    expect(stdout).toContain('POST_TEST_TRAFFIC_SHIFT answered IN_PROGRESS (again in 10 s)');
    expect(stdout).toContain('POST_TEST_TRAFFIC_SHIFT answered SUCCEEDED');
  });

  it('--alarm: the alarm function stops the service deployment with ROLLBACK, exit 1', async () => {
    const { code, stdout } = await cli('rehearse', '--controller', 'ecs', '--alarm', '--wait', '2');
    expect(code).toBe(1);
    expect(stdout).toContain(
      'service deployment stopped with ROLLBACK by the alarm rollback Lambda',
    );
  });

  it('stops quietly when its reader closes the pipe early', async () => {
    const { spawnSync } = await import('node:child_process');
    const r = spawnSync(
      'bash',
      ['-c', `node ${BIN} rehearse --controller ecs --green slow-start --wait 1 | head -1`],
      {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
      },
    );
    expect(r.stderr).not.toContain('EPIPE');
  });
});

describe('smoke with a sampled-traffic check (bundled CLI)', () => {
  it('runs it and shows the numbers in --json', async () => {
    const app = await startApp();
    const dir = mkdtempSync(join(tmpdir(), 'bgh-sampled-'));
    const file = join(dir, 'suite.yaml');
    writeFileSync(
      file,
      'name: s\nchecks:\n  - { name: home, path: / }\nsampled:\n  - name: load\n    paths: [/, /health]\n    ratePerSecond: 40\n    durationMs: 500\n    expect: { maxErrorRate: 0, minSamples: 20, latencyMs: { p99: 1000 } }\n',
    );
    const { code, stdout } = await cli('smoke', '--url', app.url, '--suite', file, '--json');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as {
      checks: Array<{ name: string; sample?: { samples: number } }>;
    };
    expect(result.checks.find((c) => c.name === 'load')?.sample?.samples).toBe(20);
  });
});

describe('rehearse: traffic analysis', () => {
  it('--green slow: the comparison with blue fails with both sides in a table, exit 1', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'slow', '--wait', '1');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /green against blue .* green p95 \d+ ms is \d\.\d\dx blue's \d+ ms, expected at most 1\.25x/,
    );
    expect(stdout).toMatch(/ green +10 +0\.0 %/);
    expect(stdout).toMatch(/ blue +10 +0\.0 % .* p95 green\/blue \d\.\d\dx/);
    expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
  });

  it('--green flaky: the load probe fails on its error rate, exit 1', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'flaky', '--wait', '1');
    expect(code).toBe(1);
    // every 20th answer is a 500, so any 50 samples hold at least 2: above the 1 % limit
    expect(stdout).toMatch(
      /check "green under load" failed: error rate \d+\.\d % \(\d of 50\), expected at most 1\.0 %/,
    );
  });
});

describe('rehearse: the production watch', () => {
  it('--green breaks-after-shift: the watch fails within seconds, production goes back to blue, exit 1', async () => {
    const { code, stdout } = await cli('rehearse', '--green', 'breaks-after-shift', '--wait', '1');
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /AfterAllowTraffic hook reported Failed: check "production watch" failed: production watch: 3 failures in a row \(last: status 500\), \d\.\d s into the window/,
    );
    expect(stdout).toContain('production -> v2 (green, tg-2)');
    expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
  });

  it('--controller ecs --green breaks-after-shift: POST_PRODUCTION_TRAFFIC_SHIFT answers FAILED and ECS rolls back', async () => {
    const { code, stdout } = await cli(
      'rehearse',
      '--controller',
      'ecs',
      '--green',
      'breaks-after-shift',
      '--wait',
      '1',
    );
    expect(code).toBe(1);
    expect(stdout).toMatch(
      /POST_PRODUCTION_TRAFFIC_SHIFT answered FAILED \(production watch: 3 failures in a row \(last: status 500\), \d\.\d s into the window\)/,
    );
    expect(stdout).toMatch(/production serves v1 \(blue, tg-1\)\n$/);
  });
});
