/**
 * Sends one smoke request with axios and describes what came back, classifying failures as
 * transient (worth a retry: the task may still be starting) or definite (fail at once).
 */
import http from 'node:http';
import https from 'node:https';
import axios, { type AxiosInstance, isAxiosError } from 'axios';
import type { ObservedResponse } from './assertions';

/** Sent with every request so apps can recognise (and e.g. not count) probe traffic. */
export const USER_AGENT = 'ecs-bluegreen-hooks-smoke/0.1';

/** Bodies above this are cut off: a smoke check has no business downloading a large file. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const TRANSIENT_STATUSES = new Set([502, 503, 504]);
const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);

export interface ProbeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
  readonly timeoutMs: number;
}

export type ProbeOutcome =
  | { readonly kind: 'response'; readonly response: ObservedResponse; readonly transient: boolean }
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

const describeNetworkError = (code: string | undefined, message: string): string => {
  switch (code) {
    case 'ECONNREFUSED':
      return 'connection refused';
    case 'ECONNRESET':
      return 'connection reset';
    case 'ENOTFOUND':
      return `host not found (${message})`;
    default:
      return code ? `${code}: ${message}` : message;
  }
};

export const createProber = (): Prober => {
  const httpAgent = new http.Agent({ keepAlive: true });
  const httpsAgent = new https.Agent({ keepAlive: true });
  const client: AxiosInstance = axios.create({
    httpAgent,
    httpsAgent,
    maxRedirects: 0,
    maxContentLength: MAX_BODY_BYTES,
    responseType: 'text',
    transformResponse: [(data: unknown) => data],
    validateStatus: () => true,
    proxy: false,
  });

  const probe = async (request: ProbeRequest, budget: AbortSignal): Promise<ProbeOutcome> => {
    const started = performance.now();
    // One signal covers the whole exchange (connect, headers, body): axios' own timeout is only
    // an idle-socket timeout, which a server that trickles bytes never trips.
    const timeout = AbortSignal.timeout(request.timeoutMs);
    try {
      const res = await client.request<string>({
        method: request.method,
        url: request.url,
        headers: { 'User-Agent': USER_AGENT, ...request.headers },
        data: request.body,
        signal: AbortSignal.any([budget, timeout]),
      });
      const latencyMs = performance.now() - started;
      const headers: Record<string, string> = {};
      for (const [name, value] of Object.entries(res.headers)) {
        if (value !== undefined && value !== null) {
          headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : String(value);
        }
      }
      return {
        kind: 'response',
        response: { status: res.status, headers, body: res.data ?? '', latencyMs },
        transient: isTransientStatus(res.status),
      };
    } catch (error) {
      const latencyMs = performance.now() - started;
      if (budget.aborted) {
        return {
          kind: 'error',
          reason: 'time budget exhausted',
          transient: false,
          budgetExhausted: true,
          latencyMs,
        };
      }
      if (timeout.aborted) {
        return {
          kind: 'error',
          reason: `no complete answer within ${request.timeoutMs} ms`,
          transient: true,
          budgetExhausted: false,
          latencyMs,
        };
      }
      const code = isAxiosError(error) ? error.code : undefined;
      const message = error instanceof Error ? error.message : String(error);
      return {
        kind: 'error',
        reason: describeNetworkError(code, message),
        transient: code !== undefined && TRANSIENT_CODES.has(code),
        budgetExhausted: false,
        latencyMs,
      };
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
