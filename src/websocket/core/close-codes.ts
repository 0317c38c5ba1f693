/**
 * Close codes and the CLOSE frame payload (RFC 6455 sections 5.5.1 and 7.4): which codes may
 * appear on the wire, which the application may send, and the payload's encoding.
 */
import { decodeUtf8 } from './utf8-decode';

/** Normal closure. */
export const CLOSE_NORMAL = 1000;
/** Endpoint going away (server shutdown, page navigation). */
export const CLOSE_GOING_AWAY = 1001;
/** The peer broke the protocol. */
export const CLOSE_PROTOCOL_ERROR = 1002;
/** A data type the endpoint cannot accept. */
export const CLOSE_UNSUPPORTED_DATA = 1003;
/** Reported locally when the close frame had no code; never sent. */
export const CLOSE_NO_STATUS = 1005;
/** Reported locally when the TCP connection ended without a close handshake; never sent. */
export const CLOSE_ABNORMAL = 1006;
/** Payload inconsistent with the message type (bad UTF-8 in TEXT or in a close reason). */
export const CLOSE_INVALID_PAYLOAD = 1007;
/** Policy violation. */
export const CLOSE_POLICY_VIOLATION = 1008;
/** Message too big for this endpoint's limits. */
export const CLOSE_MESSAGE_TOO_BIG = 1009;
/** Client expected an extension the server did not negotiate. */
export const CLOSE_MANDATORY_EXTENSION = 1010;
/** The server met an unexpected condition. */
export const CLOSE_INTERNAL_ERROR = 1011;

/** Longest close reason in bytes: a control payload is at most 125 bytes, 2 go to the code. */
export const MAX_CLOSE_REASON_BYTES = 123;

/**
 * True for codes a peer may put in a CLOSE frame: 1000-1003, 1007-1014 (1012-1014 were
 * registered with IANA after RFC 6455) and 3000-4999. 1004-1006, 1015 and anything else are
 * reserved or local-only and fail the connection with 1002.
 */
export function isValidWireCloseCode(code: number): boolean {
  return (
    (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999)
  );
}

/** Codes the application may send: the same set that a peer accepts on the wire. */
export function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && isValidWireCloseCode(code);
}

/** Result of reading a peer's CLOSE payload. */
export type ClosePayloadResult =
  | { ok: true; code: number | null; reason: string }
  | { ok: false; failCode: typeof CLOSE_PROTOCOL_ERROR | typeof CLOSE_INVALID_PAYLOAD; message: string };

/**
 * Parses a received CLOSE payload: empty (no code), or a 2-byte code plus a UTF-8 reason.
 * A 1-byte payload or an invalid code is a protocol error (1002); a reason that is not UTF-8
 * is invalid payload data (1007).
 */
export function parseClosePayload(payload: Uint8Array): ClosePayloadResult {
  if (payload.length === 0) return { ok: true, code: null, reason: '' };
  if (payload.length === 1) {
    return { ok: false, failCode: CLOSE_PROTOCOL_ERROR, message: 'close frame payload of 1 byte' };
  }
  const code = (payload[0] << 8) | payload[1];
  if (!isValidWireCloseCode(code)) {
    return { ok: false, failCode: CLOSE_PROTOCOL_ERROR, message: `invalid close code ${code}` };
  }
  const reason = decodeUtf8(payload.subarray(2));
  if (reason === null) {
    return { ok: false, failCode: CLOSE_INVALID_PAYLOAD, message: 'close reason is not valid UTF-8' };
  }
  return { ok: true, code, reason };
}

/**
 * Encodes a CLOSE payload. `code === null` gives an empty payload (allowed only without a
 * reason). Callers validate the code and the reason length first (see `checkCloseArguments`).
 */
export function encodeClosePayload(code: number | null, reason = ''): Buffer {
  if (code === null) return Buffer.alloc(0);
  const reasonLength = Buffer.byteLength(reason);
  const out = Buffer.allocUnsafe(2 + reasonLength);
  out.writeUInt16BE(code, 0);
  if (reasonLength > 0) out.write(reason, 2, 'utf8');
  return out;
}

/**
 * Throws an Error naming the bad argument when the application asks to close with a code or
 * reason that cannot be sent.
 */
export function checkCloseArguments(code: unknown, reason: unknown): void {
  if (code !== undefined && (typeof code !== 'number' || !isSendableCloseCode(code))) {
    throw new Error(
      `bad argument 'code' (expected 1000-1003, 1007-1014 or 3000-4999, got ${String(code)})`,
    );
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') {
      throw new Error(`bad argument 'reason' (expected a string, got ${typeof reason})`);
    }
    const n = Buffer.byteLength(reason);
    if (n > MAX_CLOSE_REASON_BYTES) {
      throw new Error(`bad argument 'reason' (at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8, got ${n})`);
    }
    if (n > 0 && code === undefined) {
      throw new Error("bad argument 'code' (a reason needs a code)");
    }
  }
}
