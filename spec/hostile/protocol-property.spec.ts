/**
 * Property test of the sans-I/O protocol core at volume: 1,000 fast-check runs x 1,000 frames = 1,000,000
 * random and mutated frames fed to WebSocketProtocol, both roles, with and without permessage-deflate (every
 * window size and context-takeover combination). fast-check draws each run's parameters and seed; the frames
 * of a run come from a seeded PRNG (so a failure replays from fast-check's seed) and from a real peer
 * WebSocketProtocol of the other role (so compressed frames carry real context takeover), plus hand-made
 * fragments, control frames, closes, garbage and byte mutations, fed in random chunk sizes.
 *
 * Checked: no exception escapes, nothing hangs (bounded work per byte), every event is a message, a ping/pong
 * (<= 125 bytes) or a close with a valid code (a wire code, or 1005/1006 as reports; failures are 1002, 1007
 * or 1009) after which nothing more comes; what the core writes back is only PONGs and one final CLOSE with a
 * valid code; and sessions without mutations deliver exactly what the peer sent, in order.
 */
import fc from 'fast-check';
import {
  WebSocketProtocol,
  isValidWireCloseCode,
  type DeflateParams,
  type ProtocolEvent,
  type Role,
} from '../../src/websocket/core';

const RUNS = 1000;
const FRAMES_PER_RUN = 1000;
const MAX_MESSAGE = 16 * 1024;
const MAX_FRAGMENTS = 16;

/** Random bytes and text to slice from (building them per frame would dominate the run time). */
const BYTE_POOL = Buffer.alloc(1 << 20);
const PIECES = ['a', 'Z', ' ', '0', 'é', 'ß', '€', '✓', '𝄞', '😀', '\u0000', '\u{10FFFF}', 'κόσμε'];
let TEXT_POOL = '';
{
  let x = 0x12345678;
  const next = (): number => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return x >>> 0; };
  for (let i = 0; i < BYTE_POOL.length; i++) BYTE_POOL[i] = next() & 0xff;
  const parts: string[] = [];
  for (let i = 0; i < 1 << 16; i++) parts.push(next() % 10 < 7 ? String.fromCharCode(0x61 + (next() % 26)) : PIECES[next() % PIECES.length]);
  TEXT_POOL = parts.join('');
}

/** xorshift32: fast deterministic randomness seeded by fast-check. */
class Rng {
  private s: number;
  constructor(seed: number) { this.s = (seed >>> 0) || 0x9e3779b9; }
  next(): number { let x = this.s; x ^= x << 13; x ^= x >>> 17; x ^= x << 5; this.s = x >>> 0; return this.s; }
  int(n: number): number { return this.next() % n; }
  chance(p: number): boolean { return this.next() / 4294967296 < p; }
  /** `n` random bytes (a copy: the core may unmask in place). */
  bytes(n: number): Buffer { const at = this.int(BYTE_POOL.length - n); return Buffer.from(BYTE_POOL.subarray(at, at + n)); }
}

/** About `n` UTF-16 units of random text, never cutting a surrogate pair. */
function randomText(r: Rng, n: number): string {
  let at = r.int(TEXT_POOL.length - n - 2);
  let end = at + n;
  if (TEXT_POOL.charCodeAt(at) >= 0xdc00 && TEXT_POOL.charCodeAt(at) <= 0xdfff) at++;
  const last = TEXT_POOL.charCodeAt(end - 1);
  if (last >= 0xd800 && last <= 0xdbff) end++;
  return TEXT_POOL.slice(at, Math.max(at, end));
}

/** One frame by hand (masked for a client sender), with any header bits. */
function rawFrame(r: Rng, opcode: number, payload: Buffer, fin: boolean, masked: boolean, rsv = 0): Buffer {
  const n = payload.length;
  const ext = n < 126 ? 0 : n < 65536 ? 2 : 8;
  const out = Buffer.allocUnsafe(2 + ext + (masked ? 4 : 0) + n);
  out[0] = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  out[1] = (masked ? 0x80 : 0) | (ext === 0 ? n : ext === 2 ? 126 : 127);
  if (ext === 2) out.writeUInt16BE(n, 2);
  else if (ext === 8) out.writeBigUInt64BE(BigInt(n), 2);
  let at = 2 + ext;
  if (masked) {
    out.writeUInt32BE(r.next(), at);
    const key = out.subarray(at, at + 4);
    at += 4;
    for (let i = 0; i < n; i++) out[at + i] = payload[i] ^ key[i & 3];
  } else payload.copy(out, at);
  return out;
}

type Expect = { type: 'message'; opcode: 1 | 2; data: string | Buffer } | { type: 'ping' | 'pong'; data: Buffer } | { type: 'close'; codes: number[] };

const FAIL_CODES = new Set([1002, 1007, 1009]);

function checkOutgoing(bufs: Buffer[], closed: boolean): void {
  const all = Buffer.concat(bufs);
  let i = 0;
  let sawClose = false;
  while (i < all.length) {
    if (sawClose) throw new Error('the core wrote something after its CLOSE');
    const op = all[i] & 0x0f;
    let len = all[i + 1] & 0x7f;
    const masked = (all[i + 1] & 0x80) !== 0;
    let at = i + 2;
    if (len === 126) { len = all.readUInt16BE(at); at += 2; } else if (len === 127) { len = Number(all.readBigUInt64BE(at)); at += 8; }
    const key = masked ? all.subarray(at, at + 4) : null;
    if (masked) at += 4;
    if (op !== 8 && op !== 10) throw new Error(`the core wrote opcode ${op}`);
    if (len > 125) throw new Error(`the core wrote a ${len}-byte control frame`);
    if (op === 8) {
      sawClose = true;
      if (len >= 2) {
        const hi = key ? all[at] ^ key[0] : all[at];
        const lo = key ? all[at + 1] ^ key[1] : all[at + 1];
        const code = (hi << 8) | lo;
        if (!isValidWireCloseCode(code)) throw new Error(`the core wrote a CLOSE with invalid code ${code}`);
      }
    }
    i = at + len;
  }
  if (i !== all.length) throw new Error('the core wrote a truncated frame');
  if (sawClose && !closed) throw new Error('the core wrote a CLOSE without reporting a close');
}

interface RunParams {
  seed: number;
  role: Role;
  deflate: DeflateParams | null;
  threshold: number;
  mutationRate: number;
  garbageRate: number;
  maxChunk: number;
  eofAtEnd: boolean;
}

let totalFrames = 0;
let totalEvents = 0;
let sessions = 0;
const outcomes: Record<string, number> = {};

function runOnce(p: RunParams): void {
  const r = new Rng(p.seed);
  const senderRole: Role = p.role === 'server' ? 'client' : 'server';
  const masked = senderRole === 'client';
  let framesLeft = FRAMES_PER_RUN;
  while (framesLeft > 0) {
    sessions++;
    const recv = new WebSocketProtocol(p.role, { deflate: p.deflate, maxMessageSize: MAX_MESSAGE, maxFragments: MAX_FRAGMENTS });
    const send = new WebSocketProtocol(senderRole, { deflate: p.deflate, deflateOptions: { threshold: p.threshold } });
    const expected: Expect[] = [];
    let clean = true; // no mutation or garbage so far in this session
    let closed = false;
    const out: Buffer[] = [];
    const feed = (bytes: Buffer): void => {
      let off = 0;
      while (off < bytes.length && !closed) {
        const n = 1 + r.int(p.maxChunk);
        recv.receive(Buffer.from(bytes.subarray(off, off + n)));
        off += n;
        let guard = 0;
        for (let e = recv.nextEvent(); e !== null; e = recv.nextEvent()) {
          if (++guard > 10000) throw new Error('nextEvent does not stop (hang)');
          onEvent(e);
          if (closed) { if (recv.nextEvent() !== null) throw new Error('an event after the close'); break; }
        }
        out.push(...recv.takeOutgoing());
      }
    };
    const onEvent = (e: ProtocolEvent): void => {
      totalEvents++;
      const key = e.type === 'close' ? `close ${e.code}${e.wasClean ? '' : ' (failed)'}` : e.type;
      outcomes[key] = (outcomes[key] ?? 0) + 1;
      switch (e.type) {
        case 'message':
          if (e.opcode === 1) { if (typeof e.data !== 'string') throw new Error('TEXT message without a string'); }
          else if (e.opcode !== 2 || !Buffer.isBuffer(e.data)) throw new Error(`bad message event ${String(e.opcode)}`);
          break;
        case 'ping':
        case 'pong':
          if (!Buffer.isBuffer(e.data) || e.data.length > 125) throw new Error(`bad ${e.type} event`);
          break;
        case 'close':
          if (!(isValidWireCloseCode(e.code) || e.code === 1005 || e.code === 1006)) throw new Error(`close with invalid code ${e.code}`);
          if (!e.wasClean && !FAIL_CODES.has(e.code) && e.code !== 1006) throw new Error(`failure with code ${e.code}`);
          closed = true;
          break;
        default:
          throw new Error(`unexpected event ${JSON.stringify(e)}`);
      }
      if (clean) {
        const want = expected.shift();
        if (want === undefined) throw new Error(`clean session: unexpected ${e.type} event`);
        if (want.type === 'close') {
          if (e.type !== 'close' || !want.codes.includes(e.code)) throw new Error(`clean session: expected close ${want.codes}, got ${JSON.stringify({ ...e, data: undefined })}`);
        } else if (e.type !== want.type) {
          throw new Error(`clean session: expected ${want.type}, got ${e.type}${e.type === 'close' ? ` ${e.code} ${e.reason}` : ''}`);
        } else if (e.type === 'message' && want.type === 'message') {
          const same = e.opcode === want.opcode && (typeof want.data === 'string' ? e.data === want.data : Buffer.isBuffer(e.data) && e.data.equals(want.data));
          if (!same) throw new Error('clean session: message differs from what was sent');
        } else if ((e.type === 'ping' || e.type === 'pong') && !e.data.equals((want as { data: Buffer }).data)) {
          throw new Error('clean session: ping/pong payload differs');
        }
      }
    };

    while (framesLeft > 0 && !closed) {
      let bytes: Buffer;
      let frames = 1;
      const k = r.int(1000);
      if (k < 300) {
        const big = r.chance(0.01);
        const text = randomText(r, big ? MAX_MESSAGE : r.chance(0.1) ? 500 + r.int(3000) : r.int(120));
        send.sendMessage(text);
        bytes = Buffer.concat(send.takeOutgoing());
        expected.push(Buffer.byteLength(text) > MAX_MESSAGE ? { type: 'close', codes: [1009] } : { type: 'message', opcode: 1, data: text });
      } else if (k < 550) {
        const data = r.bytes(r.chance(0.1) ? 500 + r.int(3000) : r.int(200));
        send.sendMessage(data);
        bytes = Buffer.concat(send.takeOutgoing());
        expected.push({ type: 'message', opcode: 2, data });
      } else if (k < 650) {
        const data = r.bytes(r.int(126));
        if (r.chance(0.5)) { send.sendPing(data); expected.push({ type: 'ping', data }); } else { send.sendPong(data); expected.push({ type: 'pong', data }); }
        bytes = Buffer.concat(send.takeOutgoing());
      } else if (k < 850) {
        // a fragmented message (uncompressed), sometimes with control frames between the fragments
        const textual = r.chance(0.5);
        const whole = textual ? Buffer.from(randomText(r, r.int(300))) : r.bytes(r.int(300));
        const tooMany = r.chance(0.02);
        const n = tooMany ? MAX_FRAGMENTS + 1 + r.int(4) : 2 + r.int(4);
        const parts: Buffer[] = [];
        const cuts = Array.from({ length: n - 1 }, () => r.int(whole.length + 1)).sort((a, b) => a - b);
        const points = [0, ...cuts, whole.length];
        const ctl: Expect[] = [];
        let ctlBeforeLimit = 0; // pings after fragment i < MAX_FRAGMENTS arrive before the 17th fragment fails
        for (let i = 0; i < n; i++) {
          parts.push(rawFrame(r, i === 0 ? (textual ? 1 : 2) : 0, whole.subarray(points[i], points[i + 1]), i === n - 1, masked));
          if (i < n - 1 && r.chance(0.2)) {
            const d = r.bytes(r.int(20));
            parts.push(rawFrame(r, 9, d, true, masked));
            ctl.push({ type: 'ping', data: d });
            if (i < MAX_FRAGMENTS) ctlBeforeLimit++;
          }
        }
        frames = parts.length;
        bytes = Buffer.concat(parts);
        if (tooMany) {
          expected.push(...ctl.slice(0, ctlBeforeLimit), { type: 'close', codes: [1009] });
        } else expected.push(...ctl, { type: 'message', opcode: textual ? 1 : 2, data: textual ? whole.toString() : whole });
      } else if (k < 855) {
        const codes = [1000, 1001, 1002, 1003, 1007, 1008, 1009, 1010, 1011, 3000, 4999];
        if (r.chance(0.2)) { bytes = rawFrame(r, 8, Buffer.alloc(0), true, masked); expected.push({ type: 'close', codes: [1005] }); }
        else {
          const code = codes[r.int(codes.length)];
          send.sendClose(code, randomText(r, r.int(20)).slice(0, 20));
          bytes = Buffer.concat(send.takeOutgoing());
          expected.push({ type: 'close', codes: [code] });
        }
      } else if (k < 900) {
        // random header bits on a small frame: reserved opcodes, RSV bits, bad control frames, wrong mask
        const opcode = r.int(16);
        const payload = r.bytes(r.chance(0.05) ? 126 + r.int(200) : r.int(40));
        bytes = rawFrame(r, opcode, payload, r.chance(0.8), r.chance(0.95) ? masked : !masked, r.chance(0.7) ? 0 : r.int(8));
        clean = false; // its outcome depends on the state (a continuation, a ping, a close...): invariants only
      } else {
        // a ping with a random payload between messages (cheap, keeps sessions long)
        const data = r.bytes(r.int(30));
        bytes = rawFrame(r, 9, data, true, masked);
        expected.push({ type: 'ping', data });
      }
      if (r.chance(p.mutationRate)) {
        const count = 1 + r.int(3);
        for (let i = 0; i < count && bytes.length > 0; i++) bytes[r.int(bytes.length)] = r.next() & 0xff;
        clean = false;
      }
      if (r.chance(p.garbageRate)) {
        bytes = Buffer.concat([bytes, r.bytes(1 + r.int(16))]);
        clean = false;
      }
      framesLeft -= frames;
      totalFrames += frames;
      feed(bytes);
    }
    if (!closed && (framesLeft <= 0 && p.eofAtEnd)) {
      recv.receiveEof();
      const e = recv.nextEvent();
      if (e === null || e.type !== 'close') throw new Error('EOF without a close event');
      if (clean && e.code !== 1006) throw new Error(`EOF in a clean session closed with ${e.code}`);
      clean = false;
      onEvent(e);
      if (recv.nextEvent() !== null) throw new Error('an event after the close');
      out.push(...recv.takeOutgoing());
    }
    checkOutgoing(out, closed);
  }
}

const deflateArb: fc.Arbitrary<DeflateParams | null> = fc.option(
  fc.record({
    serverNoContextTakeover: fc.boolean(),
    clientNoContextTakeover: fc.boolean(),
    serverMaxWindowBits: fc.integer({ min: 8, max: 15 }),
    clientMaxWindowBits: fc.integer({ min: 8, max: 15 }),
  }),
  { nil: null, freq: 2 },
);

const paramsArb: fc.Arbitrary<RunParams> = fc.record({
  seed: fc.integer(),
  role: fc.constantFrom<Role>('client', 'server'),
  deflate: deflateArb,
  // mostly only the bigger messages are compressed (zlib dominates the run time); sometimes all of them
  threshold: fc.oneof({ weight: 1, arbitrary: fc.constant(0) }, { weight: 19, arbitrary: fc.integer({ min: 200, max: 4096 }) }),
  mutationRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.05, noNaN: true })),
  garbageRate: fc.oneof(fc.constant(0), fc.double({ min: 0, max: 0.01, noNaN: true })),
  // chunk sizes: whole frames mostly; every split (down to single bytes) in a fifth of the runs
  maxChunk: fc.oneof({ weight: 10, arbitrary: fc.constant(1 << 16) }, { weight: 2, arbitrary: fc.integer({ min: 1, max: 64 }) },
    { weight: 5, arbitrary: fc.integer({ min: 65, max: 4096 }) }),
  eofAtEnd: fc.boolean(),
});

describe('WebSocketProtocol under 1,000,000 random and mutated frames', () => {
  it(`${RUNS} runs x ${FRAMES_PER_RUN} frames (1,000,000 frames): no exception, no hang, only valid outcomes`, () => {
    const t0 = Date.now();
    fc.assert(fc.property(paramsArb, (p) => { runOnce(p); }), { numRuns: RUNS, endOnFailure: true });
    const ms = Date.now() - t0;
    console.log(`protocol property: ${totalFrames} frames, ${sessions} sessions, ${totalEvents} events in ${ms} ms; outcomes ${JSON.stringify(outcomes)}`);
    expect(totalFrames).toBeGreaterThanOrEqual(1000000);
  }, 120000);
});
