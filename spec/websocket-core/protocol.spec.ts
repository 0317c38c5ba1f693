import { BINARY, ProtocolEvent, TEXT, WebSocketProtocol } from '../../src/websocket/core';
import { cframe, closeCodeOf, feed, frame, hex, norm, readFrames } from './helpers';

const server = (opts = {}) => new WebSocketProtocol('server', opts);
const client = (opts = {}) => new WebSocketProtocol('client', opts);
const closeWith = (code: number, wasClean = false) => expect.objectContaining({ type: 'close', code, wasClean });

/** The close code we queued, or null for none/empty. */
function sentCloseCode(p: WebSocketProtocol): number | null | undefined {
  const closes = readFrames(p.takeOutgoing()).filter((f) => f.opcode === 8);
  return closes.length === 0 ? undefined : closeCodeOf(closes[0].payload);
}

describe('WebSocketProtocol: receiving', () => {
  it('delivers the RFC 6455 5.7 examples', () => {
    expect(feed(client(), hex('810548656c6c6f'))).toEqual([{ type: 'message', opcode: TEXT, data: 'Hello' }]);
    expect(feed(server(), hex('818537fa213d7f9f4d5158'))).toEqual([{ type: 'message', opcode: TEXT, data: 'Hello' }]);
    expect(feed(client(), hex('010348656c 80026c6f'))).toEqual([{ type: 'message', opcode: TEXT, data: 'Hello' }]);
    const b256 = Buffer.alloc(256, 7);
    expect(feed(client(), Buffer.concat([hex('827e0100'), b256]))).toEqual([{ type: 'message', opcode: BINARY, data: b256 }]);
    const b64k = Buffer.alloc(65536, 3);
    expect(norm(feed(client(), Buffer.concat([hex('827f0000000000010000'), b64k])))).toEqual(
      norm([{ type: 'message', opcode: BINARY, data: b64k }]),
    );
  });

  it('answers a ping with a pong carrying the same payload', () => {
    const p = client();
    expect(feed(p, hex('890548656c6c6f'))).toEqual([{ type: 'ping', data: Buffer.from('Hello') }]);
    const out = readFrames(p.takeOutgoing());
    expect(out).toHaveLength(1);
    expect(out[0].opcode).toBe(10);
    expect(out[0].payload.toString()).toBe('Hello');
    expect(feed(p, hex('8a0548656c6c6f'))).toEqual([{ type: 'pong', data: Buffer.from('Hello') }]);
    expect(p.takeOutgoing()).toEqual([]);
  });

  it('gives the same events whether fed in one chunk or one byte at a time', () => {
    const bytes = Buffer.concat([
      cframe(1, 'Hel', { fin: false }),
      cframe(9, 'ping!'),
      cframe(0, 'lo wörld', { fin: true }),
      cframe(2, Buffer.alloc(300, 5)),
      cframe(1, ''),
      cframe(2, Buffer.alloc(70000, 6)),
      cframe(10, ''),
      cframe(8, Buffer.concat([hex('0fa0'), Buffer.from('bye')])),
    ]);
    const whole = norm(feed(server(), bytes));
    expect(whole.map((e) => (e as { type: string }).type)).toEqual(['ping', 'message', 'message', 'message', 'message', 'pong', 'close']);
    expect(whole[whole.length - 1]).toEqual({ type: 'close', code: 4000, reason: 'bye', wasClean: true });
    for (const step of [1, 2, 5, 13, 4096]) expect(norm(feed(server(), bytes, step))).toEqual(whole);
  });

  it('reassembles fragmented messages with control frames in between', () => {
    const bytes = Buffer.concat([
      cframe(2, hex('01'), { fin: false }),
      cframe(10, 'a'),
      cframe(0, hex('02'), { fin: false }),
      cframe(9, 'b'),
      cframe(0, hex('03'), { fin: true }),
    ]);
    expect(feed(server(), bytes)).toEqual([
      { type: 'pong', data: Buffer.from('a') },
      { type: 'ping', data: Buffer.from('b') },
      { type: 'message', opcode: BINARY, data: hex('010203') },
    ]);
  });

  it('fails with 1002 on continuation without a start and on a new message inside one', () => {
    let p = server();
    expect(feed(p, cframe(0, 'x'))).toEqual([closeWith(1002)]);
    expect(sentCloseCode(p)).toBe(1002);
    p = server();
    expect(feed(p, Buffer.concat([cframe(1, 'a', { fin: false }), cframe(1, 'b')]))).toEqual([closeWith(1002)]);
    expect(p.readyState).toBe('closed');
    expect(p.shouldCloseTransport).toBe(true);
  });

  it('fails with 1002 on header violations and ignores everything after', () => {
    for (const bad of [hex('c100'), hex('8300'), hex('097d'), hex('8100'), hex('897e007e')]) {
      const p = server();
      expect(feed(p, Buffer.concat([bad, cframe(1, 'after')]))).toEqual([closeWith(1002)]);
      expect(sentCloseCode(p)).toBe(1002);
      p.receive(cframe(1, 'more'));
      expect(p.nextEvent()).toBeNull();
    }
    const c = client();
    expect(feed(c, cframe(1, 'masked'))).toEqual([closeWith(1002)]);
  });

  describe('UTF-8 validation', () => {
    const invalid = hex('cebae1bdb9cf83cebcceb5eda080656469746564');
    const badAt = invalid.indexOf(0xed);

    it('fails an unfragmented text message with 1007', () => {
      const p = server();
      expect(feed(p, cframe(1, invalid))).toEqual([closeWith(1007)]);
      expect(sentCloseCode(p)).toBe(1007);
    });

    it('fails at the start, middle and end of a fragmented message', () => {
      const fragments = (parts: Buffer[]) =>
        Buffer.concat(parts.map((part, i) => cframe(i === 0 ? 1 : 0, part, { fin: i === parts.length - 1 })));
      expect(feed(server(), fragments([hex('ff'), Buffer.from('ok'), Buffer.from('ok')]))).toEqual([closeWith(1007)]);
      expect(feed(server(), fragments([Buffer.from('ok'), hex('c0af'), Buffer.from('ok')]))).toEqual([closeWith(1007)]);
      expect(feed(server(), fragments([Buffer.from('ok'), Buffer.from('ok'), hex('e282')]))).toEqual([closeWith(1007)]);
    });

    it('accepts code points split across fragments and rejects broken splits', () => {
      const euro = hex('e282ac');
      const split = Buffer.concat([cframe(1, euro.subarray(0, 1), { fin: false }), cframe(0, euro.subarray(1), { fin: true })]);
      expect(feed(server(), split)).toEqual([{ type: 'message', opcode: TEXT, data: '€' }]);
      const broken = Buffer.concat([cframe(1, hex('e2'), { fin: false }), cframe(0, hex('28a1'), { fin: true })]);
      expect(feed(server(), broken)).toEqual([closeWith(1007)]);
    });

    it('fails fast inside one frame that arrives in pieces (Autobahn 6.4.3)', () => {
      const p = server();
      const bytes = cframe(1, Buffer.concat([invalid, Buffer.from('tail that never arrives')]));
      const headerLen = 6;
      p.receive(bytes.subarray(0, headerLen + badAt + 2)); // up to ED A0, a surrogate
      expect(p.nextEvent()).toEqual(closeWith(1007));
    });

    it('fails fast on the first invalid fragment before the message ends (Autobahn 6.4.1)', () => {
      const p = server();
      p.receive(Buffer.concat([cframe(1, invalid, { fin: false })]));
      expect(p.nextEvent()).toEqual(closeWith(1007));
    });
  });

  describe('limits', () => {
    it('refuses an oversized frame with 1009 from its header alone', () => {
      const p = server({ maxMessageSize: 1000 });
      p.receive(hex('82fe0fa0'));
      expect(p.nextEvent()).toEqual(closeWith(1009));
      expect(sentCloseCode(p)).toBe(1009);
    });

    it('refuses a fragmented message over the size limit with 1009', () => {
      const p = server({ maxMessageSize: 1000 });
      const bytes = Buffer.concat([cframe(2, Buffer.alloc(600), { fin: false }), cframe(0, Buffer.alloc(600), { fin: true })]);
      expect(feed(p, bytes)).toEqual([closeWith(1009)]);
    });

    it('accepts 65,536 fragments of 64 bytes by default (Autobahn 9.x) and refuses a flood past the limit', () => {
      const piece = cframe(0, Buffer.alloc(64, 0x61), { fin: false });
      const p = server();
      p.receive(cframe(2, Buffer.alloc(64, 0x61), { fin: false }));
      const batch = Buffer.concat(Array.from({ length: 4096 }, () => piece));
      for (let i = 0; i < 16; i++) {
        p.receive(Buffer.from(batch));
        expect(p.nextEvent()).toBeNull();
      }
      const events = feed(p, cframe(0, Buffer.alloc(64, 0x61), { fin: true }));
      expect(events).toHaveLength(1);
      expect((events[0] as { data: Buffer }).data.length).toBe(64 * 65538);

      const q = server({ maxFragments: 1000 });
      const flood = Buffer.concat([cframe(1, 'a', { fin: false }), ...Array.from({ length: 1000 }, () => cframe(0, 'a', { fin: false }))]);
      expect(feed(q, flood)).toEqual([closeWith(1009)]);
    });
  });

  describe('closing', () => {
    it('echoes the peer code and reports a clean close', () => {
      const p = server();
      expect(feed(p, cframe(8, Buffer.concat([hex('03e8'), Buffer.from('done')])))).toEqual([
        { type: 'close', code: 1000, reason: 'done', wasClean: true },
      ]);
      expect(sentCloseCode(p)).toBe(1000);
      expect([p.closeSent, p.closeReceived, p.readyState, p.shouldCloseTransport]).toEqual([true, true, 'closed', true]);
      expect(p.sendMessage('late')).toBe(false);
    });

    it('replies with an empty close to an empty close and reports 1005', () => {
      const p = server();
      expect(feed(p, cframe(8, ''))).toEqual([{ type: 'close', code: 1005, reason: '', wasClean: true }]);
      expect(sentCloseCode(p)).toBeNull();
    });

    it('fails with 1002 on invalid codes and a 1-byte payload, 1007 on a bad reason', () => {
      for (const code of [0, 999, 1004, 1005, 1006, 1015, 1016, 2999, 5000]) {
        const payload = Buffer.alloc(2);
        payload.writeUInt16BE(code);
        const p = server();
        expect([code, feed(p, cframe(8, payload))]).toEqual([code, [closeWith(1002)]]);
        expect(sentCloseCode(p)).toBe(1002);
      }
      expect(feed(server(), cframe(8, hex('03')))).toEqual([closeWith(1002)]);
      expect(feed(server(), cframe(8, hex('03e8ff')))).toEqual([closeWith(1007)]);
    });

    it('completes a close we started; the client then waits for the server to close TCP', () => {
      const c = client();
      expect(c.sendClose(4001, 'bye')).toBe(true);
      expect(c.readyState).toBe('closing');
      const [f] = readFrames(c.takeOutgoing());
      expect([f.opcode, closeCodeOf(f.payload), f.payload.subarray(2).toString()]).toEqual([8, 4001, 'bye']);
      expect(c.sendMessage('x')).toBe(false);
      expect(c.sendClose()).toBe(false);
      // Messages still arrive while closing; pings are not answered after our close.
      expect(feed(c, Buffer.concat([frame(1, 'still'), frame(9, 'p'), frame(8, hex('0fa1'))]))).toEqual([
        { type: 'message', opcode: TEXT, data: 'still' },
        { type: 'ping', data: Buffer.from('p') },
        { type: 'close', code: 4001, reason: '', wasClean: true },
      ]);
      expect(c.takeOutgoing()).toEqual([]);
      expect([c.readyState, c.shouldCloseTransport]).toEqual(['closed', false]);
      c.receiveEof();
      expect(c.shouldCloseTransport).toBe(true);
      expect(c.nextEvent()).toBeNull();
    });

    it('reports 1006 when TCP ends without a close frame, after buffered events', () => {
      const p = client();
      p.receive(Buffer.concat([frame(1, 'last'), hex('8105 48')]));
      p.receiveEof();
      const events: ProtocolEvent[] = [];
      for (let e = p.nextEvent(); e !== null; e = p.nextEvent()) events.push(e);
      expect(events).toEqual([{ type: 'message', opcode: TEXT, data: 'last' }, closeWith(1006)]);
      expect(p.takeOutgoing()).toEqual([]);
    });
  });
});

describe('WebSocketProtocol: sending', () => {
  it('frames strings as TEXT and bytes as BINARY, masked by clients', () => {
    const s = server();
    s.sendMessage('Hello');
    s.sendMessage(new Uint8Array([1, 2]));
    s.sendMessage(Buffer.from('é'), TEXT);
    s.sendMessage('bin', BINARY);
    expect(Buffer.concat(s.takeOutgoing())).toEqual(Buffer.concat([hex('810548656c6c6f 82020102 8102c3a9'), hex('8203'), Buffer.from('bin')]));
    const c = client();
    c.sendMessage('Hello');
    const wire = Buffer.concat(c.takeOutgoing());
    expect(wire[1]).toBe(0x85);
    expect(feed(server(), wire)).toEqual([{ type: 'message', opcode: TEXT, data: 'Hello' }]);
  });

  it('round-trips large messages from client to server and back', () => {
    const c = client();
    const s = server();
    const big = Buffer.alloc(200000);
    for (let i = 0; i < big.length; i++) big[i] = (i * 7) & 255;
    c.sendMessage(big);
    expect(norm(feed(s, Buffer.concat(c.takeOutgoing()), 65536))).toEqual(norm([{ type: 'message', opcode: BINARY, data: big }]));
    s.sendMessage('ü'.repeat(70000));
    expect(feed(c, Buffer.concat(s.takeOutgoing()), 1000)).toEqual([{ type: 'message', opcode: TEXT, data: 'ü'.repeat(70000) }]);
  });

  it('gathers a large frame split over reads of any size, masked or not, with a control frame in between', () => {
    const msg = Buffer.alloc(70001);
    for (let i = 0; i < msg.length; i++) msg[i] = (i * 13 + 5) & 255;
    for (const chunk of [1, 999, 4097, 16384, 65536]) {
      const c = client();
      const s = server();
      c.sendMessage(msg);
      c.sendPing('between');
      c.sendMessage(msg.subarray(3)); // a second frame that starts elsewhere modulo 8
      const got = feed(s, Buffer.concat(c.takeOutgoing()), chunk);
      expect(got.map((e) => e.type)).toEqual(['message', 'ping', 'message']);
      expect((got[0] as { data: Buffer }).data.equals(msg)).toBe(true);
      expect((got[2] as { data: Buffer }).data.equals(msg.subarray(3))).toBe(true);
      s.sendMessage(msg); // unmasked, server to client (after the PONG the server owes)
      const back = feed(c, Buffer.concat(s.takeOutgoing()), chunk);
      expect(back.map((e) => e.type)).toEqual(['pong', 'message']);
      expect((back[1] as { data: Buffer }).data.equals(msg)).toBe(true);
    }
  });

  it('sends pings and pongs and checks their size', () => {
    const s = server();
    s.sendPing('abc');
    s.sendPong();
    expect(Buffer.concat(s.takeOutgoing())).toEqual(hex('8903616263 8a00'));
    expect(() => s.sendPing('x'.repeat(126))).toThrow(/'data'/);
  });

  it('names the bad argument', () => {
    const s = server();
    expect(() => s.sendMessage(hex('ff'), TEXT)).toThrow(/'data'/);
    expect(() => s.sendMessage('x', 9 as unknown as 1)).toThrow(/'opcode'/);
    expect(() => s.sendMessage(42 as unknown as string)).toThrow(/'data'/);
    expect(() => s.sendClose(1005)).toThrow(/'code'/);
    expect(() => s.sendClose(1000, 'x'.repeat(124))).toThrow(/'reason'/);
    expect(() => new WebSocketProtocol('server', { maxFragments: 0 })).toThrow(/'maxFragments'/);
    expect(() => new WebSocketProtocol('peer' as 'server')).toThrow(/'role'/);
  });
});
