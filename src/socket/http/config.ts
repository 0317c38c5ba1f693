/**
 * copas.http's settings, as the module fields of LuaSocket's http (`http.TIMEOUT = 10` changes the default
 * of every later request).
 */
export const httpConfig = {
  /** Seconds every socket operation of a request may take (LuaSocket: 60). */
  TIMEOUT: 60,
  /** Port of http URLs without one. */
  PORT: 80,
  /** The User-Agent header sent unless the request sets one. */
  USERAGENT: 'copas-ts',
  /** Port of https URLs without one. */
  SSLPORT: 443,
  /** TLS protocol of https requests unless sslparams say otherwise (Copas: 'tlsv1_2', meaning at least 1.2). */
  SSLPROTOCOL: 'tlsv1_2' as NonNullable<import('../tls-params').TlsParams['protocol']>,
  /** Certificate check of https requests unless sslparams say otherwise (Copas: 'none'). */
  SSLVERIFY: 'none' as NonNullable<import('../tls-params').TlsParams['verify']>,
};
