import type { TcpSocket } from '../tcp-socket';
import type { TaskGenerator } from '../../scheduler';

/** Response headers as LuaSocket returns them: lower-case names, repeated fields joined with ", ". */
export type HttpHeaders = Record<string, string>;

/**
 * Reads header lines up to the blank line, unfolding continuation lines, into `into` (trailers of a chunked
 * body go into the response's headers). `[headers]` or `[null, err]` with the socket's error string.
 */
export function* receiveheaders(skt: TcpSocket, into: HttpHeaders = {}): TaskGenerator<[HttpHeaders] | [null, string]> {
  let [line, err] = yield* skt.receive('*l');
  if (line === null) return [null, err as string];
  while (line !== '') {
    const m = /^(.*?):\s*(.*)$/.exec(line);
    if (m === null) return [null, 'malformed reponse headers']; // (sic) LuaSocket's text
    const name = m[1].toLowerCase();
    let value = m[2];
    [line, err] = yield* skt.receive('*l');
    if (line === null) return [null, err as string];
    while (/^\s/.test(line)) {
      value += line;
      [line, err] = yield* skt.receive('*l');
      if (line === null) return [null, err as string];
    }
    into[name] = into[name] === undefined ? value : `${into[name]}, ${value}`;
  }
  return [into];
}

/** LuaSocket's canonic names for the request headers it sends; others get each word capitalised. */
const CANONIC: Record<string, string> = { te: 'TE', 'content-md5': 'Content-MD5', etag: 'ETag', www: 'WWW', 'www-authenticate': 'WWW-Authenticate' };

/** The request header block: `Name: value` lines and the blank line. */
export function headerBlock(headers: Record<string, string>): string {
  let block = '';
  for (const [name, value] of Object.entries(headers)) {
    const canonic = CANONIC[name] ?? name.replace(/(^|-)([a-z])/g, (_, dash: string, c: string) => dash + c.toUpperCase());
    block += `${canonic}: ${value}\r\n`;
  }
  return `${block}\r\n`;
}
