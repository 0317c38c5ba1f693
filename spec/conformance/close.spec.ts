/**
 * Autobahn group 7 (closing) on raw frames against our copas echo server: after a CLOSE nothing more is
 * processed or sent (7.1), close payload forms (7.3), invalid UTF-8 reasons (7.5), valid codes echoed exactly
 * (7.7), invalid and out-of-range codes failing with 1002 (7.9, 7.13). After its CLOSE the server ends TCP.
 */
import { EchoServer, OP, RawClient, closePayload, frame, serverFrame } from '../support/raw-websocket';
import { expectFailClose } from './helpers';

let srv: EchoServer;

beforeEach(() => { srv = EchoServer.start({ compression: true }); });
afterEach(async () => { await srv.stop(); });

/** Reads exactly `expected`, then the server must end TCP with nothing more. */
async function expectExactlyThenEnd(c: RawClient, expected: Buffer[]): Promise<void> {
  const want = Buffer.concat(expected);
  expect((await c.readBytes(want.length)).toString('hex')).toBe(want.toString('hex'));
  expect(await c.waitEnd()).toBe(true);
  expect(c.buf.length).toBe(0);
  c.destroy();
}

async function expectFail(bytes: Buffer[], code: number): Promise<void> {
  const c = await srv.open();
  c.write(bytes);
  await expectFailClose(c, code);
  c.destroy();
}

describe('7.1 basic close behaviour', () => {
  it('7.1.1: a text is echoed, then our CLOSE is echoed exactly and TCP ends', async () => {
    const c = await srv.open();
    c.write(frame(OP.TEXT, 'Hello World!'));
    expect((await c.readBytes(14)).equals(serverFrame(OP.TEXT, 'Hello World!'))).toBe(true);
    c.write(frame(OP.CLOSE, closePayload(1000)));
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000))]);
  });

  it('7.1.2: two CLOSEs: one echo, nothing more', async () => {
    const c = await srv.open();
    c.write([frame(OP.CLOSE, closePayload(1000)), frame(OP.CLOSE, closePayload(1001))]);
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000))]);
  });

  it('7.1.3: a PING after the CLOSE gets no PONG', async () => {
    const c = await srv.open();
    c.write([frame(OP.CLOSE, closePayload(1000)), frame(OP.PING, 'Hello World!')]);
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000))]);
  });

  it('7.1.4: a text after the CLOSE is not echoed', async () => {
    const c = await srv.open();
    c.write([frame(OP.CLOSE, closePayload(1000)), frame(OP.TEXT, 'Hello World!')]);
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000))]);
  });

  it('7.1.5: a fragmented text interrupted by a CLOSE is never echoed', async () => {
    const c = await srv.open();
    c.write([frame(OP.TEXT, 'fragment1', { fin: false }), frame(OP.CLOSE, closePayload(1000)), frame(OP.CONT, 'fragment2')]);
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000))]);
  });

  it('7.1.6: large messages, a CLOSE, then a PING: the echoes, the close, no PONG', async () => {
    const c = await srv.open();
    const big = Buffer.alloc(256 * 1024, 0x2a);
    const msgs = [frame(OP.BINARY, big), frame(OP.BINARY, big), frame(OP.TEXT, 'Hello World!')];
    c.write([...msgs, frame(OP.CLOSE, closePayload(1000)), frame(OP.PING, 'Hello World!')]);
    await expectExactlyThenEnd(c, [serverFrame(OP.BINARY, big), serverFrame(OP.BINARY, big), serverFrame(OP.TEXT, 'Hello World!'),
      serverFrame(OP.CLOSE, closePayload(1000))]);
  });
});

describe('7.3 close frame structure', () => {
  it('7.3.1: an empty CLOSE is answered with an empty CLOSE (88 00)', async () => {
    const c = await srv.open();
    c.write(frame(OP.CLOSE));
    await expectExactlyThenEnd(c, [Buffer.from([0x88, 0x00])]);
  });

  it('7.3.2: a 1-byte close payload -> 1002', async () => {
    await expectFail([frame(OP.CLOSE, Buffer.from([0x03]))], 1002);
  });

  it('7.3.3: CLOSE 1000 without reason is echoed as 88 02 03 e8', async () => {
    const c = await srv.open();
    c.write(frame(OP.CLOSE, closePayload(1000)));
    await expectExactlyThenEnd(c, [Buffer.from([0x88, 0x02, 0x03, 0xe8])]);
  });

  it('7.3.4: CLOSE 1000 with a reason is echoed exactly', async () => {
    const c = await srv.open();
    c.write(frame(OP.CLOSE, closePayload(1000, 'Hello World!')));
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000, 'Hello World!'))]);
  });

  it('7.3.5: a 123-byte reason (125-byte payload, multi-byte characters) is echoed exactly', async () => {
    const reason = 'é'.repeat(60) + 'xyz'; // 123 bytes
    expect(Buffer.byteLength(reason)).toBe(123);
    const c = await srv.open();
    c.write(frame(OP.CLOSE, closePayload(1000, reason)));
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(1000, reason))]);
  });

  it('7.3.6: a 124-byte reason (126-byte control payload) -> 1002', async () => {
    await expectFail([frame(OP.CLOSE, closePayload(1000, 'x'.repeat(124)))], 1002);
  });

  it('7.3.x: a reason that is not valid UTF-8 -> 1007', async () => {
    await expectFail([frame(OP.CLOSE, closePayload(1000, Buffer.from([0x61, 0xff, 0x62])))], 1007);
  });
});

describe('7.5 invalid UTF-8 in the close reason', () => {
  it.each([
    ['kosme + surrogate', [...Buffer.from('κόσμε'), 0xed, 0xa0, 0x80, ...Buffer.from('edited')]],
    ['overlong', [0xc0, 0xaf]],
    ['truncated at the end', [0x61, 0xe2, 0x82]],
    ['above U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
  ])('7.5.1: %s -> 1007', async (_name, bytes) => {
    await expectFail([frame(OP.CLOSE, closePayload(1000, Buffer.from(bytes as number[])))], 1007);
  });
});

describe('7.7 valid close codes', () => {
  it.each([1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 3999, 4000, 4999])('7.7: code %i is echoed exactly', async (code) => {
    const c = await srv.open();
    c.write(frame(OP.CLOSE, closePayload(code)));
    await expectExactlyThenEnd(c, [serverFrame(OP.CLOSE, closePayload(code))]);
  });
});

describe('7.9 invalid close codes', () => {
  it.each([0, 999, 1004, 1005, 1006, 1015, 1016, 1100, 2000, 2999])('7.9: code %i -> 1002', async (code) => {
    await expectFail([frame(OP.CLOSE, closePayload(code))], 1002);
  });
});

describe('7.13 codes out of range', () => {
  it.each([5000, 0xffff])('7.13: code %i -> 1002', async (code) => {
    await expectFail([frame(OP.CLOSE, closePayload(code, 'out of range'))], 1002);
  });
});
