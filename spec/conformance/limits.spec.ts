/**
 * Autobahn group 9 (limits and performance), scaled down for CI, on raw frames against our copas echo server
 * with the default limits: a 4 MiB text in 64-byte fragments (65,536 frames, 4x under DEFAULT_MAX_FRAGMENTS),
 * big single frames, frames written in small chops, and many small messages in one write, all echoed intact.
 */
import { EchoServer, MiB, OP, frame, fragments, serverFrame, textOf } from '../support/raw-websocket';
import { closeClean } from './helpers';

let srv: EchoServer;

beforeEach(() => { srv = EchoServer.start(); });
afterEach(async () => { await srv.stop(); });

describe('9.x limits (scaled down)', () => {
  it('9.4-like: a 4 MiB text in 64-byte fragments (65,536 frames) is echoed intact as one frame', async () => {
    const text = Buffer.from(textOf(4 * MiB, 9));
    const cuts: number[] = [];
    for (let i = 64; i < text.length; i += 64) cuts.push(i);
    const frames = fragments(OP.TEXT, text, cuts);
    expect(frames.length).toBe(65536);
    const c = await srv.open();
    c.write(frames);
    const want = serverFrame(OP.TEXT, text);
    const got = await c.readBytes(want.length, 20000);
    expect(got.subarray(0, 10).toString('hex')).toBe(want.subarray(0, 10).toString('hex')); // 81 7f 00..00 40 00 00
    expect(got.equals(want)).toBe(true);
    await closeClean(c);
  });

  it('9.2-like: a 1 MiB binary message in one frame, and the same written in 4 KiB chops', async () => {
    const data = Buffer.alloc(MiB);
    for (let i = 0; i < data.length; i++) data[i] = (i * 7 + (i >> 8)) & 0xff;
    const c = await srv.open();
    c.write(frame(OP.BINARY, data));
    const want = serverFrame(OP.BINARY, data);
    expect((await c.readBytes(want.length, 10000)).equals(want)).toBe(true);
    const bytes = frame(OP.BINARY, data);
    for (let i = 0; i < bytes.length; i += 4096) c.write(bytes.subarray(i, i + 4096));
    expect((await c.readBytes(want.length, 10000)).equals(want)).toBe(true);
    await closeClean(c);
  });

  it('9.1-like: a 4 MiB text in one frame is echoed intact', async () => {
    const text = Buffer.from(textOf(4 * MiB, 11));
    const c = await srv.open();
    c.write(frame(OP.TEXT, text));
    const want = serverFrame(OP.TEXT, text);
    expect((await c.readBytes(want.length, 10000)).equals(want)).toBe(true);
    await closeClean(c);
  });

  it('9.7/9.8-like: 5,000 small text and binary messages in one write are echoed in order', async () => {
    const c = await srv.open();
    const out: Buffer[] = [];
    const want: Buffer[] = [];
    for (let i = 0; i < 5000; i++) {
      const op = i % 2 === 0 ? OP.TEXT : OP.BINARY;
      const payload = Buffer.from(`message #${i} ${'x'.repeat(i % 40)}`);
      out.push(frame(op, payload));
      want.push(serverFrame(op, payload));
    }
    c.write(out);
    const all = Buffer.concat(want);
    expect((await c.readBytes(all.length, 10000)).equals(all)).toBe(true);
    await closeClean(c);
  });
});
