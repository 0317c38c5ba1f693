/**
 * The core's two kinds of failure, each with one shape:
 *
 * - a peer that breaks RFC 6455 / RFC 7692 gives a `ProtocolError`: a stable `code` naming the rule, the
 *   close code the RFC asks for, and a reason for humans. The parser, the close-frame reader and the
 *   permessage-deflate codec return one; `WebSocketProtocol` turns it into our CLOSE frame and the `close`
 *   event in one place (its `fail`). They are values, never thrown: a bad peer is an expected input.
 * - an application that passes something it should not gets a thrown Error from `badArgument`,
 *   `bad argument '<name>' (<what was expected>)`, the wording lua-websockets' callers see.
 */
import { CLOSE_INVALID_PAYLOAD, CLOSE_MESSAGE_TOO_BIG, CLOSE_PROTOCOL_ERROR } from './close-codes';

/** Which rule a peer broke, mapped to the close code we answer with. */
const CLOSE_CODE_FOR = {
  /** RSV2 or RSV3 set: no extension we negotiate defines them. */
  RESERVED_BITS: CLOSE_PROTOCOL_ERROR,
  /** RSV1 set without permessage-deflate, or on a frame that does not start a data message. */
  UNEXPECTED_RSV1: CLOSE_PROTOCOL_ERROR,
  /** An opcode RFC 6455 does not define. */
  UNKNOWN_OPCODE: CLOSE_PROTOCOL_ERROR,
  /** A control frame without FIN. */
  FRAGMENTED_CONTROL: CLOSE_PROTOCOL_ERROR,
  /** A client's frame was not masked, or a server's was. */
  BAD_MASKING: CLOSE_PROTOCOL_ERROR,
  /** A control frame's payload over 125 bytes. */
  CONTROL_TOO_LONG: CLOSE_PROTOCOL_ERROR,
  /** A CONTINUATION frame with no message to continue. */
  UNEXPECTED_CONTINUATION: CLOSE_PROTOCOL_ERROR,
  /** A new TEXT or BINARY frame inside a fragmented message. */
  INTERLEAVED_MESSAGE: CLOSE_PROTOCOL_ERROR,
  /** A CLOSE payload of one byte. */
  SHORT_CLOSE_PAYLOAD: CLOSE_PROTOCOL_ERROR,
  /** A close code that may not appear on the wire. */
  INVALID_CLOSE_CODE: CLOSE_PROTOCOL_ERROR,
  /** A close reason that is not UTF-8. */
  INVALID_CLOSE_REASON: CLOSE_INVALID_PAYLOAD,
  /** A TEXT message that is not UTF-8 (or ends inside a sequence). */
  INVALID_UTF8: CLOSE_INVALID_PAYLOAD,
  /** Compressed data zlib cannot inflate. */
  INVALID_COMPRESSED_DATA: CLOSE_INVALID_PAYLOAD,
  /** A frame, a message or an inflated message over `maxMessageSize`. */
  MESSAGE_TOO_BIG: CLOSE_MESSAGE_TOO_BIG,
  /** A message of more than `maxFragments` frames. */
  TOO_MANY_FRAGMENTS: CLOSE_MESSAGE_TOO_BIG,
} as const;

/** The stable name of a protocol violation (see CLOSE_CODE_FOR for each one's meaning). */
export type ProtocolErrorCode = keyof typeof CLOSE_CODE_FOR;

/** A peer's protocol violation: what rule (`code`), how we close (`closeCode`), and why (`reason`). */
export class ProtocolError {
  /** 1002, 1007 or 1009, fixed by `code`. */
  readonly closeCode: number;

  constructor(
    /** Stable across releases: match on this, not on `reason`. */
    readonly code: ProtocolErrorCode,
    /** For humans and the CLOSE frame (cut to 123 bytes there). */
    readonly reason: string,
  ) {
    this.closeCode = CLOSE_CODE_FOR[code];
  }
}

/** The Error thrown for a bad argument to a core function: `bad argument 'name' (detail)`. */
export function badArgument(name: string, detail: string): Error {
  return new Error(`bad argument '${name}' (${detail})`);
}
