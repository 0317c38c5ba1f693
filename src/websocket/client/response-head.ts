/**
 * Reads the server's HTTP response head (status line and headers) from the bytes the client received,
 * without I/O: feed chunks until it answers. Bytes after the blank line belong to the WebSocket stream.
 */
export interface ResponseHead {
  status: number;
  headers: Record<string, string>;
  /** Bytes after the head (the first frames, if the server sent them at once). */
  rest: Buffer;
}

/** The largest head accepted; a server that sends more is not a WebSocket server. */
export const MAX_HEAD_BYTES = 16 * 1024;

/** Parses `buf` if it holds a whole head: a ResponseHead, null (need more), or an error string. */
export function parseResponseHead(buf: Buffer): ResponseHead | null | string {
  const end = buf.indexOf('\r\n\r\n');
  if (end < 0) return buf.length > MAX_HEAD_BYTES ? 'response head too large' : null;
  const lines = buf.toString('latin1', 0, end).split('\r\n');
  const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
  if (m === null) return `invalid HTTP status line: ${lines[0].slice(0, 80)}`;
  const headers: Record<string, string> = {};
  for (let i = 1; i < lines.length; i++) {
    const colon = lines[i].indexOf(':');
    if (colon <= 0) return `invalid HTTP header line: ${lines[i].slice(0, 80)}`;
    const name = lines[i].slice(0, colon).trim().toLowerCase();
    const value = lines[i].slice(colon + 1).trim();
    headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
  }
  return { status: Number(m[1]), headers, rest: buf.subarray(end + 4) };
}
