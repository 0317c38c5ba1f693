/**
 * Autobahn groups 12 and 13 (permessage-deflate, RFC 7692) on raw frames against our copas echo server with
 * compression on. We deflate our messages with zlib ourselves, check the server's 101 answer for every offer,
 * and inflate the server's messages under exactly what it agreed: its window bits (a too-far distance fails
 * zlib) and its context takeover (a fresh inflater per message under server_no_context_takeover).
 */
import { randomBytes } from 'node:crypto';
import { EchoServer, OP, RawClient, frame, serverFrame, textOf } from '../support/raw-websocket';
import { closeClean } from './helpers';

let srv: EchoServer;

beforeEach(() => { srv = EchoServer.start({ compression: true }); });
afterEach(async () => { await srv.stop(); });

async function expectFail(c: RawClient, bytes: Buffer[], code: number): Promise<void> {
  c.write(bytes);
  const r = await c.readClose();
  expect(r.before).toEqual([]);
  expect(r.code).toBe(code);
  expect(r.ended).toBe(true);
}

/** Sends `data` compressed (RSV1) as `opcode`, optionally in fragments; returns the echo (inflated). */
async function roundTrip(c: RawClient, opcode: number, data: Buffer, pieces = 1): Promise<{ data: Buffer; compressed: boolean; wire: number }> {
  const z = c.deflate(data);
  const step = Math.ceil(z.length / pieces) || 1;
  const frames: Buffer[] = [];
  for (let i = 0, k = 0; i < z.length || k === 0; i += step, k++) {
    const last = i + step >= z.length;
    frames.push(frame(k === 0 ? opcode : OP.CONT, z.subarray(i, i + step), { fin: last, rsv: k === 0 ? 4 : 0 }));
  }
  c.write(frames);
  const before = c.buf.length;
  const m = await c.readMessage(10000);
  expect(m).not.toBeNull();
  expect(m!.opcode).toBe(opcode);
  expect(m!.controls).toEqual([]);
  expect(m!.data.equals(data)).toBe(true);
  return { data: m!.data, compressed: m!.compressed, wire: before };
}

/** Compressible text with repeats at a distance of about 2^bits + 100 bytes (beyond a smaller window). */
function farRepeats(bits: number, copies = 4): Buffer {
  const block = Buffer.from(randomBytes(Math.ceil(((1 << bits) + 100) * 0.75)).toString('base64'));
  return Buffer.concat(Array.from({ length: copies }, () => block));
}

describe('12.x permessage-deflate echo', () => {
  it('negotiates permessage-deflate with the usual browser offer', async () => {
    const c = await srv.open({ extensions: 'permessage-deflate; client_max_window_bits' });
    expect(c.headers['sec-websocket-extensions']).toBe('permessage-deflate');
    expect(c.agreed).toEqual({ serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 });
    await closeClean(c);
  });

  it.each([16, 64, 256, 1024, 4096, 8192, 16384, 32768, 65536, 131072, 1024 * 1024])(
    '12.1-12.5: compressed %i-byte text and binary messages are echoed, compressed at and over the 1024-byte threshold',
    async (n) => {
      const c = await srv.open({ extensions: 'permessage-deflate; client_max_window_bits' });
      for (let i = 0; i < 3; i++) {
        const text = Buffer.from(textOf(n, n + i));
        const t = await roundTrip(c, OP.TEXT, text);
        expect(t.compressed).toBe(n >= 1024);
        const bin = Buffer.alloc(n);
        for (let k = 0; k < n; k++) bin[k] = (k % 251) ^ (k >> 10) ^ i;
        const b = await roundTrip(c, OP.BINARY, bin, 3);
        expect(b.compressed).toBe(n >= 1024);
      }
      await closeClean(c);
    });

  it('context takeover across messages: a repeated message shrinks on the wire both ways', async () => {
    const msg = randomBytes(3000);
    const d = await srv.open({ extensions: 'permessage-deflate' });
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      d.write(frame(OP.BINARY, d.deflate(msg), { rsv: 4 }));
      const f = await d.readFrame();
      expect(f).toMatchObject({ opcode: OP.BINARY, rsv: 4, fin: true, masked: false });
      sizes.push(f!.payload.length);
      expect(d.inflate(f!.payload).equals(msg)).toBe(true);
    }
    expect(sizes[1]).toBeLessThan(sizes[0] / 10); // the server kept its window (context takeover)
    expect(sizes[3]).toBeLessThan(sizes[0] / 10);
    await closeClean(d);
  });

  it('an empty compressed message (RSV1, empty payload and a single empty block) is echoed empty', async () => {
    const c = await srv.open({ extensions: 'permessage-deflate' });
    c.write(frame(OP.TEXT, Buffer.alloc(0), { rsv: 4 }));
    expect((await c.readBytes(2)).equals(serverFrame(OP.TEXT, ''))).toBe(true);
    c.write(frame(OP.TEXT, Buffer.from([0x00]), { rsv: 4 }));
    expect((await c.readBytes(2)).equals(serverFrame(OP.TEXT, ''))).toBe(true);
    c.write(frame(OP.BINARY, c.deflate(Buffer.alloc(0)), { rsv: 4 }));
    expect((await c.readBytes(2)).equals(serverFrame(OP.BINARY, ''))).toBe(true);
    await closeClean(c);
  });

  it('uncompressed messages (RSV1 clear) still work on a deflate connection, and a ping between compressed fragments is answered', async () => {
    const c = await srv.open({ extensions: 'permessage-deflate' });
    c.write(frame(OP.TEXT, 'plain'));
    expect((await c.readBytes(7)).equals(serverFrame(OP.TEXT, 'plain'))).toBe(true);
    const z = c.deflate(Buffer.from('Hello, compressed world! '.repeat(10)));
    c.write([frame(OP.TEXT, z.subarray(0, 5), { fin: false, rsv: 4 }), frame(OP.PING, 'mid')]);
    expect((await c.readBytes(5)).equals(serverFrame(OP.PONG, 'mid'))).toBe(true);
    c.write(frame(OP.CONT, z.subarray(5)));
    const m = await c.readMessage();
    expect(m!.data.toString()).toBe('Hello, compressed world! '.repeat(10));
    await closeClean(c);
  });

  it('RSV1 on a continuation or a control frame -> 1002; RSV2 -> 1002', async () => {
    const ext = { extensions: 'permessage-deflate' };
    let c = await srv.open(ext);
    const z = c.deflate(Buffer.from('abcabcabc'));
    await expectFail(c, [frame(OP.TEXT, z.subarray(0, 2), { fin: false, rsv: 4 }), frame(OP.CONT, z.subarray(2), { rsv: 4 })], 1002);
    c = await srv.open(ext);
    await expectFail(c, [frame(OP.PING, 'x', { rsv: 4 })], 1002);
    c = await srv.open(ext);
    await expectFail(c, [frame(OP.TEXT, c.deflate(Buffer.from('x')), { rsv: 6 })], 1002);
  });

  it('corrupt compressed data -> 1007; compressed text that inflates to invalid UTF-8 -> 1007', async () => {
    let c = await srv.open({ extensions: 'permessage-deflate' });
    await expectFail(c, [frame(OP.BINARY, Buffer.from([0xff, 0xff, 0xff, 0xff, 0x00]), { rsv: 4 })], 1007);
    c = await srv.open({ extensions: 'permessage-deflate' });
    await expectFail(c, [frame(OP.TEXT, c.deflate(Buffer.from([0x61, 0xed, 0xa0, 0x80, 0x62])), { rsv: 4 })], 1007);
  });
});

interface Combo { offer: string; answer: string; check: { snct: boolean; cnct: boolean; sbits: number; cbits: number } }

const COMBOS: Combo[] = [
  { offer: 'permessage-deflate', answer: 'permessage-deflate', check: { snct: false, cnct: false, sbits: 15, cbits: 15 } },
  { offer: 'permessage-deflate; server_no_context_takeover', answer: 'permessage-deflate; server_no_context_takeover', check: { snct: true, cnct: false, sbits: 15, cbits: 15 } },
  { offer: 'permessage-deflate; client_no_context_takeover', answer: 'permessage-deflate; client_no_context_takeover', check: { snct: false, cnct: true, sbits: 15, cbits: 15 } },
  { offer: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover',
    answer: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover', check: { snct: true, cnct: true, sbits: 15, cbits: 15 } },
  ...[8, 9, 10, 11, 12, 13, 14, 15].map((n) => ({
    offer: `permessage-deflate; server_max_window_bits=${n}`, answer: `permessage-deflate; server_max_window_bits=${n}`,
    check: { snct: false, cnct: false, sbits: n, cbits: 15 } })),
  { offer: 'permessage-deflate; client_max_window_bits', answer: 'permessage-deflate', check: { snct: false, cnct: false, sbits: 15, cbits: 15 } },
  ...[9, 10, 12, 15].map((n) => ({
    offer: `permessage-deflate; client_max_window_bits=${n}`,
    answer: n < 15 ? `permessage-deflate; client_max_window_bits=${n}` : 'permessage-deflate',
    check: { snct: false, cnct: false, sbits: 15, cbits: n } })),
  { offer: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9',
    answer: 'permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=9; client_max_window_bits=9',
    check: { snct: true, cnct: true, sbits: 9, cbits: 9 } },
  { offer: 'permessage-deflate; client_max_window_bits; server_max_window_bits=10; server_no_context_takeover',
    answer: 'permessage-deflate; server_no_context_takeover; server_max_window_bits=10', check: { snct: true, cnct: false, sbits: 10, cbits: 15 } },
  // declined offers: the first acceptable one wins; none acceptable means no compression
  { offer: 'permessage-deflate; unknown_param, permessage-deflate; server_max_window_bits=11',
    answer: 'permessage-deflate; server_max_window_bits=11', check: { snct: false, cnct: false, sbits: 11, cbits: 15 } },
  { offer: 'x-webkit-deflate-frame, permessage-deflate; client_max_window_bits=8',
    answer: 'permessage-deflate; client_max_window_bits=8', check: { snct: false, cnct: false, sbits: 15, cbits: 8 } },
];

describe('13.x permessage-deflate parameter combinations', () => {
  it.each(COMBOS)('13.x: offer "$offer" -> "$answer", messages echoed under the agreed parameters', async ({ offer, answer, check }) => {
    const c = await srv.open({ extensions: offer });
    expect(c.headers['sec-websocket-extensions']).toBe(answer);
    const a = c.agreed!;
    expect(a.serverNoContextTakeover).toBe(check.snct);
    expect(a.serverMaxWindowBits).toBe(check.sbits);
    // A client that offered a limit keeps to it even if the answer leaves it out (RFC 7692 7.1.2.2).
    a.clientMaxWindowBits = Math.min(a.clientMaxWindowBits, check.cbits);
    if (check.cnct) a.clientNoContextTakeover = true;
    expect(a.clientNoContextTakeover).toBe(check.cnct);
    // far repeats catch a server window bigger than agreed; the same message twice checks context handling
    const far = farRepeats(Math.max(a.serverMaxWindowBits, 9));
    const rep = Buffer.from(randomBytes(2250).toString('base64')); // 3000 bytes, incompressible on its own
    const sizes: number[] = [];
    for (let i = 0; i < 4; i++) {
      const data = i === 0 ? far : i === 3 ? Buffer.from(textOf(5000, 3)) : rep;
      c.write(frame(OP.TEXT, c.deflate(data), { rsv: 4 }));
      const f = await c.readFrame(5000);
      expect(f).toMatchObject({ opcode: OP.TEXT, rsv: 4, fin: true, masked: false });
      sizes.push(f!.payload.length);
      expect(c.inflate(f!.payload).equals(data)).toBe(true); // throws on a too-far distance
    }
    if (check.snct) expect(sizes[2]).toBe(sizes[1]); // no context: the repeated message costs the same
    else if (check.sbits >= 13) expect(sizes[2]).toBeLessThan(sizes[1] / 10); // it fits the window: a back-reference
    await closeClean(c);
  });

  it.each([
    'permessage-deflate; server_max_window_bits=7',
    'permessage-deflate; server_max_window_bits=16',
    'permessage-deflate; client_max_window_bits=0',
    'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
    'permessage-deflate; server_no_context_takeover=1',
    'permessage-deflate; bogus',
  ])('13.x: an invalid offer "%s" is declined: no extension, RSV1 then fails with 1002', async (offer) => {
    const c = await srv.open({ extensions: offer });
    expect(c.headers['sec-websocket-extensions']).toBeUndefined();
    c.write(frame(OP.TEXT, 'plain'));
    expect((await c.readBytes(7)).equals(serverFrame(OP.TEXT, 'plain'))).toBe(true);
    await expectFail(c, [frame(OP.TEXT, Buffer.from([0x4b, 0x04, 0x00]), { rsv: 4 })], 1002);
  });
});
