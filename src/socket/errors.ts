/**
 * Node's error codes turned into LuaSocket's error strings, so ported code compares the same strings.
 */
const LUASOCKET: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'closed',
  EPIPE: 'closed',
  ECONNABORTED: 'closed',
  ERR_STREAM_DESTROYED: 'closed',
  ERR_SOCKET_CLOSED: 'closed',
  ETIMEDOUT: 'timeout',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host not found',
  EAI_NONAME: 'host not found',
  EADDRINUSE: 'address already in use',
  EADDRNOTAVAIL: 'address not available',
  EACCES: 'permission denied',
  ENETUNREACH: 'network is unreachable',
  EHOSTUNREACH: 'host is unreachable',
};

/** Node's codes for a peer certificate that failed verification; LuaSec says 'certificate verify failed'. */
const CERT_VERIFY = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE', 'CERT_REVOKED', 'CERT_UNTRUSTED', 'CERT_REJECTED', 'INVALID_CA',
]);

/**
 * The LuaSocket string for a Node error (its message when LuaSocket has none). OpenSSL's errors give their
 * reason ('tlsv1 alert unknown ca'), as LuaSec reports them.
 */
export function luaSocketError(err: unknown): string {
  const e = err as { code?: unknown; reason?: unknown } | null;
  const code = e?.code;
  if (typeof code === 'string') {
    if (LUASOCKET[code] !== undefined) return LUASOCKET[code];
    if (CERT_VERIFY.has(code)) return 'certificate verify failed';
    if (code.startsWith('ERR_SSL_') && typeof e?.reason === 'string') return e.reason;
  }
  if (err instanceof Error) return err.message;
  return String(err);
}
