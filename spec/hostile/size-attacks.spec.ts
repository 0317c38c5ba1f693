/**
 * Hostile peers that try to make the server allocate: a frame announcing 2^63 bytes, a million 1-byte
 * fragments, and a permessage-deflate bomb (100 MiB of zeros in ~100 KB). Each gets 1009 while the process's
 * memory (server and these clients share it) stays within a small margin, and a well-behaved client keeps
 * getting its echoes during and after.
 */
import * as zlib from 'node:zlib';
import { EchoServer, MiB, OP, RawClient, frame, keepEchoing, memorySampler, stillServes } from '../support/raw-websocket';

/** Writes `chunk` and waits for the socket to drain (or end). */
function writeAndDrain(c: RawClient, chunk: Buffer): Promise<void> {
  return new Promise((resolve) => {
    if (c.ended || c.sock.destroyed) { resolve(); return; }
    if (c.sock.write(chunk)) { resolve(); return; }
    const done = (): void => { c.sock.off('drain', done); c.sock.off('close', done); resolve(); };
    c.sock.on('drain', done);
    c.sock.on('close', done);
  });
}

/** 100 MiB of zeros deflated (streamed: the 100 MiB never exist at once), without the 00 00 ff ff tail. */
async function zeroBomb(size: number): Promise<Buffer> {
  const d = zlib.createDeflateRaw({ level: 9 });
  const out: Buffer[] = [];
  d.on('data', (b: Buffer) => out.push(b));
  const zeros = Buffer.alloc(MiB);
  for (let i = 0; i < size / MiB; i++) {
    if (!d.write(zeros)) await new Promise((r) => d.once('drain', r));
  }
  await new Promise<void>((r) => d.flush(zlib.constants.Z_SYNC_FLUSH, () => r()));
  d.close();
  const all = Buffer.concat(out);
  expect(all.subarray(all.length - 4).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(true);
  return all.subarray(0, all.length - 4);
}

describe('announced and accumulated sizes', () => {
  let srv: EchoServer;
  beforeEach(() => { srv = EchoServer.start(); });
  afterEach(async () => { await srv.stop(); });

  it.each([
    ['2^63', 1n << 63n],
    ['2^63 - 1', (1n << 63n) - 1n],
    ['2^53', 1n << 53n],
    ['2^32', 1n << 32n],
  ])('a frame announcing %s bytes gets 1009 at once, without the memory growing', async (_name, len) => {
    const good = keepEchoing(srv.port);
    const mem = memorySampler();
    const c = await srv.open();
    c.write(frame(OP.BINARY, Buffer.alloc(64 * 1024, 0x55), { len })); // header, mask, then only 64 KiB of the "payload"
    const r = await c.readClose();
    expect(r.code).toBe(1009);
    expect(r.before).toEqual([]);
    expect(r.ended).toBe(true);
    const peak = mem.stop();
    expect(peak.arrayBuffers).toBeLessThan(16 * MiB);
    expect(peak.rss).toBeLessThan(64 * MiB);
    expect(await good.stop()).toBeGreaterThan(0);
    await stillServes(srv.port);
  });

  it('1,000,000 one-byte fragments get 1009 after DEFAULT_MAX_FRAGMENTS (262,144) with memory bounded', async () => {
    const good = keepEchoing(srv.port);
    const c = await srv.open();
    const PER_CHUNK = 10000;
    const chunk = Buffer.concat(Array.from({ length: PER_CHUNK }, () => frame(OP.CONT, 'b', { fin: false })));
    const mem = memorySampler();
    const t0 = Date.now();
    let sent = 1;
    await writeAndDrain(c, frame(OP.TEXT, 'a', { fin: false }));
    while (sent < 1000000 && !c.ended && c.buf.length === 0) {
      await writeAndDrain(c, chunk);
      sent += PER_CHUNK;
    }
    const r = await c.readClose(5000);
    const peak = mem.stop();
    console.log(`1M fragments: closed ${r.code} after ${sent} frames written in ${Date.now() - t0} ms; ` +
      `peak growth rss ${(peak.rss / MiB).toFixed(1)} MiB, arrayBuffers ${(peak.arrayBuffers / MiB).toFixed(1)} MiB`);
    expect(r.code).toBe(1009);
    expect(r.before).toEqual([]);
    expect(sent).toBeGreaterThan(262144);
    expect(peak.arrayBuffers).toBeLessThan(24 * MiB);
    expect(peak.rss).toBeLessThan(96 * MiB);
    expect(await good.stop()).toBeGreaterThan(0);
    await stillServes(srv.port);
  });
});

describe('a permessage-deflate bomb', () => {
  let srv: EchoServer;
  let bomb: Buffer;
  beforeAll(async () => { bomb = await zeroBomb(100 * MiB); });
  beforeEach(() => { srv = EchoServer.start({ compression: true, maxMessageSize: MiB }); });
  afterEach(async () => { await srv.stop(); });

  it.each([1, 8])('100 MiB of zeros deflated to ~100 KB, in %i frame(s), gets 1009 without being allocated', async (pieces) => {
    expect(bomb.length).toBeLessThan(MiB); // the frame itself is within maxMessageSize
    const good = keepEchoing(srv.port);
    const c = await srv.open({ extensions: 'permessage-deflate' });
    expect(c.agreed).not.toBeNull();
    const mem = memorySampler(5);
    const step = Math.ceil(bomb.length / pieces);
    const frames: Buffer[] = [];
    for (let i = 0, k = 0; i < bomb.length; i += step, k++) {
      frames.push(frame(k === 0 ? OP.BINARY : OP.CONT, bomb.subarray(i, i + step), { fin: i + step >= bomb.length, rsv: k === 0 ? 4 : 0 }));
    }
    c.write(frames);
    const r = await c.readClose();
    const peak = mem.stop();
    console.log(`deflate bomb (${bomb.length} bytes -> 100 MiB, ${pieces} frames): closed ${r.code}; ` +
      `peak growth rss ${(peak.rss / MiB).toFixed(1)} MiB, arrayBuffers ${(peak.arrayBuffers / MiB).toFixed(1)} MiB`);
    expect(r.code).toBe(1009);
    expect(r.before).toEqual([]);
    expect(r.ended).toBe(true);
    expect(peak.arrayBuffers).toBeLessThan(16 * MiB);
    expect(peak.rss).toBeLessThan(64 * MiB);
    expect(await good.stop()).toBeGreaterThan(0);
    await stillServes(srv.port);
  });

  it('a message that inflates to exactly maxMessageSize is still echoed', async () => {
    const c = await srv.open({ extensions: 'permessage-deflate' });
    const data = Buffer.alloc(MiB, 0x41);
    c.write(frame(OP.TEXT, c.deflate(data), { rsv: 4 }));
    const m = await c.readMessage(5000);
    expect(m!.data.equals(data)).toBe(true);
    c.write(frame(OP.TEXT, c.deflate(Buffer.alloc(MiB + 1, 0x41)), { rsv: 4 }));
    expect((await c.readClose()).code).toBe(1009);
  });
});
