/**
 * What a probe reads and writes on the wire, apart from the sending itself: the response an
 * assertion sees, which answers are transient, Retry-After, charsets, network error wording, and
 * request bodies.
 */

export interface ObservedResponse {
  readonly status: number;
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded with the response's charset; at most the probe's body cap. */
  readonly body: string;
  readonly latencyMs: number;
  /** Set when the body was larger than the cap and only its first bytes were kept. */
  readonly bodyCutAt?: number;
  /** The connection closed before the body announced by Content-Length had arrived. */
  readonly truncated?: boolean;
}

/** Busy, starting, or rate-limited: answers that may change on the next try. */
export const TRANSIENT_STATUSES = new Set([429, 502, 503, 504]);
export const TRANSIENT_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ECONNABORTED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
]);
/** A pooled socket the server had already dropped fails like this before any response byte. */
export const STALE_SOCKET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** Retry-After as seconds or an HTTP date; undefined when absent or unreadable. */
export const parseRetryAfter = (
  value: string | undefined,
  now = Date.now(),
): number | undefined => {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
};

/** The charset of a Content-Type, for TextDecoder; UTF-8 when absent or unknown. */
export const decodeBody = (bytes: Buffer, contentType: string | undefined): string => {
  const label = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? '')?.[1];
  let decoder: InstanceType<typeof TextDecoder>;
  try {
    decoder = new TextDecoder(label ?? 'utf-8');
  } catch {
    decoder = new TextDecoder('utf-8');
  }
  return decoder.decode(bytes);
};

export const describeNetworkError = (code: string | undefined, message: string): string => {
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

/** Request body and the headers it implies: strings as they are, anything else as JSON. */
export const encodeBody = (
  body: unknown,
  headers: Record<string, string>,
): { payload?: Buffer; headers: Record<string, string> } => {
  if (body === undefined) return { headers };
  const hasType = Object.keys(headers).some((h) => h.toLowerCase() === 'content-type');
  const payload = Buffer.from(typeof body === 'string' ? body : JSON.stringify(body), 'utf8');
  return {
    payload,
    headers: {
      ...(!hasType && typeof body !== 'string' && { 'Content-Type': 'application/json' }),
      ...headers,
      'Content-Length': String(payload.length),
    },
  };
};
