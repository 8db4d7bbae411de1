/**
 * The base URL a suite runs against (TEST_LISTENER_URL, `--url`): parsed and checked in one
 * place. Check paths are appended to it, so a query or fragment would swallow them:
 * `http://h/?tenant=a` + `/health` is `http://h/?tenant=a/health`, which asks for the wrong page
 * and may well pass.
 */
export type BaseUrlResult =
  | { readonly ok: true; readonly url: string }
  | { readonly ok: false; readonly problem: string };

/** `what` names the setting in messages, e.g. `TEST_LISTENER_URL` or `--url`. */
export const parseBaseUrl = (raw: string, what: string): BaseUrlResult => {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    return { ok: false, problem: `${what} is not a valid URL: "${maskUrl(raw)}"` };
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    return {
      ok: false,
      problem: `${what} must be an http:// or https:// URL, got "${maskUrl(raw)}"`,
    };
  }
  if (url.search || url.hash || raw.includes('?') || raw.includes('#')) {
    return {
      ok: false,
      problem: `${what} must not have a query or fragment (got "${maskUrl(raw)}"): check paths are appended to it, so "/health" would become part of the query; put query strings in each check's path`,
    };
  }
  return { ok: true, url: raw.replace(/\/+$/, '') };
};

/** The URL with any password replaced, for output and logs. */
export const maskUrl = (raw: string): string => {
  try {
    const url = new URL(raw);
    if (!url.password) return raw;
    url.password = '***';
    return url.toString().replace(/\/$/, raw.endsWith('/') ? '/' : '');
  } catch {
    // Not parseable: mask anything that looks like user:password@
    return raw.replace(/\/\/([^/@:]*):[^/@]*@/, '//$1:***@');
  }
};
