/**
 * The probe engine against servers that behave like real ones: HTTPS listeners with a
 * certificate for the service's own name, big pages, stale keep-alive sockets, charsets,
 * rate limits, redirects and truncated bodies. Loopback only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runSmokeSuite } from '../../../src/engine/runSmokeSuite';
import { loadSuiteFile } from '../../../src/suite/loadSuite';
import type { SuiteInput } from '../../../src/suite/schema';
import { makePki, serve, serveTls } from '../../helpers/misbehavingServers';
import { suiteOf } from '../../helpers/suites';

const run = (baseUrl: string, input: Partial<SuiteInput> & Pick<SuiteInput, 'checks'>) =>
  runSmokeSuite({
    suite: suiteOf({ retry: { attempts: 3, backoffMs: 20, maxBackoffMs: 50 }, ...input }),
    hook: 'AfterAllowTestTraffic',
    baseUrl,
    budget: AbortSignal.timeout(20_000),
  });

describe('HTTPS test listener', () => {
  const pki = makePki('shop.example.com');
  const suiteFile = join(pki.dir, 'suite.yaml');
  writeFileSync(
    suiteFile,
    'name: tls\ntls:\n  serverName: shop.example.com\n  caFile: ca.pem\nchecks:\n  - name: home\n    path: /\n',
  );

  it('passes with tls.serverName and tls.caFile: SNI, verification and Host use the name', async () => {
    const server = await serveTls(pki, (_req, res) => res.end('ok'));
    const suite = loadSuiteFile(suiteFile);
    expect(suite.tls?.ca).toContain('-----BEGIN CERTIFICATE-----');
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: server.url,
      budget: AbortSignal.timeout(10_000),
    });
    expect(result.reason).toBeUndefined();
    expect(result.verdict).toBe('Succeeded');
    expect(server.sni).toEqual(['shop.example.com']);
    expect(server.hosts).toEqual([`shop.example.com:${new URL(server.url).port}`]);
  });

  it('without serverName fails at once, naming the setting to use', async () => {
    const server = await serveTls(pki, (_req, res) => res.end('ok'));
    const started = performance.now();
    const result = await run(server.url, {
      tls: { ca: loadSuiteFile(suiteFile).tls?.ca },
      readiness: { path: '/', budgetMs: 30_000 },
      checks: [{ name: 'home', path: '/' }],
    });
    // at once, not after the 30 s readiness budget (wide for a loaded CI)
    expect(performance.now() - started).toBeLessThan(10_000);
    expect(result.verdict).toBe('Failed');
    expect(result.reason).toMatch(
      /certificate is not valid for 127\.0\.0\.1 .*set tls\.serverName/,
    );
  });

  it('without the CA fails at once, naming tls.caFile; verification cannot be turned off', async () => {
    const server = await serveTls(pki, (_req, res) => res.end('ok'));
    const result = await run(server.url, {
      tls: { serverName: 'shop.example.com' },
      readiness: { path: '/', budgetMs: 30_000 },
      checks: [{ name: 'home', path: '/' }],
    });
    expect(result.reason).toMatch(/not signed by a trusted CA .*set tls\.caFile/);
    expect(result.readiness?.attempts).toBe(1);
  });
});

describe('responses real apps send', () => {
  it('judges a 6 MiB page on its status without downloading it all, and says when a body check saw only the start', async () => {
    const page = Buffer.alloc(6 * 1024 * 1024, 'a');
    const server = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'text/html', 'content-length': page.length });
      res.end(Buffer.concat([Buffer.from('<html>'), page]));
    });
    const ok = await run(server.url, { checks: [{ name: 'big', path: '/' }] });
    expect(ok.verdict).toBe('Succeeded');
    const cut = await run(server.url, {
      checks: [{ name: 'big', path: '/', expect: { bodyContains: '</html>' } }],
    });
    expect(cut.reason).toBe(
      'check "big" failed: body does not contain "</html>" (judged on the first 1048576 bytes: the body is larger)',
    );
  });

  it('decodes bodies with the charset of the response: EUC-KR and latin-1', async () => {
    const korean = Buffer.from([0xc8, 0xaf, 0xbf, 0xb5, 0xc7, 0xd5, 0xb4, 0xcf, 0xb4, 0xd9]);
    const server = await serve((req, res) => {
      if (req.url === '/ko') {
        res.writeHead(200, { 'content-type': 'text/html; charset=EUC-KR' });
        res.end(korean);
      } else {
        res.writeHead(200, { 'content-type': 'text/plain; charset=iso-8859-1' });
        res.end(Buffer.from([0x63, 0x61, 0x66, 0xe9]));
      }
    });
    const result = await run(server.url, {
      checks: [
        { name: 'ko', path: '/ko', expect: { bodyContains: '환영합니다' } },
        { name: 'fr', path: '/fr', expect: { bodyContains: 'café' } },
      ],
    });
    expect(result.reason).toBeUndefined();
  });

  it('retries 429 and 503, honouring Retry-After', async () => {
    let calls = 0;
    const times: number[] = [];
    const server = await serve((_req, res) => {
      calls++;
      times.push(performance.now());
      if (calls === 1) res.writeHead(429, { 'retry-after': '1' }).end();
      else if (calls === 2) res.writeHead(503, { 'retry-after': '0' }).end();
      else res.end('ok');
    });
    const result = await run(server.url, { checks: [{ name: 'limited', path: '/' }] });
    expect(result.verdict).toBe('Succeeded');
    expect(result.checks[0]?.attempts).toBe(3);
    expect((times[1] as number) - (times[0] as number)).toBeGreaterThanOrEqual(950);
  });

  it('shows the Location of a failing redirect', async () => {
    const server = await serve((_req, res) => {
      res.writeHead(301, { location: 'https://shop.example.com/' }).end();
    });
    const result = await run(server.url, { checks: [{ name: 'home', path: '/' }] });
    expect(result.reason).toBe(
      'check "home" failed: status 301, expected 200 (Location: "https://shop.example.com/")',
    );
  });

  it('says "truncated body" when the body ends before its Content-Length', async () => {
    const server = await serve((req, res) => {
      res.writeHead(200, { 'content-length': 100 });
      res.write('only part');
      setTimeout(() => req.socket.destroy(), 20);
    });
    const result = await run(server.url, { checks: [{ name: 'home', path: '/' }] });
    expect(result.reason).toMatch(/check "home" failed: truncated body/);
  });
});

describe('keep-alive', () => {
  it('a server closing idle sockets at 150 ms never fails a healthy check (300 checks, 2 attempts)', async () => {
    const server = await serve((_req, res) => res.end('ok'));
    server.server.keepAliveTimeout = 150;
    const checks = Array.from({ length: 300 }, (_, i) => ({
      name: `c${i}`,
      path: `/${i}`,
      // spread the requests around the idle timeout
      timeoutMs: 2_000,
    }));
    let failures = 0;
    for (let round = 0; round < 3; round++) {
      const result = await run(server.url, {
        retry: { attempts: 2, backoffMs: 1, maxBackoffMs: 1 },
        concurrency: 2,
        checks,
      });
      if (result.verdict !== 'Succeeded') failures++;
      await new Promise((r) => setTimeout(r, 140 + round * 5));
    }
    expect(failures).toBe(0);
  });

  it('a reset on a reused idle socket is replayed on a fresh connection without costing an attempt', async () => {
    let requests = 0;
    const server = await serve((req, res) => {
      requests++;
      // The first request on a socket is answered; a later one (a reused socket) is reset,
      // as a load balancer that silently dropped the idle connection would.
      const socket = req.socket as typeof req.socket & { served?: boolean };
      if (socket.served) {
        socket.resetAndDestroy();
        return;
      }
      socket.served = true;
      res.end('ok');
    });
    const result = await run(server.url, {
      retry: { attempts: 1, backoffMs: 1, maxBackoffMs: 1 },
      concurrency: 1,
      checks: [
        { name: 'first', path: '/1' },
        { name: 'second', path: '/2' },
        { name: 'third', path: '/3' },
      ],
    });
    expect(result.reason).toBeUndefined();
    expect(result.checks.map((c) => c.attempts)).toEqual([1, 1, 1]);
    // the second check met the reset and was replayed on a one-off socket; the third got a new one
    expect(requests).toBe(4);
  });
});
