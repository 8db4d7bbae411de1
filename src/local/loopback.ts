/** Start, address and stop an HTTP server on 127.0.0.1 only: the local stand-ins never listen wider. */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export const listenOnLoopback = async (server: http.Server): Promise<string> => {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return loopbackUrl(server);
};

export const loopbackUrl = (server: http.Server): string =>
  `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

export const closeServer = async (server: http.Server): Promise<void> => {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
};

/**
 * Reads a request of the AWS JSON protocols (POST /, X-Amz-Target: `<prefix>.<Operation>`),
 * then calls `onRequest` with the operation ('' for another target) and the body ({} when it is
 * empty or not JSON: each endpoint answers that as the service would).
 */
export const readJsonRpc = (
  req: http.IncomingMessage,
  targetPrefix: string,
  onRequest: (operation: string, body: Record<string, unknown>) => void,
): void => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const operation = target.startsWith(targetPrefix) ? target.slice(targetPrefix.length) : '';
    let body: Record<string, unknown> = {};
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}');
    } catch {
      // answered by the endpoint
    }
    onRequest(operation, body);
  });
};

/** Base of the local stand-ins: an HTTP server on 127.0.0.1 that subclasses answer. */
export abstract class LoopbackHttpServer {
  protected readonly server = http.createServer((req, res) => this.handle(req, res));

  protected abstract handle(req: http.IncomingMessage, res: http.ServerResponse): void;

  public start(): Promise<string> {
    return listenOnLoopback(this.server);
  }

  public get url(): string {
    return loopbackUrl(this.server);
  }

  public stop(): Promise<void> {
    return closeServer(this.server);
  }
}
