/** Shared helpers for the protocol-core specs: hex bytes, hand-built frames, event draining. */
import { ProtocolEvent, WebSocketProtocol } from '../../src/websocket/core';

/** Bytes from a hex string with optional spaces: `hex('81 05 48')`. */
export function hex(s: string): Buffer {
  return Buffer.from(s.replace(/\s+/g, ''), 'hex');
}

/** Builds a frame by hand (independently of the encoder under test). */
export function frame(
  opcode: number,
  payload: Buffer | string,
  opts: { fin?: boolean; rsv?: number; mask?: Buffer | null } = {},
): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const fin = opts.fin ?? true;
  const mask = opts.mask === undefined ? null : opts.mask;
  const parts: number[] = [(fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode];
  const m = mask ? 0x80 : 0;
  if (data.length < 126) parts.push(m | data.length);
  else if (data.length < 65536) parts.push(m | 126, data.length >> 8, data.length & 255);
  else {
    parts.push(m | 127, 0, 0, 0, 0);
    parts.push((data.length >>> 24) & 255, (data.length >>> 16) & 255, (data.length >>> 8) & 255, data.length & 255);
  }
  let body = Buffer.from(data);
  if (mask) {
    parts.push(...mask);
    body = Buffer.from(body.map((b, i) => b ^ mask[i & 3]));
  }
  return Buffer.concat([Buffer.from(parts), body]);
}

/** A client frame as a server receives it (masked with a fixed key). */
export function cframe(opcode: number, payload: Buffer | string, opts: { fin?: boolean; rsv?: number } = {}): Buffer {
  return frame(opcode, payload, { ...opts, mask: hex('37fa213d') });
}

/** Feeds `bytes` (optionally split into pieces of `step`) and collects every event. */
export function feed(p: WebSocketProtocol, bytes: Buffer, step = bytes.length || 1): ProtocolEvent[] {
  const events: ProtocolEvent[] = [];
  for (let i = 0; i < bytes.length; i += step) {
    p.receive(Buffer.from(bytes.subarray(i, i + step)));
    for (let e = p.nextEvent(); e !== null; e = p.nextEvent()) events.push(e);
  }
  return events;
}

/** Parses frames written by the core (server side: unmasked) into [opcode, payload] pairs. */
export function readFrames(bufs: Buffer[]): Array<{ fin: boolean; rsv1: boolean; opcode: number; payload: Buffer }> {
  const all = Buffer.concat(bufs);
  const out: Array<{ fin: boolean; rsv1: boolean; opcode: number; payload: Buffer }> = [];
  let i = 0;
  while (i < all.length) {
    const b0 = all[i];
    const b1 = all[i + 1];
    let len = b1 & 127;
    let at = i + 2;
    if (len === 126) {
      len = all.readUInt16BE(at);
      at += 2;
    } else if (len === 127) {
      len = Number(all.readBigUInt64BE(at));
      at += 8;
    }
    let mask: Buffer | null = null;
    if (b1 & 0x80) {
      mask = all.subarray(at, at + 4);
      at += 4;
    }
    let payload = Buffer.from(all.subarray(at, at + len));
    if (mask) payload = Buffer.from(payload.map((b, k) => b ^ mask![k & 3]));
    out.push({ fin: (b0 & 0x80) !== 0, rsv1: (b0 & 0x40) !== 0, opcode: b0 & 15, payload });
    i = at + len;
  }
  return out;
}

/** Close code inside a CLOSE payload, or null. */
export function closeCodeOf(payload: Buffer): number | null {
  return payload.length >= 2 ? payload.readUInt16BE(0) : null;
}

/** Events with Buffer payloads replaced by hex strings (jest's deep equality on big Buffers is slow). */
export function norm(events: ProtocolEvent[]): unknown[] {
  return events.map((e) => ('data' in e && Buffer.isBuffer(e.data) ? { ...e, data: `hex:${e.data.toString('hex')}` } : e));
}
