/**
 * Encodes outgoing frames (RFC 6455 section 5.2) into Buffers ready for `writev`/cork.
 * Servers send the caller's payload Buffer untouched after a separate header, so a large
 * message is never copied; small payloads are copied next to their header because one
 * write of a small buffer is cheaper than two. Clients must mask, which needs a copy anyway:
 * header and masked payload share one allocation.
 */
import { asBuffer } from './as-buffer';
import { applyMask } from './mask';
import { writeMaskKey } from './mask-keys';

/** Payloads up to this size are copied into the header's buffer (one write, one allocation). */
const COALESCE_LIMIT = 1024;

/** Bytes the header takes for a payload of `length` bytes, masked or not. */
export function headerLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/** Writes a frame header into `out` at `at`; returns where the mask key (or the payload) goes. */
function writeHeader(
  out: Buffer,
  at: number,
  opcode: number,
  length: number,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
): number {
  out[at] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) {
    out[at + 1] = maskBit | length;
    return at + 2;
  }
  if (length < 0x10000) {
    out[at + 1] = maskBit | 126;
    out.writeUInt16BE(length, at + 2);
    return at + 4;
  }
  out[at + 1] = maskBit | 127;
  out.writeUInt32BE(Math.floor(length / 0x100000000), at + 2);
  out.writeUInt32BE(length >>> 0, at + 6);
  return at + 10;
}

/**
 * Small text frames are cut from a slab, as Node's Buffer pool does: the string is encoded straight into
 * its frame with one call, where byteLength + allocUnsafe + write would be three. The slab is never
 * written again once a frame is cut from it (a frame may sit in the socket's queue), only replaced.
 */
const SLAB_SIZE = 16 * 1024;
/** Strings up to this many UTF-16 units (3 bytes each at most, so a 2-byte or 4-byte length) use the slab. */
const SLAB_TEXT_LIMIT = 1024;
let slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
let slabUsed = 0;

/**
 * The last small text whose UTF-8 bytes are known, from a frame encoded here or a message decoded on
 * receive: sending that same string again (a broadcast to many connections, an echo, a relay) costs no
 * encoding, and an unmasked frame is the very same Buffer, written to every socket (Node never writes into
 * a Buffer it sends). Holds one payload at most, in a process.
 */
let knownText: string | null = null;
/** The text's bytes when they came from receive; else they are knownFrame's from knownFrameAt. */
let knownBytes: Uint8Array | null = null;
let knownFrame: Buffer | null = null;
let knownFrameAt = 0;
let knownFrameOpcode = 0;
let knownFrameFinal = false;

/**
 * Tells the encoder the UTF-8 bytes of `text` (a received message, decoded from `bytes`). The caller
 * guarantees that nothing writes into `bytes` afterwards.
 */
export function rememberTextBytes(text: string, bytes: Uint8Array): void {
  if (text.length > SLAB_TEXT_LIMIT) return;
  knownText = text;
  knownBytes = bytes;
  knownFrame = null;
}

function textFrameFromSlab(opcode: number, text: string, options: FrameOptions): Buffer {
  let bytes: Uint8Array | null = null;
  if (text === knownText) {
    if (knownFrame !== null) {
      if (knownFrameOpcode === opcode && knownFrameFinal && options.fin && !options.rsv1 && !options.mask) return knownFrame;
      bytes = knownFrame.subarray(knownFrameAt);
    } else {
      bytes = knownBytes;
    }
  }
  const max = bytes !== null ? bytes.length : text.length * 3;
  const hmax = headerLength(max, options.mask);
  if (slabUsed + hmax + max > SLAB_SIZE) {
    slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
    slabUsed = 0;
  }
  const buf = slab;
  const p = slabUsed + hmax; // the payload's place; the header goes right before it
  let n: number;
  if (bytes !== null) {
    buf.set(bytes, p);
    n = max;
  } else {
    n = buf.write(text, p);
  }
  const start = p - headerLength(n, options.mask);
  const at = writeHeader(buf, start, opcode, n, options.fin, options.rsv1, options.mask);
  slabUsed = (p + n + 7) & ~7;
  const frame = buf.subarray(start, p + n);
  if (options.mask) {
    writeMaskKey(buf, at);
    if (n > 0) applyMask(buf.subarray(p, p + n), buf, 0, at);
    return frame; // masked in place: no text's bytes, the cache stays as it was
  }
  if (opcode >= 8) return frame; // a PING/PONG string does not take the place of a message's
  knownText = text;
  knownBytes = null;
  knownFrame = frame;
  knownFrameAt = p - start;
  knownFrameOpcode = opcode;
  knownFrameFinal = options.fin && !options.rsv1;
  return frame;
}

/** How one frame is to be sent. */
export interface FrameOptions {
  /** Last frame of the message (always true for control frames). */
  fin: boolean;
  /** RSV1: set on the first frame of a permessage-deflate compressed message. */
  rsv1: boolean;
  /** Clients mask every frame; servers never do. */
  mask: boolean;
}

/**
 * Appends the bytes of one frame to `out`. A `string` payload is written as UTF-8 straight
 * into the frame buffer (no intermediate Buffer) unless it is large and unmasked.
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array | string,
  options: FrameOptions,
  out: Buffer[],
): void {
  const isString = typeof payload === 'string';
  if (isString && payload.length <= SLAB_TEXT_LIMIT) {
    out.push(textFrameFromSlab(opcode, payload, options));
    return;
  }
  const length = isString ? Buffer.byteLength(payload) : payload.length;
  const hlen = headerLength(length, options.mask);
  if (options.mask || length <= COALESCE_LIMIT) {
    const frame = Buffer.allocUnsafe(hlen + length);
    const at = writeHeader(frame, 0, opcode, length, options.fin, options.rsv1, options.mask);
    if (isString) {
      frame.write(payload, hlen, 'utf8');
    } else {
      frame.set(payload, hlen);
    }
    if (options.mask) {
      writeMaskKey(frame, at);
      if (length > 0) applyMask(frame.subarray(hlen), frame, 0, at);
    }
    out.push(frame);
    return;
  }
  const header = Buffer.allocUnsafe(hlen);
  writeHeader(header, 0, opcode, length, options.fin, options.rsv1, false);
  out.push(header);
  if (isString) {
    out.push(Buffer.from(payload, 'utf8'));
  } else {
    out.push(asBuffer(payload));
  }
}
