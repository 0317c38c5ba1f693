/**
 * WebSocket frame opcodes (RFC 6455 section 5.2), with the same names and numbers as
 * lua-websockets' `websocket.TEXT` etc., so ported code keeps its constants. Each is a literal type (`1`, not
 * `number`), so `if (opcode === websocket.TEXT)` narrows a received message to `string`.
 */

/** Continues a fragmented data message. */
export const CONTINUATION = 0 as const;
/** A UTF-8 text message (delivered as a `string`). */
export const TEXT = 1 as const;
/** A binary message (delivered as a `Buffer`). */
export const BINARY = 2 as const;
/** Starts or answers the closing handshake. */
export const CLOSE = 8 as const;
/** Keep-alive probe; the core answers it with a PONG automatically. */
export const PING = 9 as const;
/** Answer to a PING (or an unsolicited heartbeat). */
export const PONG = 10 as const;

/** Opcodes of data frames that may start a message. */
export type DataOpcode = typeof TEXT | typeof BINARY;

/** Every opcode RFC 6455 defines. */
export type Opcode =
  | typeof CONTINUATION
  | typeof TEXT
  | typeof BINARY
  | typeof CLOSE
  | typeof PING
  | typeof PONG;

/** Control frames (close, ping, pong and the reserved 0xB-0xF) have the high opcode bit set. */
export function isControl(opcode: number): boolean {
  return (opcode & 0x8) !== 0;
}

/** True for the six opcodes RFC 6455 defines; anything else must fail the connection with 1002. */
export function isKnown(opcode: number): opcode is Opcode {
  return opcode <= BINARY || (opcode >= CLOSE && opcode <= PONG);
}
