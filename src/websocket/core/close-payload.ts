/**
 * The CLOSE frame's payload (RFC 6455 section 5.5.1): a 2-byte code and a UTF-8 reason, or nothing.
 * Reading a peer's, checking what the application asks to send, and encoding ours.
 */
import { MAX_CLOSE_REASON_BYTES, isSendableCloseCode, isValidWireCloseCode } from './close-codes';
import { ProtocolError, badArgument } from './protocol-error';
import { decodeUtf8 } from './utf8-decode';

/** Result of reading a peer's CLOSE payload; `failCode` is `error.closeCode`. */
export type ClosePayloadResult =
  | { ok: true; code: number | null; reason: string }
  | { ok: false; error: ProtocolError; failCode: number };

function invalid(error: ProtocolError): ClosePayloadResult {
  return { ok: false, error, failCode: error.closeCode };
}

/**
 * Parses a received CLOSE payload: empty (no code), or a 2-byte code plus a UTF-8 reason.
 * A 1-byte payload or an invalid code is a protocol error (1002); a reason that is not UTF-8
 * is invalid payload data (1007).
 */
export function parseClosePayload(payload: Uint8Array): ClosePayloadResult {
  if (payload.length === 0) return { ok: true, code: null, reason: '' };
  if (payload.length === 1) return invalid(new ProtocolError('SHORT_CLOSE_PAYLOAD', 'close frame payload of 1 byte'));
  const code = (payload[0] << 8) | payload[1];
  if (!isValidWireCloseCode(code)) return invalid(new ProtocolError('INVALID_CLOSE_CODE', `invalid close code ${code}`));
  const reason = decodeUtf8(payload.subarray(2));
  if (reason === null) return invalid(new ProtocolError('INVALID_CLOSE_REASON', 'close reason is not valid UTF-8'));
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
    throw badArgument('code', `expected 1000-1003, 1007-1014 or 3000-4999, got ${String(code)}`);
  }
  if (reason !== undefined) {
    if (typeof reason !== 'string') throw badArgument('reason', `expected a string, got ${typeof reason}`);
    const n = Buffer.byteLength(reason);
    if (n > MAX_CLOSE_REASON_BYTES) throw badArgument('reason', `at most ${MAX_CLOSE_REASON_BYTES} bytes of UTF-8, got ${n}`);
    if (n > 0 && code === undefined) throw badArgument('code', 'a reason needs a code');
  }
}
