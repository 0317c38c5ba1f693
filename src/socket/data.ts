import { argError } from '../util/args';

/**
 * Socket data as LuaSocket sees it: byte strings. A received string has one character per byte
 * ('latin1', lossless, as a Lua string); a string to send must hold bytes only (characters up to U+00FF).
 * To send UTF-8 text pass a Buffer: `skt.send(Buffer.from(text))`.
 */
export type SocketData = string | Uint8Array;

const WIDE = /[^\u0000-\u00ff]/;

/** Bytes to send: a Buffer view of `data` (no copy for Buffers and Uint8Arrays). */
export function toBytes(fn: string, data: unknown): Buffer {
  if (typeof data === 'string') {
    if (WIDE.test(data)) {
      throw new TypeError(`${fn}: argument 'data' holds characters above U+00FF; socket strings are byte strings as in Lua, so send UTF-8 text as Buffer.from(text)`);
    }
    return Buffer.from(data, 'latin1');
  }
  if (Buffer.isBuffer(data)) return data;
  if (data instanceof Uint8Array) return Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  throw argError(fn, 'data', 'a string or a Buffer', data);
}

/** A received byte string. */
export function toByteString(bytes: Buffer): string {
  return bytes.toString('latin1');
}

/** Lua's string.sub index rules (1-based, inclusive, negatives count from the end) as [start, end) offsets. */
export function luaRange(length: number, i: number | undefined, j: number | undefined): [number, number] {
  let from = i ?? 1;
  let to = j ?? -1;
  if (from < 0) from = Math.max(length + from + 1, 1);
  else if (from === 0) from = 1;
  if (to < 0) to = length + to + 1;
  else if (to > length) to = length;
  return [from - 1, Math.max(to, from - 1)];
}
