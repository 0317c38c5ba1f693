/**
 * Encodes outgoing frames (RFC 6455 section 5.2) into Buffers ready for `writev`/cork.
 * Servers send the caller's payload Buffer untouched after a separate header, so a large
 * message is never copied; small payloads are copied next to their header because one
 * write of a small buffer is cheaper than two. Clients must mask, which needs a copy anyway:
 * header and masked payload share one allocation.
 */
import { applyMask } from './mask';
import { writeMaskKey } from './mask-keys';

/** Payloads up to this size are copied into the header's buffer (one write, one allocation). */
const COALESCE_LIMIT = 1024;

/** Bytes the header takes for a payload of `length` bytes, masked or not. */
export function headerLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

function writeHeader(
  out: Buffer,
  opcode: number,
  length: number,
  fin: boolean,
  rsv1: boolean,
  masked: boolean,
): number {
  out[0] = (fin ? 0x80 : 0) | (rsv1 ? 0x40 : 0) | opcode;
  const maskBit = masked ? 0x80 : 0;
  if (length < 126) {
    out[1] = maskBit | length;
    return 2;
  }
  if (length < 0x10000) {
    out[1] = maskBit | 126;
    out.writeUInt16BE(length, 2);
    return 4;
  }
  out[1] = maskBit | 127;
  out.writeUInt32BE(Math.floor(length / 0x100000000), 2);
  out.writeUInt32BE(length >>> 0, 6);
  return 10;
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
  const length = isString ? Buffer.byteLength(payload) : payload.length;
  const hlen = headerLength(length, options.mask);
  if (options.mask || length <= COALESCE_LIMIT) {
    const frame = Buffer.allocUnsafe(hlen + length);
    const at = writeHeader(frame, opcode, length, options.fin, options.rsv1, options.mask);
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
  writeHeader(header, opcode, length, options.fin, options.rsv1, false);
  out.push(header);
  if (isString) {
    out.push(Buffer.from(payload, 'utf8'));
  } else {
    out.push(Buffer.isBuffer(payload) ? payload : Buffer.from(payload.buffer, payload.byteOffset, payload.length));
  }
}
