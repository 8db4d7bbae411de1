/**
 * A stand-in for an ALB listener: a small reverse proxy on 127.0.0.1 whose target (a target
 * group, here one sample app) can be switched, as CodeDeploy switches listener rules.
 */
import http from 'node:http';
import { LoopbackHttpServer } from './loopback';

export interface ProxyTarget {
  readonly label: string;
  readonly url: string;
}

export class SwitchableProxy extends LoopbackHttpServer {
  private readonly agent = new http.Agent({ keepAlive: true });

  public constructor(
    public readonly name: string,
    private current: ProxyTarget,
  ) {
    super();
  }

  public get target(): ProxyTarget {
    return this.current;
  }

  public switchTo(target: ProxyTarget): void {
    this.current = target;
  }

  public override stop(): Promise<void> {
    this.agent.destroy();
    return super.stop();
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const target = new URL(req.url ?? '/', this.current.url);
    const upstream = http.request(
      target,
      { method: req.method, headers: { ...req.headers, host: target.host }, agent: this.agent },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    // As an ALB does: a target that cannot be reached is a 502 to the client.
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('Bad Gateway');
    });
    res.on('close', () => upstream.destroy());
    req.pipe(upstream);
  }
}
