/**
 * A local endpoint that speaks ELBv2's AWS Query protocol (POST /, form-encoded `Action` and
 * `Version=2015-12-01`, XML answers, errors as `<ErrorResponse>`), for the real AWS SDK, from the
 * local world's load balancer, listeners and target groups. Records every request; faults can be
 * injected per operation. Loopback only.
 */
import type http from 'node:http';
import type { LocalAwsWorld, WorldForward, WorldListener } from './awsWorld';
import { LoopbackHttpServer } from './loopback';

const NS = 'http://elasticloadbalancing.amazonaws.com/doc/2015-12-01/';

export interface ElbRequest {
  readonly action: string;
  readonly params: URLSearchParams;
}

export interface ElbFault {
  readonly code: string;
  readonly message?: string;
  readonly httpStatus?: number;
}

const escapeXml = (text: string) =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Objects become elements, arrays become `<member>` lists, as the Query protocol writes them. */
export const toXml = (value: unknown): string => {
  if (Array.isArray(value)) return value.map((v) => `<member>${toXml(v)}</member>`).join('');
  if (value !== null && typeof value === 'object') {
    return Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .map(([k, v]) => `<${k}>${toXml(v)}</${k}>`)
      .join('');
  }
  return escapeXml(String(value));
};

/** `Name.member.1`, `Name.member.2`… */
const listParam = (params: URLSearchParams, name: string): string[] =>
  [...params.entries()]
    .filter(([k]) => k.startsWith(`${name}.member.`))
    .sort(([a], [b]) => Number(a.split('.').pop()) - Number(b.split('.').pop()))
    .map(([, v]) => v);

const forwardAction = (forwards: readonly WorldForward[]) => [
  {
    Type: 'forward',
    Order: 1,
    ...(forwards.length === 1 && { TargetGroupArn: forwards[0]?.targetGroupArn }),
    ForwardConfig: {
      TargetGroups: forwards.map((f) => ({ TargetGroupArn: f.targetGroupArn, Weight: f.weight })),
    },
  },
];

export class LocalElbv2Endpoint extends LoopbackHttpServer {
  public readonly requests: ElbRequest[] = [];
  private readonly faults = new Map<string, ElbFault[]>();

  public constructor(private readonly world: LocalAwsWorld) {
    super();
  }

  public failNext(action: string, fault: ElbFault, times = 1): void {
    const queue = this.faults.get(action) ?? [];
    for (let i = 0; i < times; i++) queue.push(fault);
    this.faults.set(action, queue);
  }

  protected handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const params = new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
      const action = params.get('Action') ?? '';
      this.requests.push({ action, params });
      const send = (status: number, xml: string) => {
        res.writeHead(status, { 'content-type': 'text/xml' });
        res.end(xml);
      };
      const fault = this.faults.get(action)?.shift();
      if (fault) return send(fault.httpStatus ?? 400, this.error(fault.code, fault.message));
      if (params.get('Version') !== '2015-12-01') {
        return send(400, this.error('InvalidAction', 'Version must be 2015-12-01'));
      }
      const result = this.answer(action, params);
      if ('error' in result) return send(400, this.error(result.error, result.message));
      send(
        200,
        `<${action}Response xmlns="${NS}"><${action}Result>${toXml(result.body)}</${action}Result><ResponseMetadata><RequestId>local-${this.requests.length}</RequestId></ResponseMetadata></${action}Response>`,
      );
    });
  }

  private error(code: string, message = code): string {
    return `<ErrorResponse xmlns="${NS}"><Error><Type>Sender</Type><Code>${escapeXml(code)}</Code><Message>${escapeXml(message)}</Message></Error><RequestId>local-${this.requests.length}</RequestId></ErrorResponse>`;
  }

  private answer(
    action: string,
    params: URLSearchParams,
  ): { body: unknown } | { error: string; message: string } {
    switch (action) {
      case 'DescribeListeners': {
        const arns = listParam(params, 'ListenerArns');
        const found = arns.map((a) => this.world.listeners.get(a));
        if (found.some((l) => !l))
          return { error: 'ListenerNotFound', message: 'One or more listeners not found' };
        return { body: { Listeners: (found as WorldListener[]).map((l) => this.listener(l)) } };
      }
      case 'DescribeLoadBalancers': {
        const arns = listParam(params, 'LoadBalancerArns');
        if (arns.some((a) => a !== this.world.loadBalancerArn)) {
          return { error: 'LoadBalancerNotFound', message: 'One or more load balancers not found' };
        }
        return {
          body: {
            LoadBalancers: arns.map((a) => ({
              LoadBalancerArn: a,
              DNSName: this.world.dnsName,
              LoadBalancerName: a.split('/')[2],
              Scheme: 'internet-facing',
              Type: 'application',
            })),
          },
        };
      }
      case 'DescribeRules': {
        const listener = this.world.listeners.get(params.get('ListenerArn') ?? '');
        if (!listener) return { error: 'ListenerNotFound', message: 'Listener not found' };
        return {
          body: {
            Rules: [
              {
                RuleArn: `${listener.arn.replace(':listener/', ':listener-rule/')}/default`,
                Priority: 'default',
                IsDefault: true,
                Conditions: [],
                Actions: forwardAction(listener.forwards),
              },
            ],
          },
        };
      }
      case 'DescribeTargetHealth': {
        const group = this.world.targetGroups.get(params.get('TargetGroupArn') ?? '');
        if (!group) return { error: 'TargetGroupNotFound', message: 'Target group not found' };
        return {
          body: {
            TargetHealthDescriptions: group.targets.map((t) => ({
              Target: { Id: t.id, Port: 80 },
              HealthCheckPort: '80',
              TargetHealth: { State: t.state },
            })),
          },
        };
      }
      default:
        return { error: 'InvalidAction', message: `${action} is not simulated` };
    }
  }

  private listener(l: WorldListener) {
    return {
      ListenerArn: l.arn,
      LoadBalancerArn: this.world.loadBalancerArn,
      Port: l.port,
      Protocol: l.protocol,
      DefaultActions: forwardAction(l.forwards),
    };
  }
}
