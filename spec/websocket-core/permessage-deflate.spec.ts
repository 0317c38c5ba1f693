import * as zlib from 'node:zlib';
import {
  DeflateParams,
  PerMessageDeflate,
  WebSocketProtocol,
  acceptDeflateResponse,
  createDeflateOffer,
  negotiateDeflate,
  parseExtensions,
} from '../../src/websocket/core';
import { cframe, feed, readFrames } from './helpers';

const offers = (s: string) => parseExtensions(s) ?? [];
const defaults: DeflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

describe('permessage-deflate negotiation', () => {
  it('builds client offers', () => {
    expect(createDeflateOffer()).toBe('permessage-deflate; client_max_window_bits');
    expect(
      createDeflateOffer({ serverNoContextTakeover: true, clientNoContextTakeover: true, serverMaxWindowBits: 10, clientMaxWindowBits: 9 }),
    ).toBe('permessage-deflate; server_no_context_takeover; client_no_context_takeover; server_max_window_bits=10; client_max_window_bits=9');
    expect(() => createDeflateOffer({ serverMaxWindowBits: 16 })).toThrow(/'serverMaxWindowBits'/);
  });

  it('server accepts a plain offer with default parameters', () => {
    expect(negotiateDeflate({}, offers('permessage-deflate'))).toEqual({ params: defaults, header: 'permessage-deflate' });
    expect(negotiateDeflate({}, offers('permessage-deflate; client_max_window_bits'))).toEqual({
      params: defaults,
      header: 'permessage-deflate',
    });
  });

  it('server honours the offer and its own limits', () => {
    const a = negotiateDeflate(
      { serverMaxWindowBits: 12, clientMaxWindowBits: 11 },
      offers('permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits'),
    );
    expect(a).toEqual({
      params: { serverNoContextTakeover: true, clientNoContextTakeover: false, serverMaxWindowBits: 10, clientMaxWindowBits: 11 },
      header: 'permessage-deflate; server_no_context_takeover; server_max_window_bits=10; client_max_window_bits=11',
    });
    const b = negotiateDeflate({}, offers('permessage-deflate; client_no_context_takeover; client_max_window_bits=8'));
    expect(b?.params).toEqual({ ...defaults, clientNoContextTakeover: true, clientMaxWindowBits: 8 });
    expect(b?.header).toBe('permessage-deflate; client_no_context_takeover; client_max_window_bits=8');
  });

  it('server declines invalid or duplicate parameters and takes the next offer', () => {
    for (const bad of [
      'permessage-deflate; foo',
      'permessage-deflate; server_max_window_bits',
      'permessage-deflate; server_max_window_bits=7',
      'permessage-deflate; server_max_window_bits=16',
      'permessage-deflate; server_max_window_bits=010',
      'permessage-deflate; client_max_window_bits=x',
      'permessage-deflate; server_no_context_takeover=1',
      'permessage-deflate; server_no_context_takeover; server_no_context_takeover',
      'x-other',
    ]) {
      expect([bad, negotiateDeflate({}, offers(bad))]).toEqual([bad, null]);
    }
    const r = negotiateDeflate({}, offers('permessage-deflate; foo=1, permessage-deflate; server_max_window_bits=9'));
    expect(r?.params.serverMaxWindowBits).toBe(9);
  });

  it('client checks the answer against its offer', () => {
    expect(acceptDeflateResponse({}, [])).toEqual({ ok: true, params: null });
    expect(acceptDeflateResponse({}, offers('permessage-deflate'))).toEqual({ ok: true, params: defaults });
    expect(acceptDeflateResponse({}, offers('permessage-deflate; client_max_window_bits=10; server_no_context_takeover'))).toEqual({
      ok: true,
      params: { ...defaults, clientMaxWindowBits: 10, serverNoContextTakeover: true },
    });
    for (const [opts, answer] of [
      [{}, 'permessage-deflate; client_max_window_bits'],
      [{}, 'permessage-deflate; foo'],
      [{}, 'permessage-deflate, permessage-deflate'],
      [{ serverNoContextTakeover: true }, 'permessage-deflate'],
      [{ serverMaxWindowBits: 10 }, 'permessage-deflate; server_max_window_bits=11'],
      [{ clientMaxWindowBits: 10 }, 'permessage-deflate; client_max_window_bits=12'],
    ] as const) {
      expect([answer, acceptDeflateResponse(opts, offers(answer)).ok]).toEqual([answer, false]);
    }
  });
});

describe('PerMessageDeflate codec', () => {
  const text = (i: number) => Buffer.from(`{"id":${i},"name":"item number ${i}","tags":["alpha","beta","gamma"]}`.repeat(20));

  function roundTrip(params: DeflateParams, count = 5): number[] {
    const client = new PerMessageDeflate('client', params, { threshold: 0 }, 1 << 20);
    const server = new PerMessageDeflate('server', params, { threshold: 0 }, 1 << 20);
    const sizes: number[] = [];
    for (let i = 0; i < count; i++) {
      const c = client.compress(text(i));
      sizes.push(c.length);
      expect(server.decompress(c)?.equals(text(i))).toBe(true);
      const s = server.compress(text(i + 100));
      expect(client.decompress(s)?.equals(text(i + 100))).toBe(true);
    }
    return sizes;
  }

  it('strips the 00 00 ff ff tail of the sync flush', () => {
    const c = new PerMessageDeflate('server', defaults, {}, 1000);
    const out = c.compress(Buffer.from('Hello'));
    expect(out.subarray(-4).equals(Buffer.from([0, 0, 0xff, 0xff]))).toBe(false);
    expect(
      zlib.inflateRawSync(Buffer.concat([out, Buffer.from([0, 0, 0xff, 0xff])]), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).toString(),
    ).toBe('Hello');
    // RFC 7692 7.2.3.1 example: "Hello" compressed.
    expect(c.decompress(Buffer.from('f248cdc9c90700', 'hex'))).toEqual(Buffer.from('Hello'));
  });

  it('round-trips with context takeover, which shrinks repeated messages', () => {
    const sizes = roundTrip(defaults);
    expect(sizes[1]).toBeLessThan(sizes[0]);
  });

  it('round-trips without context takeover', () => {
    const sizes = roundTrip({ ...defaults, clientNoContextTakeover: true, serverNoContextTakeover: true });
    expect(Math.abs(sizes[1] - sizes[0])).toBeLessThan(5);
  });

  it('round-trips with every window size, including 8', () => {
    for (let bits = 8; bits <= 15; bits++) roundTrip({ ...defaults, clientMaxWindowBits: bits, serverMaxWindowBits: bits }, 3);
  });

  it('inflates data from a real zlib stream with context takeover (as ws sends it)', () => {
    const stream = zlib.createDeflateRaw({ windowBits: 15 });
    const receiver = new PerMessageDeflate('client', defaults, {}, 1 << 20);
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    return (async () => {
      for (let i = 0; i < 4; i++) {
        chunks.length = 0;
        stream.write(text(i));
        await new Promise<void>((r) => stream.flush(zlib.constants.Z_SYNC_FLUSH, () => r()));
        const all = Buffer.concat(chunks);
        expect(receiver.decompress(all.subarray(0, all.length - 4))).toEqual(text(i));
      }
      stream.close();
    })();
  });

  it('refuses a compression bomb with 1009 and corrupt data with 1007', () => {
    const bomb = zlib.deflateRawSync(Buffer.alloc(50 * 1024 * 1024), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    expect(bomb.length).toBeLessThan(100 * 1024);
    const d = new PerMessageDeflate('server', defaults, {}, 1024 * 1024);
    expect(d.decompress(bomb.subarray(0, -4))).toBeNull();
    expect(d.failCode).toBe(1009);
    const e = new PerMessageDeflate('server', defaults, {}, 1024 * 1024);
    expect(e.decompress(Buffer.from([0xff, 0xff, 0xff]))).toBeNull();
    expect(e.failCode).toBe(1007);
  });
});

describe('WebSocketProtocol with permessage-deflate', () => {
  it('echoes compressed messages end to end (client <-> server), with the threshold', () => {
    const client = new WebSocketProtocol('client', { deflate: defaults, deflateOptions: { threshold: 10 } });
    const server = new WebSocketProtocol('server', { deflate: defaults, deflateOptions: { threshold: 10 } });
    for (const msg of ['tiny', 'hello hello hello hello hello', 'héllo wörld '.repeat(500)]) {
      client.sendMessage(msg);
      const wire = client.takeOutgoing();
      expect(readFrames(wire)[0].rsv1).toBe(Buffer.byteLength(msg) >= 10);
      expect(feed(server, Buffer.concat(wire))).toEqual([{ type: 'message', opcode: 1, data: msg }]);
      server.sendMessage(Buffer.from(msg));
      expect(feed(client, Buffer.concat(server.takeOutgoing()), 7)).toEqual([{ type: 'message', opcode: 2, data: Buffer.from(msg) }]);
    }
  });

  it('inflates a fragmented compressed message (RSV1 on the first frame only)', () => {
    const server = new WebSocketProtocol('server', { deflate: defaults });
    const compressed = zlib.deflateRawSync(Buffer.from('Hello, fragmented deflate!'), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
    const bytes = Buffer.concat([
      cframe(1, compressed.subarray(0, 5), { fin: false, rsv: 4 }),
      cframe(9, 'p'),
      cframe(0, compressed.subarray(5), { fin: true }),
    ]);
    expect(feed(server, bytes, 3)).toEqual([
      { type: 'ping', data: Buffer.from('p') },
      { type: 'message', opcode: 1, data: 'Hello, fragmented deflate!' },
    ]);
  });

  it('fails with 1009 on a compressed message that inflates past maxMessageSize', () => {
    const server = new WebSocketProtocol('server', { deflate: defaults, maxMessageSize: 1 << 20 });
    const bomb = zlib.deflateRawSync(Buffer.alloc(8 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
    const events = feed(server, cframe(2, bomb, { rsv: 4 }));
    expect(events).toEqual([expect.objectContaining({ type: 'close', code: 1009, wasClean: false })]);
    expect(readFrames(server.takeOutgoing())[0].payload.readUInt16BE(0)).toBe(1009);
  });

  it('fails with 1007 on compressed TEXT that inflates to invalid UTF-8', () => {
    const server = new WebSocketProtocol('server', { deflate: defaults });
    const bad = zlib.deflateRawSync(Buffer.from([0x61, 0xff]), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4);
    expect(feed(server, cframe(1, bad, { rsv: 4 }))).toEqual([expect.objectContaining({ type: 'close', code: 1007 })]);
  });
});
