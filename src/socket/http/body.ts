import type { TcpSocket } from '../tcp-socket';
import type { TaskGenerator } from '../../scheduler';
import { receiveheaders, type HttpHeaders } from './headers';

/** Where a response body goes: an array collecting the chunks (ltn12.sink.table), or a function per chunk. */
export type HttpSink = Buffer[] | ((chunk: Buffer) => void);

function put(sink: HttpSink | undefined, chunk: string): void {
  if (sink === undefined || chunk.length === 0) return;
  const bytes = Buffer.from(chunk, 'latin1');
  if (typeof sink === 'function') sink(bytes);
  else sink.push(bytes);
}

/** Largest piece read at a time from a body of known length, so a big body never sits in one string. */
const PIECE = 64 * 1024;

/** Reads the response body as the headers say (chunked, by length, or until the server closes). */
export function* receivebody(skt: TcpSocket, headers: HttpHeaders, sink: HttpSink | undefined): TaskGenerator<[1] | [null, string]> {
  const te = headers['transfer-encoding'];
  if (te !== undefined && te !== 'identity') return yield* receiveChunked(skt, headers, sink);
  const length = headers['content-length'] !== undefined ? Number(headers['content-length']) : NaN;
  if (Number.isInteger(length) && length >= 0) return yield* receiveExactly(skt, length, sink);
  return yield* receiveUntilClosed(skt, sink);
}

/** Reads `length` bytes into the sink, a piece at a time. */
function* receiveExactly(skt: TcpSocket, length: number, sink: HttpSink | undefined): TaskGenerator<[1] | [null, string]> {
  let left = length;
  while (left > 0) {
    const [data, err] = yield* skt.receive(Math.min(left, PIECE));
    if (data === null) return [null, err];
    put(sink, data);
    left -= data.length;
  }
  return [1];
}

/** Reads until the server closes: the HTTP/1.0 way, and the body of an HTTP/0.9 reply. */
export function* receiveUntilClosed(skt: TcpSocket, sink: HttpSink | undefined): TaskGenerator<[1] | [null, string]> {
  for (;;) {
    const [data, err, partial] = yield* skt.receive(PIECE);
    if (data !== null) { put(sink, data); continue; }
    put(sink, partial);
    return err === 'closed' ? [1] : [null, err];
  }
}

function* receiveChunked(skt: TcpSocket, headers: HttpHeaders, sink: HttpSink | undefined): TaskGenerator<[1] | [null, string]> {
  for (;;) {
    const [line, err] = yield* skt.receive('*l');
    if (line === null) return [null, err];
    const size = parseInt(line.replace(/;.*/, ''), 16);
    if (!Number.isFinite(size) || size < 0) return [null, 'invalid chunk size'];
    if (size === 0) {
      const [trailers, terr] = yield* receiveheaders(skt, headers);
      return trailers === null ? [null, terr as string] : [1];
    }
    const [got, derr] = yield* receiveExactly(skt, size, sink);
    if (got === null) return [null, derr];
    const [crlf, cerr] = yield* skt.receive('*l');
    if (crlf === null) return [null, cerr];
  }
}
