/**
 * Checks shared by the conformance specs (Autobahn-style, exact bytes): an exact echo, a clean close and a
 * failed connection.
 * The raw client and the echo server are in ../support/raw-websocket.
 */
import { OP, closePayload, frame, serverFrame, type RawClient } from '../support/raw-websocket';

/** The next bytes are exactly the server frame (unmasked, minimal length) carrying `data` as `opcode`. */
export async function expectEcho(c: RawClient, opcode: number, data: Buffer | string): Promise<void> {
  const want = serverFrame(opcode, data);
  expect((await c.readBytes(want.length)).equals(want)).toBe(true);
}

/** A clean close: our CLOSE 1000 is echoed exactly and TCP ends. */
export async function closeClean(c: RawClient): Promise<void> {
  c.write(frame(OP.CLOSE, closePayload(1000)));
  expect((await c.readBytes(4)).equals(serverFrame(OP.CLOSE, closePayload(1000)))).toBe(true);
  expect(await c.waitEnd()).toBe(true);
}

/** Reads exactly `expected` (if any), then the server's CLOSE `code` with no frame before it, TCP end, nothing after. */
export async function expectFailClose(c: RawClient, code: number, expected: Buffer[] = []): Promise<void> {
  const want = Buffer.concat(expected);
  if (want.length > 0) expect((await c.readBytes(want.length)).equals(want)).toBe(true);
  const r = await c.readClose();
  expect(r.before).toEqual([]);
  expect(r.code).toBe(code);
  expect(r.ended).toBe(true);
  expect(c.buf.length).toBe(0); // nothing after the CLOSE
}
