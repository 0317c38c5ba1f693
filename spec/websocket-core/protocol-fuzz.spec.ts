/**
 * Property test: random and mutated frame streams never make the core throw, and every outcome
 * is a message, a ping/pong or a close with a code that is valid to report. (The long
 * million-frame fuzz run lives elsewhere; this one stays within a few seconds.)
 */
import fc from 'fast-check';
import * as zlib from 'node:zlib';
import { ProtocolEvent, WebSocketProtocol, isValidWireCloseCode } from '../../src/websocket/core';
import { frame, readFrames } from './helpers';

const deflateParams = {
  serverNoContextTakeover: false,
  clientNoContextTakeover: false,
  serverMaxWindowBits: 15,
  clientMaxWindowBits: 15,
};

const payloadArb = fc.oneof(
  fc.uint8Array({ maxLength: 200 }).map((a) => Buffer.from(a)),
  fc.string({ unit: 'grapheme', maxLength: 60 }).map((s) => Buffer.from(s)),
  fc.constantFrom(Buffer.from([0x03, 0xe8]), Buffer.from([0x0b, 0xb8, 0x68, 0x69]), Buffer.from([0xed, 0xa0, 0x80])),
  fc.string({ maxLength: 40 }).map((s) => zlib.deflateRawSync(Buffer.from(s), { finishFlush: zlib.constants.Z_SYNC_FLUSH }).subarray(0, -4)),
  fc.integer({ min: 126, max: 70000 }).map((n) => Buffer.alloc(n, 0x61)),
);

const frameArb = fc.record({
  opcode: fc.oneof(fc.constantFrom(0, 1, 2, 8, 9, 10), fc.integer({ min: 0, max: 15 })),
  fin: fc.oneof(fc.constant(true), fc.boolean()),
  rsv: fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 7 })),
  payload: payloadArb,
  wrongMask: fc.oneof({ weight: 9, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
});

const VALID_LOCAL = new Set([1002, 1005, 1006, 1007, 1009]);

function check(events: ProtocolEvent[]): void {
  events.forEach((e, i) => {
    switch (e.type) {
      case 'message':
        if (e.opcode === 1) expect(typeof e.data).toBe('string');
        else {
          expect(e.opcode).toBe(2);
          expect(Buffer.isBuffer(e.data)).toBe(true);
        }
        break;
      case 'ping':
      case 'pong':
        expect(e.data.length).toBeLessThanOrEqual(125);
        break;
      case 'close':
        expect(isValidWireCloseCode(e.code) || VALID_LOCAL.has(e.code)).toBe(true);
        expect(i).toBe(events.length - 1);
        break;
      default:
        throw new Error(`unexpected event ${JSON.stringify(e)}`);
    }
  });
}

describe('WebSocketProtocol property test', () => {
  it('survives random and mutated frame streams', () => {
    fc.assert(
      fc.property(
        fc.constantFrom<'client' | 'server'>('client', 'server'),
        fc.boolean(),
        fc.array(frameArb, { minLength: 1, maxLength: 12 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }),
        fc.boolean(),
        (role, deflate, frames, mutations, steps, eof) => {
          const p = new WebSocketProtocol(role, {
            deflate: deflate ? deflateParams : null,
            maxMessageSize: 50000,
            maxFragments: 8,
          });
          const masked = role === 'server';
          const bytes = Buffer.concat(
            frames.map((f) =>
              frame(f.opcode, f.payload, {
                fin: f.fin,
                rsv: f.rsv,
                mask: masked !== f.wrongMask ? Buffer.from([1, 2, 3, 4]) : null,
              }),
            ),
          );
          for (const [at, value] of mutations) if (bytes.length > 0) bytes[at % bytes.length] = value;
          const events: ProtocolEvent[] = [];
          let offset = 0;
          let k = 0;
          while (offset < bytes.length) {
            const step = steps[k++ % steps.length];
            p.receive(Buffer.from(bytes.subarray(offset, offset + step)));
            offset += step;
            for (let e = p.nextEvent(); e !== null; e = p.nextEvent()) events.push(e);
          }
          if (eof) {
            p.receiveEof();
            for (let e = p.nextEvent(); e !== null; e = p.nextEvent()) events.push(e);
            expect(events[events.length - 1]?.type).toBe('close');
          }
          check(events);
          // What we write back is well-formed: at most one close, and it is last.
          const out = readFrames(p.takeOutgoing());
          const closes = out.filter((f) => f.opcode === 8);
          expect(closes.length).toBeLessThanOrEqual(1);
          if (closes.length === 1) expect(out[out.length - 1].opcode).toBe(8);
          for (const f of out) expect([8, 10]).toContain(f.opcode);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
