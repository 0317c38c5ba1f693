/**
 * The sync client's tuples in shared memory (src/websocket/client/sync-tuples.ts): what goes in comes out
 * the same, byte strings as Buffers of their own; what is not flat or does not fit is refused (it then takes
 * the port).
 */
import { readTuple, writeTuple } from '../../src/websocket/client/sync-tuples';

const AREA = 4096;
const mem = Buffer.from(new SharedArrayBuffer(8 + AREA));

/** Writes at an odd offset, so that the alignment of the data does not come from the area's start. */
function roundTrip(values: unknown[]): unknown[] {
  expect(writeTuple(mem, 3, 3 + AREA, values)).toBe(true);
  return readTuple(mem, 3);
}

describe('sync client tuples in shared memory', () => {
  it('give back flat values as they were', () => {
    const values = [null, undefined, true, false, 0, -0, 1006, 1.5, NaN, -Infinity, '', 'héllo ☃ 😀', 'a\uD800b', 'x'.repeat(300)];
    expect(roundTrip(values)).toEqual(values);
    expect(Object.is(roundTrip([-0])[0], -0)).toBe(true);
    expect(roundTrip([]).length).toBe(0);
  });

  it('give back byte strings as Buffers of their own, whatever their alignment', () => {
    const backing = Buffer.from(Array.from({ length: 64 }, (_, i) => i));
    for (let offset = 0; offset < 9; offset++) {
      const view = new Uint8Array(backing.buffer, backing.byteOffset + offset, 20);
      const [out, n] = roundTrip([view, 2]);
      expect(Buffer.isBuffer(out)).toBe(true);
      expect(out).toEqual(Buffer.from(view));
      expect(n).toBe(2);
      expect((out as Buffer).buffer).not.toBe(mem.buffer);
    }
    expect(roundTrip([Buffer.alloc(0)])).toEqual([Buffer.alloc(0)]);
  });

  it('refuse what is not flat or does not fit', () => {
    expect(writeTuple(mem, 0, AREA, [true, { a: 1 }])).toBe(false);
    expect(writeTuple(mem, 0, AREA, [['echo']])).toBe(false);
    expect(writeTuple(mem, 0, AREA, [Buffer.alloc(AREA)])).toBe(false);
    expect(writeTuple(mem, 0, AREA, ['x'.repeat(AREA / 2)])).toBe(false);
    expect(writeTuple(mem, 0, AREA, ['x'.repeat(AREA / 4)])).toBe(true);
  });
});
