/**
 * A stand-in for the green (or blue) ECS service: a small website on 127.0.0.1 whose behaviour
 * can be set to the ways real releases break. Used by the tests, the rehearsal and the benchmark.
 */
import http from 'node:http';
import { closeServer, LoopbackHttpServer, listenOnLoopback } from './loopback';

export const APP_BEHAVIOURS = [
  'healthy',
  'broken',
  'slow-start',
  'hang',
  'flaky',
  'errors-5pct',
  // Real users' path /cart answers 500 to one request in 16; the paths checks probe are fine.
  'cart-errors',
  // One request in 25 takes 400 ms longer: the median is fine, the p99 is not.
  'slow-p99',
  // Real users' /cart drops the connection on one request in 16 (a crashing handler): the load
  // balancer answers 502 itself, which counts as an ELB 5xx, not a target 5xx.
  'cart-resets',
] as const;
export type AppBehaviour = (typeof APP_BEHAVIOURS)[number];

export interface SampleAppOptions {
  readonly version: string;
  readonly behaviour?: AppBehaviour;
  /** slow-start: answers 503 (and resets connections) for this long after start. */
  readonly startupMs?: number;
  /** Delay before every answer. */
  readonly latencyMs?: number;
  /**
   * Spread the delay uniformly over latencyMs × (1 ± fraction), from a seeded generator, so a
   * benchmark's noisy service is the same noise in every run.
   */
  readonly jitter?: { readonly fraction: number; readonly seed: number };
}

/** mulberry32: a tiny seeded generator (Math.random cannot be seeded). */
const seededRandom = (seed: number): (() => number) => {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
};

export class SampleApp extends LoopbackHttpServer {
  private startedAt = 0;
  private requestCount = 0;
  public readonly paths: string[] = [];
  /** When each request arrived (performance.now()), in order: the load a probe put on it. */
  public readonly arrivals: number[] = [];
  /** Headers of every request, in order. */
  public readonly headers: http.IncomingHttpHeaders[] = [];
  private inFlight = 0;
  /** Most requests seen in flight at once. */
  public maxInFlight = 0;

  private readonly random: (() => number) | undefined;

  public constructor(private readonly options: SampleAppOptions) {
    super();
    this.random = options.jitter && seededRandom(options.jitter.seed);
  }

  private changedBehaviour: AppBehaviour | undefined;
  private cartRequests = 0;

  public get behaviour(): AppBehaviour {
    return this.changedBehaviour ?? this.options.behaviour ?? 'healthy';
  }

  /** Changes how the app answers from now on (a green that recovers, or breaks). */
  public setBehaviour(behaviour: AppBehaviour): void {
    this.changedBehaviour = behaviour;
  }

  public override async start(): Promise<string> {
    const url = await super.start();
    this.startedAt = Date.now();
    return url;
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    // The request's own arrival number: answers are delayed, so the count moves on meanwhile.
    const index = ++this.requestCount;
    this.paths.push(req.url ?? '');
    this.arrivals.push(performance.now());
    this.headers.push(req.headers);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    res.on('close', () => this.inFlight--);
    const answer = () => this.answer(req, res, index);
    const base = this.options.latencyMs ?? 0;
    const spread = this.random && this.options.jitter ? this.options.jitter.fraction : 0;
    const jittered = spread ? base * (1 + spread * (2 * (this.random?.() ?? 0.5) - 1)) : base;
    const latency = jittered + (this.behaviour === 'slow-p99' && index % 25 === 0 ? 400 : 0);
    if (latency > 0) setTimeout(answer, latency);
    else answer();
  }

  private answer(req: http.IncomingMessage, res: http.ServerResponse, index: number): void {
    const { version } = this.options;
    switch (this.behaviour) {
      case 'hang':
        return; // accepts, reads, never answers
      case 'broken':
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end('Internal Server Error');
        return;
      case 'slow-start':
        if (Date.now() - this.startedAt < (this.options.startupMs ?? 3_000)) {
          res.writeHead(503, { 'content-type': 'text/plain', 'retry-after': '1' });
          res.end('Starting');
          return;
        }
        break;
      case 'errors-5pct':
        // Every 20th request answers 500: healthy to a few checks, not under load.
        if (index % 20 === 0) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal Server Error');
          return;
        }
        break;
      case 'cart-errors':
        if ((req.url ?? '').startsWith('/cart') && ++this.cartRequests % 16 === 0) {
          res.writeHead(500, { 'content-type': 'text/plain' });
          res.end('Internal Server Error');
          return;
        }
        break;
      case 'cart-resets':
        if ((req.url ?? '').startsWith('/cart') && ++this.cartRequests % 16 === 0) {
          req.socket.destroy();
          return;
        }
        break;
      case 'flaky':
        if (index % 2 === 1) {
          req.socket.destroy(); // connection reset, a transient failure
          return;
        }
        break;
      default:
        break;
    }
    const path = (req.url ?? '/').split('?')[0];
    if (path === '/') {
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(
        `<!doctype html><html><head><title>Sample app ${version}</title></head><body><h1>Sample app ${version}</h1></body></html>`,
      );
    } else if (path === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: 'ok', version }));
    } else if (path === '/cart') {
      // What real users do and no check of the sample suites probes.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ items: [], version }));
    } else if (path === '/version') {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ version }));
    } else {
      res.writeHead(404, { 'content-type': 'text/plain' });
      res.end('Not Found');
    }
  }
}

/** A loopback port with nothing listening on it: connections to it are refused. */
export const closedPortUrl = async (): Promise<string> => {
  const server = http.createServer();
  const url = await listenOnLoopback(server);
  await closeServer(server);
  return url;
};
