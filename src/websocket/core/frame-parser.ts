/**
 * Incremental frame parser (RFC 6455 section 5.2). Fed with Buffers as they come off the wire,
 * it checks every header rule as soon as the header bytes are there (before any payload is
 * buffered or allocated) and hands out data-frame payload piece by piece as it arrives, so a
 * TEXT frame's UTF-8 can be validated (and fail) before the frame ends, and a frame that lies in
 * one chunk is handed out as a view without copying. Control frames (at most 125 bytes) are
 * handed out whole. State lives in fields; no closures, no per-frame objects besides payload views.
 */
import { ChunkQueue } from '../../util/chunk-queue';
import { ProtocolError, type ProtocolErrorCode } from './protocol-error';
import { xorCopy, xorMask } from './mask';
import { BINARY, TEXT, isControl, isKnown } from './opcodes';

/** `next()` found no complete unit; feed more bytes. */
export const PARSE_NEED_MORE = 0;
/** `next()` produced a piece of a data frame's payload (see `payload`, `frameStart`, `frameEnd`). */
export const PARSE_DATA = 1;
/** `next()` produced a whole control frame (`opcode`, `payload`). */
export const PARSE_CONTROL = 2;
/** `next()` found a protocol violation (`error`); the parser stays stopped and says so again. */
export const PARSE_ERROR = 3;

/** What one call of `FrameParser.next()` produced. */
export type ParseStatus = typeof PARSE_NEED_MORE | typeof PARSE_DATA | typeof PARSE_CONTROL | typeof PARSE_ERROR;

/** Rules the parser enforces, fixed for the connection's lifetime. */
export interface FrameParserOptions {
  /** Servers require masked frames, clients require unmasked ones. */
  expectMasked: boolean;
  /** A frame whose payload is longer than this fails with 1009 when its header is read. */
  maxPayload: number;
  /** RSV1 is legal (on the first frame of a data message) when permessage-deflate is on. */
  allowRsv1: boolean;
}

/**
 * A data frame of this many bytes or more that does not arrive in one chunk is gathered into a buffer of its
 * own as it arrives (unmasked on the way in), so the message needs no copy at its end. Up to GATHER_MAX: the
 * buffer is allocated when the header is read, and a peer must not make us allocate what it never sends.
 */
const GATHER_MIN = 16 * 1024;
const GATHER_MAX = 1024 * 1024;

/** One shared empty payload (zero-length, so nobody can write into it). */
const EMPTY = Buffer.alloc(0);

const STATE_HEADER = 0;
const STATE_PAYLOAD = 1;
/** No more input: after a violation (`error` set) or when the connection is done with reading. */
const STATE_STOPPED = 2;

/** Incremental parser; call `push` with received bytes, then `next` until it needs more. */
export class FrameParser {
  /** FIN bit of the current frame. */
  fin = false;
  /** RSV1 bit of the current frame (compressed message). */
  rsv1 = false;
  /** Opcode of the current frame. */
  opcode = 0;
  /** Declared payload length of the current frame. */
  payloadLength = 0;
  /** The piece (PARSE_DATA) or whole payload (PARSE_CONTROL) produced by the last `next()`. */
  payload: Buffer = EMPTY;
  /** The last PARSE_DATA piece is the first of its frame. */
  frameStart = false;
  /** The last PARSE_DATA piece is the last of its frame. */
  frameEnd = false;
  /** The violation behind PARSE_ERROR, else null. */
  error: ProtocolError | null = null;

  private readonly queue = new ChunkQueue();
  private readonly expectMasked: boolean;
  private readonly maxPayload: number;
  private readonly allowRsv1: boolean;
  private state = STATE_HEADER;
  private masked = false;
  /** The frame's masking key, packed (see xorMask): a number, not a Buffer per connection. */
  private maskKey = 0;
  private received = 0;
  /** The frame being gathered (see GATHER_MIN), and where in it the payload starts. */
  private gather: Buffer | null = null;
  private gatherBase = 0;

  constructor(options: FrameParserOptions) {
    this.expectMasked = options.expectMasked;
    this.maxPayload = options.maxPayload;
    this.allowRsv1 = options.allowRsv1;
  }

  /** Bytes received but not yet parsed (bounded: data payload is handed out as it arrives). */
  get buffered(): number {
    return this.queue.length;
  }

  /** The close code of `error` (1002 or 1009), 0 while there is none. */
  get errorCode(): number {
    return this.error === null ? 0 : this.error.closeCode;
  }

  /** Adds received bytes. The parser owns `chunk` from now on (masked payload is unmasked in place). */
  push(chunk: Buffer): void {
    if (this.state !== STATE_STOPPED) this.queue.push(chunk);
  }

  /** Drops buffered input and refuses any more (after the connection failed or closed). */
  stop(): void {
    this.state = STATE_STOPPED;
    this.gather = null;
    this.queue.clear();
  }

  /** Parses as far as the next piece of output; see the PARSE_* constants. */
  next(): ParseStatus {
    if (this.state === STATE_HEADER) {
      const status = this.readHeader();
      if (status !== PARSE_DATA) return status;
    } else if (this.state === STATE_STOPPED) {
      return this.error === null ? PARSE_NEED_MORE : PARSE_ERROR;
    }
    return this.readPayload();
  }

  private fail(code: ProtocolErrorCode, reason: string): ParseStatus {
    this.error = new ProtocolError(code, reason);
    this.stop();
    return PARSE_ERROR;
  }

  /** Returns PARSE_DATA when a header was consumed and the payload state entered. */
  private readHeader(): ParseStatus {
    const queue = this.queue;
    if (queue.length === 0) return PARSE_NEED_MORE;
    // The first byte alone can already break the rules: check it before waiting for more.
    const b0 = queue.byteAt(0);
    const opcode = b0 & 0x0f;
    const fin = (b0 & 0x80) !== 0;
    const rsv1 = (b0 & 0x40) !== 0;
    if ((b0 & 0x30) !== 0) return this.fail('RESERVED_BITS', 'RSV2/RSV3 set without a negotiated extension');
    if (!isKnown(opcode)) return this.fail('UNKNOWN_OPCODE', `unknown opcode ${opcode}`);
    const control = isControl(opcode);
    if (rsv1 && (!this.allowRsv1 || (opcode !== TEXT && opcode !== BINARY))) {
      return this.fail('UNEXPECTED_RSV1', 'RSV1 set without permessage-deflate or on a non-first frame');
    }
    if (control && !fin) return this.fail('FRAGMENTED_CONTROL', 'fragmented control frame');
    if (queue.length < 2) return PARSE_NEED_MORE;
    const b1 = queue.byteAt(1);
    const masked = (b1 & 0x80) !== 0;
    if (masked !== this.expectMasked) {
      return this.fail('BAD_MASKING', masked ? 'masked frame from server' : 'unmasked frame from client');
    }
    const len7 = b1 & 0x7f;
    if (control) {
      if (len7 > 125) return this.fail('CONTROL_TOO_LONG', 'control frame payload over 125 bytes');
    }
    const extra = len7 === 126 ? 2 : len7 === 127 ? 8 : 0;
    if (queue.length < 2 + extra) return PARSE_NEED_MORE;
    // Check the length before waiting for the mask key: a huge frame fails as early as possible.
    let length = len7;
    if (len7 === 126) {
      length = (queue.byteAt(2) << 8) | queue.byteAt(3);
    } else if (len7 === 127) {
      const high = ((queue.byteAt(2) << 24) | (queue.byteAt(3) << 16) | (queue.byteAt(4) << 8) | queue.byteAt(5)) >>> 0;
      const low = ((queue.byteAt(6) << 24) | (queue.byteAt(7) << 16) | (queue.byteAt(8) << 8) | queue.byteAt(9)) >>> 0;
      // Anything at or above 2^53 (including the forbidden 2^63 bit) is beyond any limit.
      length = high >= 0x200000 ? Number.MAX_SAFE_INTEGER + 1 : high * 0x100000000 + low;
    }
    if (length > this.maxPayload) {
      return this.fail('MESSAGE_TOO_BIG', `frame payload of ${length} bytes over the limit of ${this.maxPayload}`);
    }
    const headerLength = 2 + extra + (masked ? 4 : 0);
    if (queue.length < headerLength) return PARSE_NEED_MORE;
    if (masked) {
      const at = 2 + extra;
      this.maskKey = queue.byteAt(at) | (queue.byteAt(at + 1) << 8) | (queue.byteAt(at + 2) << 16) | (queue.byteAt(at + 3) << 24);
    }
    queue.skip(headerLength);
    this.fin = fin;
    this.rsv1 = rsv1;
    this.opcode = opcode;
    this.masked = masked;
    this.payloadLength = length;
    this.received = 0;
    this.state = STATE_PAYLOAD;
    return PARSE_DATA;
  }

  private readPayload(): ParseStatus {
    const queue = this.queue;
    const remaining = this.payloadLength - this.received;
    if (isControl(this.opcode)) {
      if (queue.length < remaining) return PARSE_NEED_MORE;
      const payload = remaining === 0 ? EMPTY : queue.take(remaining);
      if (this.masked && remaining > 0) xorMask(payload, this.maskKey, 0);
      this.payload = payload;
      this.state = STATE_HEADER;
      return PARSE_CONTROL;
    }
    let piece: Buffer;
    if (remaining === 0) {
      piece = EMPTY;
    } else {
      if (queue.length === 0) return PARSE_NEED_MORE;
      piece = queue.takeContiguous(remaining);
      if (this.received === 0 && piece.length < remaining && remaining >= GATHER_MIN && remaining <= GATHER_MAX) {
        // Placed so that its bytes line up with the chunks' modulo 8: xorCopy then works 64 bits at a time.
        this.gatherBase = piece.byteOffset & 7;
        this.gather = Buffer.allocUnsafe(this.gatherBase + remaining);
      }
      const gather = this.gather;
      if (gather !== null) {
        const at = this.gatherBase + this.received;
        if (this.masked) xorCopy(piece, gather, at, this.maskKey, this.received);
        else gather.set(piece, at);
        piece = gather.subarray(at, at + piece.length);
      } else if (this.masked) {
        xorMask(piece, this.maskKey, this.received);
      }
    }
    this.frameStart = this.received === 0;
    this.received += piece.length;
    this.frameEnd = this.received === this.payloadLength;
    if (this.frameEnd) {
      this.state = STATE_HEADER;
      this.gather = null;
    }
    this.payload = piece;
    return PARSE_DATA;
  }
}
