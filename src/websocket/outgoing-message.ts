import { isUtf8 } from 'node:buffer';
import { argError } from '../util/args';
// Direct module imports: through the './core' barrel every TEXT/BINARY read is a CommonJS re-export getter call.
import { BINARY, TEXT } from './core/opcodes';

/**
 * Checks a message about to be sent (`send`, `broadcast`, `publish`) and returns its opcode (default TEXT).
 * `fn` names the caller in the error.
 */
export function checkOutgoing(fn: string, message: unknown, opcode: unknown): typeof TEXT | typeof BINARY {
  if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
    throw argError(fn, 'message', 'a string or a Buffer', message);
  }
  if (opcode !== undefined && opcode !== TEXT && opcode !== BINARY) {
    throw argError(fn, 'opcode', 'websocket.TEXT (1) or websocket.BINARY (2)', opcode);
  }
  return opcode ?? TEXT;
}

/** The payload to frame: a BINARY string goes as its UTF-8 bytes. */
export function payloadOf(message: string | Uint8Array, opcode: typeof TEXT | typeof BINARY): string | Uint8Array {
  return opcode === BINARY && typeof message === 'string' ? Buffer.from(message) : message;
}

/** Throws unless TEXT bytes are UTF-8 (the protocol core checks this for what it encodes itself). */
export function checkTextBytes(fn: string, data: string | Uint8Array, opcode: typeof TEXT | typeof BINARY): void {
  if (opcode === TEXT && typeof data !== 'string' && !isUtf8(data)) {
    throw new TypeError(`${fn}: argument 'message' must be valid UTF-8 for a TEXT message`);
  }
}
