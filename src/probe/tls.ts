/**
 * TLS for HTTPS test listeners. An ALB's test listener usually carries a certificate for the
 * service's own domain, not for the ALB's DNS name that discovery (or a plain URL) gives, so the
 * suite names the server: `tls.serverName` is used for SNI, certificate verification and `Host`.
 * A private CA is given as `tls.caFile`. Verification is always on: a hook that accepts any
 * certificate proves nothing about what it talked to.
 */
export interface TlsSettings {
  /** Name for SNI, certificate verification and the Host header. */
  readonly serverName?: string;
  /** PEM text of extra trusted CAs (read from tls.caFile when the suite is loaded). */
  readonly ca?: string;
}

const TLS_CODE = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO_|SELF_SIGNED_|UNABLE_TO_|HOSTNAME_MISMATCH)/;

export const isTlsError = (error: NodeJS.ErrnoException): boolean =>
  TLS_CODE.test(error.code ?? '');

/** The TLS failure, and the suite setting that fixes it. */
export const describeTlsError = (
  error: NodeJS.ErrnoException,
  url: URL,
  tls: TlsSettings,
): string => {
  const code = error.code ?? 'TLS error';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return tls.serverName
      ? `TLS: the certificate is not valid for ${tls.serverName} (${code}: ${error.message}); tls.serverName must be a name the certificate covers`
      : `TLS: the certificate is not valid for ${url.hostname} (${code}: ${error.message}); set tls.serverName in the suite to the name on the listener's certificate`;
  }
  if (/SELF_SIGNED|UNABLE_TO_GET_ISSUER|UNABLE_TO_VERIFY|CERT_UNTRUSTED/.test(code)) {
    return `TLS: the certificate is not signed by a trusted CA (${code}: ${error.message}); set tls.caFile in the suite to the PEM of the CA that signed it`;
  }
  return `TLS: ${code}: ${error.message}`;
};
