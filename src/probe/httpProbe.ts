/**
 * Sends one smoke request and describes what came back, classifying failures as transient (worth
 * another try: the task may still be starting, the socket was stale) or definite (fail at once).
 *
 * Built on node:http/https rather than an HTTP client library because a probe needs what only
 * the platform exposes: `reusedSocket` (a reset on a pooled keep-alive socket is the pool's
 * fault, not the app's, and is replayed once on a fresh connection), the body as a stream (keep
 * a capped prefix for assertions instead of failing a healthy large page), the raw bytes
 * (decoded with the response's charset), and per-request TLS settings (SNI, private CA).
 */
import http from 'node:http';
import https from 'node:https';
import { deadline } from '../time/deadline';
import {
  decodeBody,
  describeNetworkError,
  encodeBody,
  type ObservedResponse,
  parseRetryAfter,
  STALE_SOCKET_CODES,
  TRANSIENT_CODES,
  TRANSIENT_STATUSES,
} from './httpMessages';
import { describeTlsError, isTlsError, type TlsSettings } from './tls';

/** Sent with every request so apps can recognise (and e.g. not count) probe traffic. */
export const USER_AGENT = 'ecs-bluegreen-hooks-smoke/0.1';

/**
 * Body bytes kept for assertions. The rest is not downloaded (the connection is closed), and the
 * check is judged on this prefix, which the reasons mention: a smoke check never fails on size.
 */
export const MAX_BODY_BYTES = 1024 * 1024;

export { decodeBody, parseRetryAfter } from './httpMessages';

export interface ProbeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

export type ProbeOutcome =
  | {
      readonly kind: 'response';
      readonly response: ObservedResponse;
      readonly transient: boolean;
      /** Retry-After of a 429 or 503, in milliseconds. */
      readonly retryAfterMs?: number;
    }
  | {
      readonly kind: 'error';
      readonly reason: string;
      readonly transient: boolean;
      /** The suite's time budget ran out: neither retry nor blame the app. */
      readonly budgetExhausted: boolean;
      readonly latencyMs: number;
    };

export const isTransientStatus = (status: number): boolean => TRANSIENT_STATUSES.has(status);

export interface Prober {
  probe(request: ProbeRequest, budget: AbortSignal): Promise<ProbeOutcome>;
  /** Closes kept-alive sockets so a warm Lambda never reuses one the ALB has dropped. */
  close(): void;
}

interface RawAnswer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly bytes: Buffer;
  readonly bodyBytes: number;
  readonly cut: boolean;
  readonly truncated: boolean;
}

class StaleSocketError extends Error {
  public constructor(public readonly original: NodeJS.ErrnoException) {
    super(original.message);
  }
}

export interface ProberOptions {
  /**
   * Reuse connections between probes (default). A reset on a reused socket is replayed once on a
   * fresh one; `npm run bench` measures this against one connection per probe.
   */
  readonly keepAlive?: boolean;
}

export const createProber = (tls: TlsSettings = {}, options: ProberOptions = {}): Prober => {
  const keepAlive = options.keepAlive ?? true;
  const httpAgent = new http.Agent({ keepAlive });
  const httpsAgent = new https.Agent({ keepAlive });

  /** One exchange on one socket; rejects with StaleSocketError when a pooled socket was dead. */
  const exchange = (
    request: ProbeRequest,
    signal: AbortSignal,
    pooled: boolean,
  ): Promise<RawAnswer> =>
    new Promise<RawAnswer>((resolve, reject) => {
      const url = new URL(request.url);
      const secure = url.protocol === 'https:';
      const base = {
        'User-Agent': USER_AGENT,
        ...(tls.serverName && {
          Host: url.port ? `${tls.serverName}:${url.port}` : tls.serverName,
        }),
        ...request.headers,
      };
      const { payload, headers } = encodeBody(request.body, base);
      const agent = pooled ? (secure ? httpsAgent : httpAgent) : false;
      let answered = false;
      const options: https.RequestOptions = {
        method: request.method,
        headers,
        agent,
        signal,
        ...(secure && tls.serverName && { servername: tls.serverName }),
        ...(secure && tls.ca && { ca: tls.ca }),
      };
      const req = (secure ? https : http).request(url, options, (res) => {
        answered = true;
        const chunks: Buffer[] = [];
        let kept = 0;
        let seen = 0;
        let cut = false;
        res.on('data', (chunk: Buffer) => {
          seen += chunk.length;
          if (kept < MAX_BODY_BYTES) {
            const part = chunk.subarray(0, MAX_BODY_BYTES - kept);
            chunks.push(part);
            kept += part.length;
          }
          if (seen > MAX_BODY_BYTES && !cut) {
            // Enough to judge: stop downloading (the socket is not reused after this).
            cut = true;
            res.destroy();
          }
        });
        const done = () => {
          if (signal.aborted) return reject(signal.reason);
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            bytes: Buffer.concat(chunks),
            bodyBytes: seen,
            cut,
            truncated: !cut && !res.complete,
          });
        };
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => {
          // A reset mid-body: judged as a truncated body on 'close', unless the deadline hit.
          if (signal.aborted) reject(signal.reason);
        });
      });
      req.on('error', (error: NodeJS.ErrnoException) => {
        if (!answered && pooled && req.reusedSocket && STALE_SOCKET_CODES.has(error.code ?? '')) {
          reject(new StaleSocketError(error));
        } else {
          reject(error);
        }
      });
      req.end(payload);
    });

  const probe = async (request: ProbeRequest, budget: AbortSignal): Promise<ProbeOutcome> => {
    const started = performance.now();
    // One deadline covers the whole exchange (connect, headers, body), replay included: an idle
    // timeout would never fire on a server that trickles bytes.
    const limit = deadline(request.timeoutMs, budget);
    const failed = (reason: string, transient: boolean): ProbeOutcome => ({
      kind: 'error',
      reason,
      transient,
      budgetExhausted: false,
      latencyMs: performance.now() - started,
    });
    try {
      let answer: RawAnswer;
      try {
        answer = await exchange(request, limit.signal, true);
      } catch (error) {
        if (!(error instanceof StaleSocketError)) throw error;
        // The pool handed out a socket the server had closed: not the app's fault, and free.
        answer = await exchange(request, limit.signal, false);
      }
      const latencyMs = performance.now() - started;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(answer.headers)) {
        if (value !== undefined) headers[name] = Array.isArray(value) ? value.join(', ') : value;
      }
      const retryAfterMs =
        answer.status === 429 || answer.status === 503
          ? parseRetryAfter(headers['retry-after'])
          : undefined;
      return {
        kind: 'response',
        response: {
          status: answer.status,
          headers,
          body: decodeBody(answer.bytes, headers['content-type']),
          latencyMs,
          ...(answer.cut && { bodyCutAt: MAX_BODY_BYTES }),
          ...(answer.truncated && { truncated: true }),
        },
        transient: isTransientStatus(answer.status),
        ...(retryAfterMs !== undefined && { retryAfterMs }),
      };
    } catch (error) {
      if (budget.aborted) {
        return {
          kind: 'error',
          reason: 'time budget exhausted',
          transient: false,
          budgetExhausted: true,
          latencyMs: performance.now() - started,
        };
      }
      if (limit.expired) return failed(`no complete answer within ${request.timeoutMs} ms`, true);
      const e = error as NodeJS.ErrnoException;
      if (isTlsError(e)) return failed(describeTlsError(e, new URL(request.url), tls), false);
      const message = e instanceof Error ? e.message : String(error);
      return failed(
        describeNetworkError(e.code, message),
        e.code !== undefined && TRANSIENT_CODES.has(e.code),
      );
    } finally {
      limit.dispose();
    }
  };

  return {
    probe,
    close: () => {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
};
