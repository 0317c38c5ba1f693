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

/** The LuaSocket string for a Node error (its message when LuaSocket has none). */
export function luaSocketError(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && LUASOCKET[code] !== undefined) return LUASOCKET[code];
  if (err instanceof Error) return err.message;
  return String(err);
}
