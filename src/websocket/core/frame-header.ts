/** The frame header (RFC 6455 section 5.2): its length and its bytes, shared by the encoders. */

/** How one frame is to be sent. */
export interface FrameOptions {
  /** Last frame of the message (always true for control frames). */
  fin: boolean;
  /** RSV1: set on the first frame of a permessage-deflate compressed message. */
  rsv1: boolean;
  /** Clients mask every frame; servers never do. */
  mask: boolean;
}

/** Bytes the header takes for a payload of `length` bytes, masked or not. */
export function headerLength(length: number, masked: boolean): number {
  const base = length < 126 ? 2 : length < 0x10000 ? 4 : 10;
  return masked ? base + 4 : base;
}

/** Writes a frame header into `out` at `at`; returns where the mask key (or the payload) goes. */
export function writeHeader(
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

