/**
 * Encodes outgoing frames (RFC 6455 section 5.2) into Buffers ready for `writev`/cork.
 * Servers send the caller's payload Buffer untouched after a separate header, so a large
 * message is never copied; small payloads are copied next to their header because one
 * write of a small buffer is cheaper than two. Clients must mask, which needs a copy anyway:
 * header and masked payload share one allocation. Small text goes through a TextFrameCache.
 */
import { asBuffer } from './as-buffer';
import { headerLength, writeHeader, type FrameOptions } from './frame-header';
import { applyMask } from './mask';
import { writeMaskKey } from './mask-keys';
import { SLAB_TEXT_LIMIT, TextFrameCache } from './text-frame-cache';

export { headerLength, type FrameOptions } from './frame-header';

/** Payloads up to this size are copied into the header's buffer (one write, one allocation). */
const COALESCE_LIMIT = 1024;

/**
 * The cache of callers that pass none: users of the core on its own. The front-ends pass the one their
 * connections share (src/websocket/text-frames.ts).
 */
export const defaultTextFrames = new TextFrameCache();

/**
 * Tells `texts` the UTF-8 bytes of `text` (a received message, decoded from `bytes`); see
 * TextFrameCache.remember. The caller guarantees that nothing writes into `bytes` afterwards.
 */
export function rememberTextBytes(text: string, bytes: Uint8Array, texts: TextFrameCache = defaultTextFrames): void {
  texts.remember(text, bytes);
}

/**
 * Appends the bytes of one frame to `out`. A `string` payload is written as UTF-8 straight
 * into the frame buffer (no intermediate Buffer) unless it is large and unmasked; small text comes
 * from `texts`.
 */
export function encodeFrame(
  opcode: number,
  payload: Uint8Array | string,
  options: FrameOptions,
  out: Buffer[],
  texts: TextFrameCache = defaultTextFrames,
): void {
  const isString = typeof payload === 'string';
  if (isString && payload.length <= SLAB_TEXT_LIMIT) {
    out.push(texts.frame(opcode, payload, options));
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
