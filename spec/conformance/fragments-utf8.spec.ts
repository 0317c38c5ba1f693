/**
 * Autobahn groups 5 (fragmentation) and 6 (UTF-8) on raw frames against our copas echo server. Fragmented
 * messages come back as one unfragmented frame (our server always sends whole messages), control frames between
 * fragments are answered at once, and invalid UTF-8 fails with 1007 as soon as the bytes received cannot be the
 * start of valid UTF-8 (strict fail-fast, Autobahn 6.4.x): the close arrives before the rest is sent.
 */
import { EchoServer, OP, RawClient, fragments, frame, serverFrame, sleep } from '../support/raw-websocket';
import { closeClean, expectEcho, expectFailClose } from './helpers';

let srv: EchoServer;

beforeEach(() => { srv = EchoServer.start(); });
afterEach(async () => { await srv.stop(); });

async function expectFail(c: RawClient, code: number, expected: Buffer[] = []): Promise<void> {
  await expectFailClose(c, code, expected);
  c.destroy();
}

async function closeAndDestroy(c: RawClient): Promise<void> {
  await closeClean(c);
  c.destroy();
}

describe('5.x fragmentation', () => {
  it('5.1 / 5.2: a fragmented ping and a fragmented pong -> 1002', async () => {
    for (const op of [OP.PING, OP.PONG]) {
      const c = await srv.open();
      c.write([frame(op, 'frag1', { fin: false }), frame(OP.CONT, 'frag2')]);
      await expectFail(c, 1002);
    }
  });

  it('5.3 / 5.4: text in two fragments (one write, then with a pause) is echoed as one frame', async () => {
    const c = await srv.open();
    c.write([frame(OP.TEXT, 'frag1', { fin: false }), frame(OP.CONT, 'frag2')]);
    await expectEcho(c, OP.TEXT, 'frag1frag2');
    c.write(frame(OP.TEXT, 'frag1', { fin: false }));
    await sleep(50);
    expect(c.buf.length).toBe(0); // nothing before the message is complete
    c.write(frame(OP.CONT, 'frag2'));
    await expectEcho(c, OP.TEXT, 'frag1frag2');
    await closeAndDestroy(c);
  });

  it('5.5: text in 5 fragments written one by one; binary in 3 fragments', async () => {
    const c = await srv.open();
    for (const f of fragments(OP.TEXT, Buffer.from('fragmented text'), [2, 5, 9, 12])) { c.write(f); await sleep(2); }
    await expectEcho(c, OP.TEXT, 'fragmented text');
    const bin = Buffer.from([0, 1, 0xfe, 0xff, 0x80, 7, 8, 9, 10]);
    c.write(fragments(OP.BINARY, bin, [3, 6]));
    await expectEcho(c, OP.BINARY, bin);
    await closeAndDestroy(c);
  });

  it('5.6-5.8: a ping between fragments is answered before the echo (one write, pauses, byte by byte)', async () => {
    const c = await srv.open();
    const bytes = Buffer.concat([frame(OP.TEXT, 'fragment1', { fin: false }), frame(OP.PING, 'ping payload'), frame(OP.CONT, 'fragment2')]);
    c.write(bytes);
    await expectEcho(c, OP.PONG, 'ping payload');
    await expectEcho(c, OP.TEXT, 'fragment1fragment2');
    // with a pause: the pong must come while the message is still open
    c.write([frame(OP.TEXT, 'fragment1', { fin: false }), frame(OP.PING, 'mid')]);
    await expectEcho(c, OP.PONG, 'mid');
    c.write(frame(OP.CONT, 'fragment2'));
    await expectEcho(c, OP.TEXT, 'fragment1fragment2');
    // byte by byte
    for (let i = 0; i < bytes.length; i++) c.write(bytes.subarray(i, i + 1));
    await expectEcho(c, OP.PONG, 'ping payload');
    await expectEcho(c, OP.TEXT, 'fragment1fragment2');
    await closeAndDestroy(c);
  });

  it('5.9 / 5.10 / 5.11: a final continuation without a start -> 1002, the text after it is not echoed', async () => {
    let c = await srv.open();
    c.write([frame(OP.CONT, 'non-continuation payload'), frame(OP.TEXT, 'Hello, world!')]);
    await expectFail(c, 1002);
    c = await srv.open();
    c.write(frame(OP.CONT, 'non-continuation payload'));
    await sleep(20);
    c.write(frame(OP.TEXT, 'Hello, world!'));
    await expectFail(c, 1002);
    c = await srv.open();
    const b = Buffer.concat([frame(OP.CONT, 'non-continuation payload'), frame(OP.TEXT, 'Hello, world!')]);
    for (let i = 0; i < b.length; i++) c.write(b.subarray(i, i + 1));
    await expectFail(c, 1002);
  });

  it('5.12-5.14: a non-final continuation without a start -> 1002', async () => {
    const c = await srv.open();
    c.write([frame(OP.CONT, 'non-continuation payload', { fin: false }), frame(OP.TEXT, 'Hello, world!')]);
    await expectFail(c, 1002);
  });

  it('5.15: a complete fragmented message, then a continuation and a new start -> echo, then 1002', async () => {
    const c = await srv.open();
    c.write([frame(OP.TEXT, 'fragment1', { fin: false }), frame(OP.CONT, 'fragment2'),
      frame(OP.CONT, 'fragment3', { fin: false }), frame(OP.TEXT, 'fragment4')]);
    await expectFail(c, 1002, [serverFrame(OP.TEXT, 'fragment1fragment2')]);
  });

  it('5.16 / 5.17: continuation sequences without a start (final and not) -> 1002', async () => {
    for (const fin of [false, true]) {
      const c = await srv.open();
      c.write([frame(OP.CONT, 'fragment1', { fin }), frame(OP.TEXT, 'fragment2', { fin: false }), frame(OP.CONT, 'fragment3')]);
      await expectFail(c, 1002);
    }
  });

  it('5.18: a new text start inside a fragmented message -> 1002', async () => {
    const c = await srv.open();
    c.write([frame(OP.TEXT, 'fragment1', { fin: false }), frame(OP.TEXT, 'fragment2')]);
    await expectFail(c, 1002);
    const d = await srv.open();
    d.write([frame(OP.BINARY, 'fragment1', { fin: false }), frame(OP.BINARY, 'fragment2', { fin: false })]);
    await expectFail(d, 1002);
  });

  it('5.19 / 5.20: five fragments with pings between, written with pauses', async () => {
    const c = await srv.open();
    const parts = ['fragment1', 'fragment2', 'fragment3', 'fragment4', 'fragment5'];
    for (let i = 0; i < parts.length; i++) {
      c.write(frame(i === 0 ? OP.TEXT : OP.CONT, parts[i], { fin: i === parts.length - 1 }));
      if (i === 1 || i === 3) {
        c.write(frame(OP.PING, `pongme ${i}`));
        await expectEcho(c, OP.PONG, `pongme ${i}`);
      }
      await sleep(5);
    }
    await expectEcho(c, OP.TEXT, parts.join(''));
    await closeAndDestroy(c);
  });

  it('6.1 / empty fragments: empty frames and fragments with empty payloads', async () => {
    const c = await srv.open();
    c.write(frame(OP.TEXT, ''));
    await expectEcho(c, OP.TEXT, '');
    c.write([frame(OP.TEXT, '', { fin: false }), frame(OP.CONT, '', { fin: false }), frame(OP.CONT, '')]);
    await expectEcho(c, OP.TEXT, '');
    c.write([frame(OP.TEXT, '', { fin: false }), frame(OP.CONT, 'middle', { fin: false }), frame(OP.CONT, '')]);
    await expectEcho(c, OP.TEXT, 'middle');
    c.write([frame(OP.BINARY, '', { fin: false }), frame(OP.CONT, '')]);
    await expectEcho(c, OP.BINARY, '');
    await closeAndDestroy(c);
  });
});

// ---- UTF-8 -------------------------------------------------------------------------------------------------

/**
 * Independent reference (Unicode Table 3-7): the index of the first byte at which `b` stops being a prefix of
 * well-formed UTF-8, or -1 if every byte is fine; `complete` says whether it also ends on a character boundary.
 */
function utf8Check(b: Buffer): { bad: number; complete: boolean } {
  let i = 0;
  while (i < b.length) {
    const c = b[i];
    let need = 0;
    let lo = 0x80;
    let hi = 0xbf;
    if (c < 0x80) { i++; continue; }
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c === 0xe0) { need = 2; lo = 0xa0; }
    else if (c >= 0xe1 && c <= 0xec) need = 2;
    else if (c === 0xed) { need = 2; hi = 0x9f; }
    else if (c >= 0xee && c <= 0xef) need = 2;
    else if (c === 0xf0) { need = 3; lo = 0x90; }
    else if (c >= 0xf1 && c <= 0xf3) need = 3;
    else if (c === 0xf4) { need = 3; hi = 0x8f; }
    else return { bad: i, complete: false };
    for (let k = 1; k <= need; k++) {
      if (i + k >= b.length) return { bad: -1, complete: false };
      const x = b[i + k];
      if (x < (k === 1 ? lo : 0x80) || x > (k === 1 ? hi : 0xbf)) return { bad: i + k, complete: false };
    }
    i += need + 1;
  }
  return { bad: -1, complete: true };
}

const VALID: Array<[string, Buffer]> = [
  ['Hello-µ@ßöäüàá-UTF-8!!', Buffer.from('Hello-µ@ßöäüàá-UTF-8!!')],
  ['kosme (Greek)', Buffer.from('κόσμε')],
  ['4-byte chars', Buffer.from('𝄞 music 𐍈 gothic 😀 \u{10FFFF}')],
  ['boundaries', Buffer.from([0x00, 0x7f, 0xc2, 0x80, 0xdf, 0xbf, 0xe0, 0xa0, 0x80, 0xed, 0x9f, 0xbf, 0xee, 0x80, 0x80,
    0xef, 0xbf, 0xbd, 0xef, 0xbf, 0xbf, 0xf0, 0x90, 0x80, 0x80, 0xf4, 0x8f, 0xbf, 0xbf])],
  ['noncharacters U+FFFE, U+FDD0, U+1FFFF', Buffer.from([0xef, 0xbf, 0xbe, 0xef, 0xb7, 0x90, 0xf0, 0x9f, 0xbf, 0xbf])],
];

const INVALID: Array<[string, number[]]> = [
  ['lone continuation 0x80', [0x80]],
  ['lone continuation 0xbf', [0xbf]],
  ['lone start 0xc0', [0xc0, 0x20]],
  ['overlong / (c0 af)', [0xc0, 0xaf]],
  ['overlong (c1 bf)', [0xc1, 0xbf]],
  ['overlong 3-byte (e0 80 af)', [0xe0, 0x80, 0xaf]],
  ['overlong 3-byte (e0 9f bf)', [0xe0, 0x9f, 0xbf]],
  ['overlong 4-byte (f0 80 80 af)', [0xf0, 0x80, 0x80, 0xaf]],
  ['overlong 4-byte (f0 8f bf bf)', [0xf0, 0x8f, 0xbf, 0xbf]],
  ['surrogate U+D800 (ed a0 80)', [0xed, 0xa0, 0x80]],
  ['surrogate U+DFFF (ed bf bf)', [0xed, 0xbf, 0xbf]],
  ['surrogate pair (ed a0 80 ed b0 80)', [0xed, 0xa0, 0x80, 0xed, 0xb0, 0x80]],
  ['above U+10FFFF (f4 90 80 80)', [0xf4, 0x90, 0x80, 0x80]],
  ['above U+10FFFF (f5 80 80 80)', [0xf5, 0x80, 0x80, 0x80]],
  ['5-byte form (f8 88 80 80 80)', [0xf8, 0x88, 0x80, 0x80, 0x80]],
  ['6-byte form (fc 84 80 80 80 80)', [0xfc, 0x84, 0x80, 0x80, 0x80, 0x80]],
  ['0xfe', [0xfe]],
  ['0xff', [0xff]],
  ['truncated 3-byte (e2 82) before ASCII', [0xe2, 0x82, 0x41]],
  ['truncated 4-byte (f0 9d 84) before ASCII', [0xf0, 0x9d, 0x84, 0x41]],
  ['6.4.1 payload: kosme + f4 90 80 80', [...Buffer.from('κόσμε'), 0xf4, 0x90, 0x80, 0x80, ...Buffer.from('edited')]],
];

/** Messages ending in the middle of a character: invalid only at the end. */
const TRUNCATED: Array<[string, number[]]> = [
  ['ends after e2 82', [0x61, 0xe2, 0x82]],
  ['ends after f0 9d 84', [0x61, 0xf0, 0x9d, 0x84]],
  ['ends after c3', [0x61, 0xc3]],
];

describe('6.x UTF-8', () => {
  it.each(VALID)('6.2-6.5: valid "%s" is echoed whole, unfragmented and fragmented at every byte position', async (_name, bytes) => {
    expect(utf8Check(bytes)).toEqual({ bad: -1, complete: true });
    const text = bytes.toString('utf8');
    const c = await srv.open();
    c.write(frame(OP.TEXT, bytes));
    await expectEcho(c, OP.TEXT, bytes);
    for (let cut = 1; cut < bytes.length; cut++) {
      c.write(fragments(OP.TEXT, bytes, [cut]));
      await expectEcho(c, OP.TEXT, bytes);
    }
    // 6.2.3 / 6.2.4: one byte per fragment
    c.write(fragments(OP.TEXT, bytes, Array.from({ length: bytes.length - 1 }, (_, i) => i + 1)));
    await expectEcho(c, OP.TEXT, bytes);
    expect(Buffer.from(text).equals(bytes)).toBe(true);
    await closeAndDestroy(c);
  });

  it.each(INVALID)('6.3-6.21: invalid %s -> 1007 at the start, middle and end of a message', async (_name, seq) => {
    const x = Buffer.from(seq);
    for (const msg of [x, Buffer.concat([Buffer.from('ab'), x, Buffer.from('cd')]), Buffer.concat([Buffer.from('abcd'), x])]) {
      expect(utf8Check(msg).bad).toBeGreaterThanOrEqual(0);
      const c = await srv.open();
      c.write(frame(OP.TEXT, msg));
      await expectFail(c, 1007);
    }
  });

  it.each(INVALID)('6.x fragmented: invalid %s split at every byte position -> 1007, before the final fragment when the first is already bad', async (_name, seq) => {
    const msg = Buffer.concat([Buffer.from('ab'), Buffer.from(seq), Buffer.from('cd')]);
    const firstBad = utf8Check(msg).bad;
    for (let cut = 1; cut < msg.length; cut++) {
      const c = await srv.open();
      const [f1, f2] = fragments(OP.TEXT, msg, [cut]);
      c.write(f1);
      if (cut > firstBad) {
        // fail fast: the first fragment alone holds the bad byte; the close comes though the message is open
        await expectFail(c, 1007);
      } else {
        c.write(f2);
        await expectFail(c, 1007);
      }
    }
  });

  it.each(TRUNCATED)('6.x: a text message that %s -> 1007 (unfragmented and with the cut in the last fragment)', async (_name, seq) => {
    const msg = Buffer.from(seq);
    const c = await srv.open();
    c.write(frame(OP.TEXT, msg));
    await expectFail(c, 1007);
    const d = await srv.open();
    d.write(fragments(OP.TEXT, msg, [1]));
    await expectFail(d, 1007);
  });

  it('6.4.1 / 6.4.2: invalid bytes in the first fragment (or starting at its end) close before the final fragment is sent', async () => {
    // 6.4.1: fragment 1 is kosme + f4 90 80 80 (above U+10FFFF): close before fragment 2
    let c = await srv.open();
    c.write(frame(OP.TEXT, Buffer.from([...Buffer.from('κόσμε'), 0xf4, 0x90, 0x80, 0x80]), { fin: false }));
    await expectFail(c, 1007);
    // 6.4.2: kosme + f4 | 90 80 80 ...: fragment 2 is bad, close before fragment 3
    c = await srv.open();
    c.write(frame(OP.TEXT, Buffer.from([...Buffer.from('κόσμε'), 0xf4]), { fin: false }));
    await sleep(50);
    expect(c.buf.length).toBe(0); // f4 alone is still a viable prefix
    c.write(frame(OP.CONT, Buffer.from([0x90, 0x80, 0x80]), { fin: false }));
    await expectFail(c, 1007);
  });

  it('6.4.3 / 6.4.4: invalid bytes inside one frame written in chops close before the rest of the frame is sent', async () => {
    const payload = Buffer.concat([Buffer.from('κόσμε'), Buffer.from([0xf4, 0x90, 0x80, 0x80]), Buffer.from('edited')]);
    const bytes = frame(OP.TEXT, payload);
    const header = 6; // 2-byte header + mask key
    const badEnd = header + Buffer.byteLength('κόσμε') + 2; // through f4 90
    const c = await srv.open();
    c.write(bytes.subarray(0, header + 4));
    await sleep(50);
    expect(c.buf.length).toBe(0);
    c.write(bytes.subarray(header + 4, badEnd)); // the rest of the frame is never sent
    await expectFail(c, 1007);
  });
});
