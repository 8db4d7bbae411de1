/**
 * What never reaches a log line: credentials in well-known headers and any header whose value
 * came from a secret.
 */
const ALWAYS_SENSITIVE = new Set(['authorization', 'cookie', 'set-cookie', 'proxy-authorization']);

export const REDACTED = '[redacted]';

export const isSensitiveHeader = (name: string, secretHeaders: ReadonlySet<string> = new Set()) =>
  ALWAYS_SENSITIVE.has(name.toLowerCase()) || secretHeaders.has(name.toLowerCase());

export const redactHeaders = (
  headers: Readonly<Record<string, string>>,
  secretHeaders: ReadonlySet<string> = new Set(),
): Record<string, string> =>
  Object.fromEntries(
    Object.entries(headers).map(([name, value]) => [
      name,
      isSensitiveHeader(name, secretHeaders) ? REDACTED : value,
    ]),
  );
