/**
 * Autobahn groups 1-4 on raw frames against our copas echo server: framing (1.1 text, 1.2 binary),
 * ping/pong (2.x), reserved bits (3.x) and reserved opcodes (4.1, 4.2). Each case checks the exact bytes the
 * server must send (RFC 6455 5.2: unmasked, minimal length) or the close code it must fail with.
 */
import { EchoServer, OP, RawClient, closePayload, frame, serverFrame, sleep, textOf } from '../support/raw-websocket';
import { closeClean, expectEcho, expectFailClose } from './helpers';

let srv: EchoServer;

beforeEach(() => { srv = EchoServer.start({ compression: true }); });
afterEach(async () => { await srv.stop(); });

/** Writes `bytes` and expects exactly `expected` back, then the server's CLOSE `code` and TCP end, nothing else. */
async function expectFail(c: RawClient, bytes: Buffer[], code: number, expected: Buffer[] = []): Promise<void> {
  c.write(bytes);
  await expectFailClose(c, code, expected);
}

/** Writes `bytes` in pieces of `size` bytes (the last one shorter). */
function writeInChops(c: RawClient, bytes: Buffer, size: number): void {
  for (let i = 0; i < bytes.length; i += size) c.write(bytes.subarray(i, i + size));
}

const LENGTHS = [0, 1, 125, 126, 127, 128, 65535, 65536, 65537];

describe('1.1 text messages', () => {
  it.each(LENGTHS)('1.1: a %i-byte text message is echoed as exactly one unmasked frame', async (n) => {
    const c = await srv.open();
    const text = Buffer.from(textOf(n, n + 7));
    c.write(frame(OP.TEXT, text));
    await expectEcho(c, OP.TEXT, text);
    await closeClean(c);
  });

  it('1.1.8: a 65536-byte text frame written in chops of 997 bytes', async () => {
    const c = await srv.open();
    const text = Buffer.from(textOf(65536, 3));
    const bytes = frame(OP.TEXT, text);
    writeInChops(c, bytes, 997);
    await expectEcho(c, OP.TEXT, text);
    await closeClean(c);
  });
});

describe('1.2 binary messages', () => {
  it.each(LENGTHS)('1.2: a %i-byte binary message is echoed byte for byte', async (n) => {
    const c = await srv.open();
    const data = Buffer.alloc(n);
    for (let i = 0; i < n; i++) data[i] = (i * 31 + 7) & 0xff;
    c.write(frame(OP.BINARY, data));
    await expectEcho(c, OP.BINARY, data);
    await closeClean(c);
  });

  it('1.2.8: a 65536-byte binary frame written in chops of 997 bytes', async () => {
    const c = await srv.open();
    const data = Buffer.alloc(65536, 0xfe);
    const bytes = frame(OP.BINARY, data);
    writeInChops(c, bytes, 997);
    await expectEcho(c, OP.BINARY, data);
    await closeClean(c);
  });
});

describe('2.x ping and pong', () => {
  it('2.1: an empty ping gets an empty pong', async () => {
    const c = await srv.open();
    c.write(frame(OP.PING));
    expect((await c.readBytes(2)).equals(Buffer.from([0x8a, 0x00]))).toBe(true);
    await closeClean(c);
  });

  it('2.2 / 2.3: a ping with a text and with a binary payload is answered with the same payload', async () => {
    const c = await srv.open();
    const bin = Buffer.from([0x00, 0xff, 0xfe, 0xfd, 0xfc, 0xfb, 0x00, 0xff]);
    c.write(frame(OP.PING, 'Hello, world!'));
    expect((await c.readBytes(15)).equals(serverFrame(OP.PONG, 'Hello, world!'))).toBe(true);
    c.write(frame(OP.PING, bin));
    expect((await c.readBytes(10)).equals(serverFrame(OP.PONG, bin))).toBe(true);
    await closeClean(c);
  });

  it('2.4: a 125-byte ping gets its 125-byte pong', async () => {
    const c = await srv.open();
    const p = Buffer.alloc(125, 0xfe);
    c.write(frame(OP.PING, p));
    expect((await c.readBytes(127)).equals(serverFrame(OP.PONG, p))).toBe(true);
    await closeClean(c);
  });

  it('2.5: a 126-byte ping -> 1002 and no pong', async () => {
    const c = await srv.open();
    await expectFail(c, [frame(OP.PING, Buffer.alloc(126, 0xfe))], 1002);
  });

  it('2.6: a 125-byte ping written one byte at a time', async () => {
    const c = await srv.open();
    const p = Buffer.alloc(125, 0x61);
    const bytes = frame(OP.PING, p);
    for (let i = 0; i < bytes.length; i++) { c.write(bytes.subarray(i, i + 1)); if (i % 16 === 0) await sleep(1); }
    expect((await c.readBytes(127)).equals(serverFrame(OP.PONG, p))).toBe(true);
    await closeClean(c);
  });

  it('2.7 / 2.8: unsolicited pongs (empty and with payload) are ignored', async () => {
    const c = await srv.open();
    c.write([frame(OP.PONG), frame(OP.PONG, 'unsolicited pong payload'), frame(OP.TEXT, 'after')]);
    expect((await c.readBytes(7)).equals(serverFrame(OP.TEXT, 'after'))).toBe(true);
    await closeClean(c);
  });

  it('2.9: an unsolicited pong, then a ping: only the ping is answered', async () => {
    const c = await srv.open();
    c.write([frame(OP.PONG, 'unsolicited'), frame(OP.PING, 'ping payload')]);
    expect((await c.readBytes(14)).equals(serverFrame(OP.PONG, 'ping payload'))).toBe(true);
    await closeClean(c);
  });

  it('2.10: ten pings sent one by one get ten pongs in order', async () => {
    const c = await srv.open();
    const want: Buffer[] = [];
    for (let i = 0; i < 10; i++) { c.write(frame(OP.PING, `payload-${i}`)); want.push(serverFrame(OP.PONG, `payload-${i}`)); await sleep(1); }
    const all = Buffer.concat(want);
    expect((await c.readBytes(all.length)).equals(all)).toBe(true);
    await closeClean(c);
  });

  it('2.11: ten pings in one write get ten pongs in order', async () => {
    const c = await srv.open();
    const pings: Buffer[] = [];
    const want: Buffer[] = [];
    for (let i = 0; i < 10; i++) { pings.push(frame(OP.PING, `payload-${i}`)); want.push(serverFrame(OP.PONG, `payload-${i}`)); }
    c.write(pings);
    const all = Buffer.concat(want);
    expect((await c.readBytes(all.length)).equals(all)).toBe(true);
    await closeClean(c);
  });
});

describe('3.x reserved bits (no extension negotiated)', () => {
  it('3.1: RSV1 on a text frame -> 1002, nothing echoed', async () => {
    await expectFail(await srv.open(), [frame(OP.TEXT, 'Hello, world!', { rsv: 4 })], 1002);
  });

  it('3.2: a good text, then RSV2 on text, then a ping: echo, 1002, no pong', async () => {
    await expectFail(await srv.open(), [frame(OP.TEXT, 'Hello'), frame(OP.TEXT, 'Hello', { rsv: 2 }), frame(OP.PING, 'p')],
      1002, [serverFrame(OP.TEXT, 'Hello')]);
  });

  it('3.3: RSV3 (value 3: RSV2+RSV3) on text written with pauses -> 1002 after the good echo, no pong', async () => {
    const c = await srv.open();
    c.write(frame(OP.TEXT, 'Hello'));
    expect((await c.readBytes(7)).equals(serverFrame(OP.TEXT, 'Hello'))).toBe(true);
    await expectFail(c, [frame(OP.TEXT, 'Hello', { rsv: 3 }), frame(OP.PING, 'p')], 1002);
  });

  it('3.4: RSV 4 (RSV1) after a good text with a ping after -> echo, 1002, no pong', async () => {
    await expectFail(await srv.open(), [frame(OP.TEXT, 'Hello'), frame(OP.TEXT, 'Hello', { rsv: 4 }), frame(OP.PING, 'p')],
      1002, [serverFrame(OP.TEXT, 'Hello')]);
  });

  it('3.5: RSV 5 on a binary frame -> 1002', async () => {
    await expectFail(await srv.open(), [frame(OP.BINARY, Buffer.from([0, 1, 2, 255]), { rsv: 5 })], 1002);
  });

  it('3.6: RSV 6 on a ping -> 1002, no pong', async () => {
    await expectFail(await srv.open(), [frame(OP.PING, 'Hello', { rsv: 6 })], 1002);
  });

  it('3.7: RSV 7 on a close -> 1002 (not a close echo)', async () => {
    await expectFail(await srv.open(), [frame(OP.CLOSE, closePayload(1000), { rsv: 7 })], 1002);
  });

  it.each([1, 2, 4])('RSV %i on a pong -> 1002', async (rsv) => {
    await expectFail(await srv.open(), [frame(OP.PONG, 'x', { rsv })], 1002);
  });
});

describe.each([
  ['4.1', 'non-control', [3, 4, 5, 6, 7]],
  ['4.2', 'control', [11, 12, 13, 14, 15]],
] as Array<[string, string, number[]]>)('%s reserved %s opcodes', (group, _kind, ops) => {
  it.each(ops)(`${group}: opcode %i -> 1002, nothing echoed`, async (op) => {
    await expectFail(await srv.open(), [frame(op)], 1002);
  });

  it.each(ops)(`${group}: text, opcode %i with payload, ping -> echo, 1002, no pong`, async (op) => {
    await expectFail(await srv.open(), [frame(OP.TEXT, 'Hello'), frame(op, 'reserved'), frame(OP.PING, 'p')],
      1002, [serverFrame(OP.TEXT, 'Hello')]);
  });
});
