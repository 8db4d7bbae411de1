/**
 * Keep-alive with replay on stale sockets (what the probe does) against one connection per
 * probe, on an HTTPS server that closes idle sockets at 150 ms, as ALBs and app servers do.
 * HTTPS because that is where a new connection costs most: a TLS handshake per probe.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSmokeSuite } from '../../src/engine/runSmokeSuite';
import { validateSuite } from '../../src/suite/validateSuite';
import { type BenchRun, stats } from './stats';

export const benchKeepAlive = async (run_: BenchRun) => {
  const dir = mkdtempSync(join(tmpdir(), 'bgh-bench-tls-'));
  execFileSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      'key.pem',
      '-out',
      'cert.pem',
    ].concat([
      '-days',
      '1',
      '-subj',
      '/CN=bench.local',
      '-addext',
      'subjectAltName=DNS:bench.local',
    ]),
    { cwd: dir, stdio: 'pipe' },
  );
  const cert = readFileSync(join(dir, 'cert.pem'), 'utf8');
  const key = readFileSync(join(dir, 'key.pem'), 'utf8');
  rmSync(dir, { recursive: true, force: true });
  const server = https.createServer({ key, cert }, (_req, res) => res.end('ok'));
  server.keepAliveTimeout = 150;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  const suite = validateSuite(
    {
      name: 'keep-alive',
      concurrency: 2,
      tls: { serverName: 'bench.local', ca: cert },
      retry: { attempts: 2, backoffMs: 1, maxBackoffMs: 1 },
      checks: Array.from({ length: 300 }, (_, i) => ({ name: `c${i}`, path: `/${i}` })),
    },
    'bench',
  );
  const once = async (keepAlive: boolean) => {
    const started = performance.now();
    const result = await runSmokeSuite({
      suite,
      hook: 'AfterAllowTestTraffic',
      baseUrl: `https://127.0.0.1:${port}`,
      budget: AbortSignal.timeout(60_000),
      keepAlive,
    });
    if (result.verdict !== 'Succeeded') throw new Error(`keep-alive run failed: ${result.reason}`);
    return performance.now() - started;
  };
  const ours: number[] = [];
  const fresh: number[] = [];
  for (let i = 0; i < run_.runs; i++) {
    ours.push(await once(true));
    fresh.push(await once(false));
  }
  server.closeAllConnections();
  server.close();
  const o = stats(ours);
  const f = stats(fresh);
  run_.figures.push({
    name: '300 checks over HTTPS, server closing idle sockets at 150 ms: keep-alive + replay',
    ours: o,
    reference: f,
    referenceName: 'one connection per probe',
    unit: 'ms',
    goal: 'no failed check (a failure aborts the bench); the time ratio is reported, not judged',
    goalMet: true,
    note: 'on loopback the two are within noise; across a network each new connection costs a TLS handshake (2 RTT), which keep-alive saves',
  });
};
