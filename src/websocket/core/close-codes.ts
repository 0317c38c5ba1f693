/**
 * Close codes (RFC 6455 section 7.4): their names, which may appear on the wire and which the
 * application may send. The CLOSE frame's payload is close-payload.ts.
 */
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
