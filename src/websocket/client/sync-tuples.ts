/**
 * A sync client call's tuple (its arguments, or its result) in the two forms it travels between threads in
 * (see sync-channel.ts): written into shared memory when it is flat (null, undefined, booleans, numbers,
 * strings, byte strings) and fits, else posted on a MessagePort with its byte strings moved, not cloned.
 *
 * In shared memory: a count (uint32), then per value a tag and, for a number, its float64; for a string or a
 * byte string, its byte length (uint32), a skip (uint8) and, after that many padding bytes, the data. Strings
 * travel as UTF-16, as JS holds them: a plain copy, with no UTF-8 transcoding (30x slower for non-ASCII text)
 * and no lone surrogate lost.
 */

const NULL = 0;
const UNDEFINED = 1;
const FALSE = 2;
const TRUE = 3;
const NUMBER = 4;
const STRING = 5;
const BYTES = 6;

/**
 * The skip that puts the data of a value whose header is at `at` at the alignment (mod 8) of `offset`: V8
 * copies to and from shared memory a byte at a time unless both sides share their alignment (8x slower).
 */
function skipTo(at: number, offset: number): number {
  return (offset - (at + 6)) & 7;
}

/** Writes `values` into mem[start, end); false when one is not flat or they do not fit. */
export function writeTuple(mem: Buffer, start: number, end: number, values: readonly unknown[]): boolean {
  let at = start + 4;
  for (const v of values) {
    if (end - at < 16) return false;
    if (typeof v === 'string' || v instanceof Uint8Array) {
      const text = typeof v === 'string';
      const n = text ? 2 * v.length : v.length;
      const skip = skipTo(at, text ? 0 : v.byteOffset);
      const data = at + 6 + skip;
      if (n > end - data) return false;
      if (text) mem.write(v, data, 'utf16le');
      else mem.set(v, data);
      mem[at] = text ? STRING : BYTES;
      mem.writeUInt32LE(n, at + 1);
      mem[at + 5] = skip;
      at = data + n;
    } else if (typeof v === 'number') {
      mem[at] = NUMBER;
      mem.writeDoubleLE(v, at + 1);
      at += 9;
    } else if (v === null || v === undefined || typeof v === 'boolean') {
      mem[at++] = v === null ? NULL : v === undefined ? UNDEFINED : v ? TRUE : FALSE;
    } else {
      return false;
    }
  }
  mem.writeUInt32LE(values.length, start);
  return true;
}

/** Reads the tuple written at `start`; byte strings come out as Buffers of their own. */
export function readTuple(mem: Buffer, start: number): unknown[] {
  const values: unknown[] = [];
  let at = start + 4;
  for (let count = mem.readUInt32LE(start); count > 0; count--) {
    const tag = mem[at];
    if (tag === STRING || tag === BYTES) {
      const n = mem.readUInt32LE(at + 1);
      const data = at + 6 + mem[at + 5];
      at = data + n;
      if (tag === STRING) {
        values.push(mem.toString('utf16le', data, at));
      } else {
        // a buffer at the data's alignment (see skipTo)
        const room = Buffer.allocUnsafe(n + 7);
        const from = (data - room.byteOffset) & 7;
        const bytes = room.subarray(from, from + n);
        mem.copy(bytes, 0, data, at);
        values.push(bytes);
      }
    } else if (tag === NUMBER) {
      values.push(mem.readDoubleLE(at + 1));
      at += 9;
    } else {
      values.push(tag === NULL ? null : tag === UNDEFINED ? undefined : tag === TRUE);
      at++;
    }
  }
  return values;
}

/** Gives each byte string of a tuple a buffer of its own to move with a port message (the original stays usable). */
export function transferables(values: unknown[]): ArrayBuffer[] {
  const moved: ArrayBuffer[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Uint8Array) {
      const own = new Uint8Array(v);
      values[i] = own;
      moved.push(own.buffer);
    }
  }
  return moved;
}

/** The byte strings of a tuple that came through a port (as Uint8Arrays) as Buffers, without a copy. */
export function asBuffers(values: unknown[]): unknown[] {
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (v instanceof Uint8Array && !Buffer.isBuffer(v)) values[i] = Buffer.from(v.buffer, v.byteOffset, v.length);
  }
  return values;
}
