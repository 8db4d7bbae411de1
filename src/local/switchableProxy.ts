/**
 * A stand-in for an ALB listener: a small reverse proxy on 127.0.0.1 whose target (a target
 * group, here one sample app) can be switched, as CodeDeploy switches listener rules. It can
 * also split (a canary step: a share of the requests to another target, spread evenly) and route
 * by header (Service Connect's test traffic: only a request carrying the header reaches green).
 */
import http from 'node:http';
import { LoopbackHttpServer } from './loopback';

export interface ProxyTarget {
  readonly label: string;
  readonly url: string;
}

export interface ProxySplit {
  readonly target: ProxyTarget;
  /** Percent of the requests that go to `target` (0-100). */
  readonly percent: number;
}

export interface HeaderRoute {
  readonly target: ProxyTarget;
  readonly name: string;
  /** The exact value; any value when absent. */
  readonly value?: string;
}

export class SwitchableProxy extends LoopbackHttpServer {
  private readonly agent = new http.Agent({ keepAlive: true });
  private splitTo: ProxySplit | undefined;
  private byHeader: HeaderRoute | undefined;
  private count = 0;
  /** Told of every request a target answered (the world turns them into the ALB's metrics). */
  public onForwarded:
    | ((target: ProxyTarget, status: number, latencyMs: number) => void)
    | undefined;
  /** Told of every request the proxy answered 502 itself: the target could not be reached. */
  public onElbError: ((target: ProxyTarget) => void) | undefined;

  public constructor(
    public readonly name: string,
    private current: ProxyTarget,
  ) {
    super();
  }

  public get target(): ProxyTarget {
    return this.current;
  }

  /** Where requests go, as a person reads it: one target, or the split's shares. */
  public get routeLabel(): string {
    const split = this.splitTo;
    return split
      ? `${this.current.label} ${100 - split.percent} % + ${split.target.label} ${split.percent} %`
      : this.current.label;
  }

  public switchTo(target: ProxyTarget): void {
    this.current = target;
    this.splitTo = undefined;
  }

  /** `current` keeps the rest; `split.percent` of the requests, evenly spread, go to the split. */
  public split(split: ProxySplit | undefined): void {
    this.splitTo = split;
  }

  public routeByHeader(route: HeaderRoute | undefined): void {
    this.byHeader = route;
  }

  /** Where a request goes: the header route if it carries the header, else by the split. */
  private targetFor(req: http.IncomingMessage): ProxyTarget {
    const h = this.byHeader;
    if (h) {
      const value = req.headers[h.name.toLowerCase()];
      if (value !== undefined && (h.value === undefined || value === h.value)) return h.target;
      return this.current;
    }
    const split = this.splitTo;
    if (!split) return this.current;
    const n = this.count++;
    const share = (k: number) => Math.floor((k * split.percent) / 100);
    return share(n + 1) > share(n) ? split.target : this.current;
  }

  public override stop(): Promise<void> {
    this.agent.destroy();
    return super.stop();
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chosen = this.targetFor(req);
    const target = new URL(req.url ?? '/', chosen.url);
    const started = performance.now();
    const upstream = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host }, agent: this.agent },
      (answer) => {
        this.onForwarded?.(chosen, answer.statusCode ?? 502, performance.now() - started);
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // As an ALB does: a target that cannot be reached is a 502 to the client, from the load
    // balancer itself (an ELB 5xx in its metrics, not the target's).
    upstream.on('error', () => {
      if (!res.headersSent) {
        this.onElbError?.(chosen);
        res.writeHead(502, { 'content-type': 'text/plain' });
      }
      res.end('Bad Gateway');
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
