import {
  BINARY,
  FrameParser,
  PARSE_CONTROL,
  PARSE_DATA,
  PARSE_ERROR,
  PARSE_NEED_MORE,
  TEXT,
  applyMask,
  encodeFrame,
  rememberTextBytes,
  headerLength,
  isControl,
  isKnown,
} from '../../src/websocket/core';
import { packMask, xorCopy } from '../../src/websocket/core/mask';
import { hex } from './helpers';

describe('opcodes', () => {
  it('classifies control and known opcodes', () => {
    expect([0, 1, 2, 8, 9, 10].every(isKnown)).toBe(true);
    expect([3, 4, 5, 6, 7, 11, 12, 15].some(isKnown)).toBe(false);
    expect(isControl(8) && isControl(9) && isControl(10) && isControl(11)).toBe(true);
    expect(isControl(0) || isControl(1) || isControl(2)).toBe(false);
  });
});

describe('applyMask', () => {
  const naive = (buf: Buffer, mask: Buffer, offset: number) => Buffer.from(buf.map((b, i) => b ^ mask[(offset + i) & 3]));

  it.each(['37fa213d', 'a7fa21bd'])('matches a byte-wise XOR for every length, alignment and mask offset (mask %s)', (maskHex) => {
    const mask = hex(maskHex); // the second has its top bit set: a negative packed key
    const backing = Buffer.alloc(5000);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 31 + 7) & 255;
    for (const len of [0, 1, 3, 4, 5, 31, 32, 33, 64, 100, 257, 1023, 1024, 1031, 1151, 4099]) { // 32- and 64-bit loops
      for (let start = 0; start < 8; start++) {
        for (let offset = 0; offset < 5; offset++) {
          const view = Buffer.from(backing).subarray(start, start + len);
          const expected = naive(view, mask, offset);
          applyMask(view, mask, offset);
          expect(view.equals(expected)).toBe(true);
        }
      }
    }
  });

  it('xorCopy copies and unmasks in one pass for every length, relative alignment and mask offset', () => {
    const mask = hex('a7fa21bd');
    const key = packMask(mask);
    const backing = Buffer.alloc(70000);
    for (let i = 0; i < backing.length; i++) backing[i] = (i * 29 + 3) & 255;
    // 64-bit words from 1024 bytes on when source and destination line up modulo 8; the 16-word body and its tail
    for (const len of [0, 5, 1023, 1024, 1031, 1151, 4099, 65536 + 13]) {
      for (const [srcStart, at] of [[0, 0], [3, 3], [6, 14], [1, 4], [7, 0]]) {
        for (const offset of [0, 1, 3]) {
          const src = backing.subarray(srcStart, srcStart + len);
          const dst = Buffer.alloc(at + len + 3, 0xee);
          xorCopy(src, dst, at, key, offset);
          expect(dst.subarray(at, at + len).equals(naive(src, mask, offset))).toBe(true);
          expect(dst.subarray(0, at).every((b) => b === 0xee) && dst.subarray(at + len).every((b) => b === 0xee)).toBe(true);
        }
      }
    }
  });

  it('reads the mask at maskStart and is its own inverse', () => {
    const key = hex('ffff37fa213d');
    const data = Buffer.from('Hello, masked world! '.repeat(5));
    const copy = Buffer.from(data);
    applyMask(copy, key, 0, 2);
    expect(copy.equals(data)).toBe(false);
    applyMask(copy, key, 0, 2);
    expect(copy.equals(data)).toBe(true);
  });

  it('reproduces the RFC 6455 5.7 masked "Hello"', () => {
    const payload = Buffer.from('Hello');
    applyMask(payload, hex('37fa213d'));
    expect(payload).toEqual(hex('7f9f4d5158'));
  });
});

describe('encodeFrame', () => {
  const enc = (opcode: number, payload: Buffer | string, mask = false, fin = true, rsv1 = false) => {
    const out: Buffer[] = [];
    encodeFrame(opcode, payload, { fin, rsv1, mask }, out);
    return out;
  };

  it('encodes the RFC 6455 5.7 unmasked text frame', () => {
    expect(Buffer.concat(enc(TEXT, 'Hello'))).toEqual(hex('810548656c6c6f'));
    expect(Buffer.concat(enc(TEXT, Buffer.from('Hello')))).toEqual(hex('810548656c6c6f'));
  });

  it('encodes the 16-bit and 64-bit length forms', () => {
    const b256 = Buffer.alloc(256, 1);
    const h256 = Buffer.concat(enc(BINARY, b256));
    expect(h256.subarray(0, 4)).toEqual(hex('827e0100'));
    expect(h256.length).toBe(260);
    const big = Buffer.alloc(65536, 2);
    const out = enc(BINARY, big);
    expect(out[0]).toEqual(hex('827f0000000000010000'));
    expect(out[1]).toBe(big); // large server payloads are not copied
    expect(headerLength(125, false)).toBe(2);
    expect(headerLength(126, false)).toBe(4);
    expect(headerLength(65535, true)).toBe(8);
    expect(headerLength(65536, true)).toBe(14);
  });

  it('masks client frames with a fresh key and keeps the caller payload intact', () => {
    const payload = Buffer.from('Hello');
    const [a] = enc(TEXT, payload, true);
    const [b] = enc(TEXT, payload, true);
    expect(payload.toString()).toBe('Hello');
    expect(a[0]).toBe(0x81);
    expect(a[1]).toBe(0x85);
    const key = a.subarray(2, 6);
    const body = Buffer.from(a.subarray(6));
    applyMask(body, key);
    expect(body.toString()).toBe('Hello');
    expect(a.subarray(2, 6).equals(b.subarray(2, 6))).toBe(false);
  });

  it('sets FIN and RSV1 bits', () => {
    expect(enc(TEXT, 'a', false, false)[0][0]).toBe(0x01);
    expect(enc(TEXT, 'a', false, true, true)[0][0]).toBe(0xc1);
  });

  it('encodes strings around the 7-bit length limit and the slab limit, ASCII or not, masked or not', () => {
    const parse = (frame: Buffer) => {
      const len7 = frame[1] & 0x7f;
      const ext = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
      const length = len7 === 126 ? frame.readUInt16BE(2) : len7 === 127 ? Number(frame.readBigUInt64BE(2)) : len7;
      const masked = (frame[1] & 0x80) !== 0;
      const body = Buffer.from(frame.subarray(2 + ext + (masked ? 4 : 0)));
      if (masked) applyMask(body, frame, 0, 2 + ext);
      return { length, body };
    };
    for (const unit of ['a', 'é', '✓', '😀']) {
      for (const n of [0, 1, 41, 42, 62, 63, 125, 126, 341, 342, 1023, 1024, 1025, 3000]) {
        const text = unit.repeat(n).slice(0, n); // may end in a lone surrogate: encoded as U+FFFD, as Buffer.from does
        for (const mask of [false, true]) {
          const frame = Buffer.concat(enc(TEXT, text, mask));
          const { length, body } = parse(frame);
          expect([unit, n, mask, length, body.toString('hex')]).toEqual([unit, n, mask, Buffer.byteLength(text), Buffer.from(text).toString('hex')]);
        }
      }
    }
  });

  it('reuses the frame of a string sent again, and the bytes of a string just received', () => {
    const [a] = enc(TEXT, 'to everyone');
    const [b] = enc(TEXT, 'to everyone');
    expect(b).toBe(a); // a broadcast writes one Buffer to every socket
    expect(enc(TEXT, 'to everyone', false, false)[0]).toEqual(Buffer.concat([hex('010b'), Buffer.from('to everyone')])); // not FIN: not the final frame
    expect(enc(BINARY, 'to everyone')[0]).toEqual(Buffer.concat([hex('820b'), Buffer.from('to everyone')]));
    expect(enc(TEXT, 'to everyone', false, true, true)[0]).toEqual(Buffer.concat([hex('c10b'), Buffer.from('to everyone')]));
    expect(enc(TEXT, 'to everyone')[0]).toEqual(a);
    expect(enc(TEXT, 'to someone!')[0]).toEqual(Buffer.concat([hex('810b'), Buffer.from('to someone!')])); // same length

    const received = Buffer.from('xxécho ✓xx').subarray(2, 11); // a view inside a chunk, as the parser hands out
    const text = received.toString('utf8');
    rememberTextBytes(text, received);
    expect(enc(TEXT, `${text}`)[0]).toEqual(Buffer.concat([hex('8109'), Buffer.from('écho ✓')]));
    rememberTextBytes(text, received);
    const [masked] = enc(TEXT, text, true);
    const body = Buffer.from(masked.subarray(6));
    applyMask(body, masked, 0, 2);
    expect([masked[1], body.toString('utf8')]).toEqual([0x89, 'écho ✓']);
    expect(received.toString('utf8')).toBe('écho ✓'); // the received bytes were copied, not masked in place
    expect(enc(TEXT, 'écho ✗')[0]).toEqual(Buffer.concat([hex('8109'), Buffer.from('écho ✗')]));

    const [news] = enc(TEXT, 'news');
    expect(enc(0x9, 'news')[0]).toEqual(Buffer.concat([hex('8904'), Buffer.from('news')])); // a PING
    expect(enc(TEXT, 'news')[0]).toBe(news); // the PING did not take the message's place
  });

  it('leaves earlier small frames intact while later ones fill and replace the slab', () => {
    const frames: Buffer[] = [];
    const texts: string[] = [];
    for (let i = 0; i < 2000; i++) { // about 25 slabs of 16 KiB
      const text = `${i}:` + 'xé✓'.repeat(i % 97);
      texts.push(text);
      frames.push(...enc(TEXT, text));
    }
    frames.forEach((f, i) => {
      const ext = (f[1] & 0x7f) === 126 ? 2 : 0;
      expect(f.subarray(2 + ext).toString('utf8')).toBe(texts[i]);
    });
  });
});

describe('FrameParser', () => {
  const server = () => new FrameParser({ expectMasked: true, maxPayload: 1 << 20, allowRsv1: false });
  const client = () => new FrameParser({ expectMasked: false, maxPayload: 1 << 20, allowRsv1: false });

  it('parses the RFC unmasked and masked "Hello" frames', () => {
    const c = client();
    c.push(hex('810548656c6c6f'));
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.fin, c.opcode, c.frameStart, c.frameEnd, c.payload.toString()]).toEqual([true, 1, true, true, 'Hello']);
    expect(c.next()).toBe(PARSE_NEED_MORE);
    const s = server();
    s.push(hex('818537fa213d7f9f4d5158'));
    expect(s.next()).toBe(PARSE_DATA);
    expect(s.payload.toString()).toBe('Hello');
  });

  it('hands out a frame lying in one chunk as a view, without copying', () => {
    const c = client();
    const chunk = hex('810548656c6c6f');
    c.push(chunk);
    c.next();
    expect(c.payload.buffer).toBe(chunk.buffer);
  });

  it('parses the fragmented and ping examples', () => {
    const c = client();
    c.push(hex('010348656c 80026c6f 890548656c6c6f'));
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.fin, c.opcode, c.payload.toString()]).toEqual([false, 1, 'Hel']);
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.fin, c.opcode, c.payload.toString()]).toEqual([true, 0, 'lo']);
    expect(c.next()).toBe(PARSE_CONTROL);
    expect([c.opcode, c.payload.toString()]).toEqual([9, 'Hello']);
  });

  it('streams the payload of a frame that arrives in pieces', () => {
    const c = client();
    c.push(hex('820a 0001 0203'));
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.frameStart, c.frameEnd, c.payloadLength]).toEqual([true, false, 10]);
    expect(c.payload).toEqual(hex('00010203'));
    expect(c.next()).toBe(PARSE_NEED_MORE);
    c.push(hex('040506070809'));
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.frameStart, c.frameEnd]).toEqual([false, true]);
    expect(c.payload).toEqual(hex('040506070809'));
  });

  it('unmasks streamed pieces with the right mask phase', () => {
    const data = Buffer.alloc(300);
    for (let i = 0; i < 300; i++) data[i] = i & 255;
    const masked = Buffer.from(data);
    applyMask(masked, hex('01020304'));
    const bytes = Buffer.concat([hex('82fe012c01020304'), masked]);
    for (const step of [1, 3, 7, 64, 301]) {
      const s = server();
      const got: Buffer[] = [];
      for (let i = 0; i < bytes.length; i += step) {
        s.push(Buffer.from(bytes.subarray(i, i + step)));
        while (s.next() === PARSE_DATA) got.push(Buffer.from(s.payload));
      }
      expect(Buffer.concat(got)).toEqual(data);
    }
  });

  it('parses 64 KiB with the 64-bit length form', () => {
    const c = client();
    c.push(Buffer.concat([hex('827f0000000000010000'), Buffer.alloc(65536, 9)]));
    expect(c.next()).toBe(PARSE_DATA);
    expect([c.payloadLength, c.payload.length, c.frameEnd]).toEqual([65536, 65536, true]);
  });

  const fails = (bytes: string, code: number, parser = client()) => {
    parser.push(hex(bytes));
    expect(parser.next()).toBe(PARSE_ERROR);
    expect(parser.errorCode).toBe(code);
    expect(parser.next()).toBe(PARSE_ERROR);
  };

  it('rejects header violations as soon as the first two bytes arrive', () => {
    fails('c1', 1002); // RSV1 without deflate
    fails('83', 1002); // unknown opcode
    fails('09', 1002); // fragmented ping
  });

  it('rejects RSV bits, unknown opcodes, bad control frames and masking mistakes with 1002', () => {
    fails('c100', 1002); // RSV1 without deflate
    fails('a100', 1002); // RSV2
    fails('9100', 1002); // RSV3
    for (const op of ['3', '4', '5', '6', '7', 'b', 'c', 'd', 'e', 'f']) fails(`8${op}00`, 1002);
    fails('0900', 1002); // fragmented ping
    fails('897e', 1002); // ping over 125
    fails('817e', 1002, server()); // unmasked frame to a server
    fails('8185', 1002); // masked frame to a client
  });

  it('allows RSV1 only on data frames when deflate is negotiated', () => {
    const p = () => new FrameParser({ expectMasked: false, maxPayload: 100, allowRsv1: true });
    const ok = p();
    ok.push(hex('c100'));
    expect(ok.next()).toBe(PARSE_DATA);
    expect(ok.rsv1).toBe(true);
    fails('c000', 1002, p()); // on a continuation frame
    fails('c900', 1002, p()); // on a ping
  });

  it('rejects oversized lengths with 1009 before the payload arrives', () => {
    const small = () => new FrameParser({ expectMasked: false, maxPayload: 100, allowRsv1: false });
    fails('827e0100', 1009, small());
    fails('827f7fffffffffffffff', 1009, small());
    fails('827fffffffffffffffff', 1009, small()); // 2^63 bit set
    fails('827f0020000000000000', 1009); // 2^53
  });

  it('waits for the whole extended header before deciding', () => {
    const c = client();
    c.push(hex('827f00000000'));
    expect(c.next()).toBe(PARSE_NEED_MORE);
    c.push(hex('00000003 010203'));
    expect(c.next()).toBe(PARSE_DATA);
    expect(c.payload).toEqual(hex('010203'));
  });
});
