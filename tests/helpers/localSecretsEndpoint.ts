/**
 * A loopback endpoint that answers SSM GetParameter and Secrets Manager GetSecretValue in their
 * JSON 1.1 protocol, for the real SDK clients behind Powertools Parameters.
 */
import http from 'node:http';
import { closeServer, listenOnLoopback } from '../../src/local/loopback';

export interface SecretsEndpoint {
  readonly url: string;
  readonly calls: Array<{ target: string; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export const startSecretsEndpoint = async (
  parameters: Record<string, string>,
  secrets: Record<string, string>,
): Promise<SecretsEndpoint> => {
  const calls: SecretsEndpoint['calls'] = [];
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const target = String(req.headers['x-amz-target']);
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as Record<
        string,
        unknown
      >;
      calls.push({ target, body });
      const answer = (status: number, payload: unknown) => {
        res.writeHead(status, { 'content-type': 'application/x-amz-json-1.1' });
        res.end(JSON.stringify(payload));
      };
      if (target === 'AmazonSSM.GetParameter') {
        const value = parameters[String(body.Name)];
        if (value === undefined)
          return answer(400, { __type: 'ParameterNotFound', message: 'not found' });
        return answer(200, {
          Parameter: { Name: body.Name, Type: 'SecureString', Value: value, Version: 1 },
        });
      }
      if (target === 'secretsmanager.GetSecretValue') {
        const value = secrets[String(body.SecretId)];
        if (value === undefined)
          return answer(400, { __type: 'ResourceNotFoundException', message: 'not found' });
        return answer(200, {
          Name: body.SecretId,
          SecretString: value,
          ARN: `arn:aws:secretsmanager:us-east-1:123456789012:secret:${body.SecretId}-AbCdEf`,
        });
      }
      return answer(400, { __type: 'UnknownOperationException', message: target });
    });
  });
  const url = await listenOnLoopback(server);
  return { url, calls, stop: () => closeServer(server) };
};
