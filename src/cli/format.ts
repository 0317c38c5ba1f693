import { websocket } from '../index';
import { CLOSE_ABNORMAL } from '../websocket/core/close-codes';

/** How the CLI prints a received message: TEXT as it is, BINARY as hex. */
export function formatMessage(message: string | Buffer, opcode: number | null): string {
  if (typeof message === 'string' && opcode !== websocket.BINARY) return message;
  const bytes = typeof message === 'string' ? Buffer.from(message) : message;
  return `[binary ${bytes.length} bytes] ${bytes.toString('hex')}`;
}

/** How the CLI prints the end of a connection: `closed: 1000 reason`, and whether it was clean. */
export function formatClose(wasClean: boolean | null, code: number | null, reason: string | null): string {
  const parts = [`closed: ${code ?? CLOSE_ABNORMAL}`];
  if (reason) parts.push(reason);
  if (wasClean === false) parts.push('(not clean)');
  return parts.join(' ');
}
