/**
 * A green app whose behaviour a test scripts per invocation, on 127.0.0.1: healthy, broken (500
 * everywhere), failing only on the path sampled checks use, still starting (503), or hanging
 * (accepts the request, never answers). It counts every request, so a test can ask whether an
 * answer rested on a request that reached green.
 */
import type http from 'node:http';
import { LoopbackHttpServer } from '../../src/local/loopback';

export const GREEN_BEHAVIOURS = [
  'healthy',
  'broken',
  'fails-sampled',
  'starting',
  'hanging',
] as const;
export type ScriptedBehaviour = (typeof GREEN_BEHAVIOURS)[number];

/** The path the property suites' sampled check uses. */
export const SAMPLED_PATH = '/sampled';

/** What the property suites share: fast timeouts, one check, and a short load probe on /sampled. */
export const PROPERTY_SUITE_BASE = {
  timeoutMs: 150,
  retry: { attempts: 1, backoffMs: 10, maxBackoffMs: 10 },
  checks: [{ name: 'home', path: '/' }],
  sampled: [
    {
      name: 'load',
      paths: [SAMPLED_PATH],
      ratePerSecond: 100,
      durationMs: 50,
      timeoutMs: 150,
      expect: { minSamples: 3 },
    },
  ],
};

export class ScriptedGreen extends LoopbackHttpServer {
  public behaviour: ScriptedBehaviour = 'healthy';
  public requests = 0;
  private readonly hanging = new Set<http.ServerResponse>();

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    this.requests++;
    const b = this.behaviour;
    if (b === 'hanging') {
      this.hanging.add(res);
      res.on('close', () => this.hanging.delete(res));
      return;
    }
    const status =
      b === 'broken' || (b === 'fails-sampled' && req.url === SAMPLED_PATH)
        ? 500
        : b === 'starting'
          ? 503
          : 200;
    res.writeHead(status, { 'content-type': 'text/html' }).end('<html>green</html>');
  }

  public override stop(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    return super.stop();
  }
}
