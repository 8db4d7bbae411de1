/**
 * Servers on 127.0.0.1 that behave like real ones do on a bad day: stale keep-alive sockets,
 * huge pages, odd charsets, truncated bodies, TLS certificates for another name. Each is stopped
 * after the test file.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const running: Array<() => Promise<void>> = [];
afterAll(async () => {
  await Promise.all(running.splice(0).map((stop) => stop()));
});

export interface TestServer {
  readonly url: string;
  readonly server: http.Server;
  /** Requests received, by path. */
  readonly paths: string[];
}

const track = (server: http.Server, scheme: 'http' | 'https') =>
  new Promise<{ url: string; server: http.Server }>((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      running.push(
        () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      );
      resolve({ url: `${scheme}://127.0.0.1:${port}`, server });
    });
  });

/** An HTTP server on 127.0.0.1 answering with `handler`. */
export const serve = async (handler: http.RequestListener): Promise<TestServer> => {
  const seen: string[] = [];
  const server = http.createServer((req, res) => {
    seen.push(req.url ?? '');
    handler(req, res);
  });
  const started = await track(server, 'http');
  return { ...started, paths: seen };
};

export interface Pki {
  readonly dir: string;
  readonly caFile: string;
  readonly key: string;
  readonly cert: string;
}

/** A private CA and a certificate for `name` signed by it, made with openssl. */
export const makePki = (name: string): Pki => {
  const dir = mkdtempSync(join(tmpdir(), 'bgh-pki-'));
  running.push(async () => rmSync(dir, { recursive: true, force: true }));
  const ssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  ssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.pem',
    '-days',
    '2',
    '-subj',
    '/CN=Test CA',
  );
  ssl(
    'req',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'site.key',
    '-out',
    'site.csr',
    '-subj',
    `/CN=${name}`,
  );
  writeFileSync(join(dir, 'ext.cnf'), `subjectAltName=DNS:${name}\n`);
  ssl(
    'x509',
    '-req',
    '-in',
    'site.csr',
    '-CA',
    'ca.pem',
    '-CAkey',
    'ca.key',
    '-CAcreateserial',
    '-out',
    'site.pem',
    '-days',
    '2',
    '-extfile',
    'ext.cnf',
  );
  return {
    dir,
    caFile: join(dir, 'ca.pem'),
    key: readFileSync(join(dir, 'site.key'), 'utf8'),
    cert: readFileSync(join(dir, 'site.pem'), 'utf8'),
  };
};

/** An HTTPS server on 127.0.0.1 with the PKI's certificate; records the Host and SNI it got. */
export const serveTls = async (
  pki: Pki,
  handler: http.RequestListener,
): Promise<TestServer & { hosts: string[]; sni: string[] }> => {
  const hosts: string[] = [];
  const sni: string[] = [];
  const server = https.createServer({ key: pki.key, cert: pki.cert }, (req, res) => {
    hosts.push(String(req.headers.host));
    sni.push(String((req.socket as unknown as { servername?: string }).servername));
    handler(req, res);
  });
  const started = await track(server as unknown as http.Server, 'https');
  return { ...started, paths: [], hosts, sni };
};
