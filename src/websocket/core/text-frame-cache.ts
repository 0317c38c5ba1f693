/**
 * Small TEXT frames, made cheaply and shared between connections. One cache serves every connection of a
 * process (see src/websocket/text-frames.ts, which owns that one): a protocol core is given it, it does
 * not keep one of its own.
 *
 * Frames are cut from a slab, as Node's Buffer pool does: the string is encoded straight into its frame
 * with one call, where byteLength + allocUnsafe + write would be three. The slab is never written again
 * once a frame is cut from it (a frame may sit in the socket's queue), only replaced.
 *
 * It also knows the last small text whose UTF-8 bytes are known, from a frame made here or a message
 * decoded on receive: sending that same string again (a broadcast to many connections, an echo, a relay)
 * costs no encoding, and an unmasked frame is the very same Buffer, written to every socket (Node never
 * writes into a Buffer it sends). It holds one payload at most.
 */
import { headerLength, writeHeader, type FrameOptions } from './frame-header';
import { applyMask } from './mask';
import { writeMaskKey } from './mask-keys';

const SLAB_SIZE = 16 * 1024;
/** Strings up to this many UTF-16 units (3 bytes each at most, so a 2-byte or 4-byte length) use the slab. */
export const SLAB_TEXT_LIMIT = 1024;

/** A slab for small text frames and the last text whose bytes are known. */
export class TextFrameCache {
  private slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
  private slabUsed = 0;
  private knownText: string | null = null;
  /** The text's bytes when they came from receive; else they are knownFrame's from knownFrameAt. */
  private knownBytes: Uint8Array | null = null;
  private knownFrame: Buffer | null = null;
  private knownFrameAt = 0;
  private knownFrameOpcode = 0;
  private knownFrameFinal = false;

  /**
   * Tells the cache the UTF-8 bytes of `text` (a received message, decoded from `bytes`). The caller
   * guarantees that nothing writes into `bytes` afterwards.
   */
  remember(text: string, bytes: Uint8Array): void {
    if (text.length > SLAB_TEXT_LIMIT) return;
    this.knownText = text;
    this.knownBytes = bytes;
    this.knownFrame = null;
  }

  /** The frame for `text` (at most SLAB_TEXT_LIMIT units), cut from the slab or the known one again. */
  frame(opcode: number, text: string, options: FrameOptions): Buffer {
    let bytes: Uint8Array | null = null;
    if (text === this.knownText) {
      const known = this.knownFrame;
      if (known !== null) {
        if (this.knownFrameOpcode === opcode && this.knownFrameFinal && options.fin && !options.rsv1 && !options.mask) return known;
        bytes = known.subarray(this.knownFrameAt);
      } else {
        bytes = this.knownBytes;
      }
    }
    const max = bytes !== null ? bytes.length : text.length * 3;
    const hmax = headerLength(max, options.mask);
    if (this.slabUsed + hmax + max > SLAB_SIZE) {
      this.slab = Buffer.allocUnsafeSlow(SLAB_SIZE);
      this.slabUsed = 0;
    }
    const buf = this.slab;
    const p = this.slabUsed + hmax; // the payload's place; the header goes right before it
    let n: number;
    if (bytes !== null) {
      buf.set(bytes, p);
      n = max;
    } else {
      n = buf.write(text, p);
    }
    const start = p - headerLength(n, options.mask);
    const at = writeHeader(buf, start, opcode, n, options.fin, options.rsv1, options.mask);
    this.slabUsed = (p + n + 7) & ~7;
    const frame = buf.subarray(start, p + n);
    if (options.mask) {
      writeMaskKey(buf, at);
      if (n > 0) applyMask(buf.subarray(p, p + n), buf, 0, at);
      return frame; // masked in place: no text's bytes, the cache stays as it was
    }
    if (opcode >= 8) return frame; // a PING/PONG string does not take the place of a message's
    this.knownText = text;
    this.knownBytes = null;
    this.knownFrame = frame;
    this.knownFrameAt = p - start;
    this.knownFrameOpcode = opcode;
    this.knownFrameFinal = options.fin && !options.rsv1;
    return frame;
  }
}
