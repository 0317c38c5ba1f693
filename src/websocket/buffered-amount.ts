/**
 * The bound on bytes queued per connection (`maxBufferedAmount`, `ws.bufferedAmount`) and what happens to a
 * peer past it, shared by the connection and the fan-out.
 */
import type { WebSocketConnection } from './connection';

/** What happens to a connection whose queue would pass its maxBufferedAmount. */
export type SlowClientPolicy = 'close' | 'skip';

/**
 * The default bound on bytes queued per connection: 1 MiB. `ws` has no bound (a stalled client costs
 * whatever was broadcast to it); python-websockets' write_limit (32 KiB) makes send wait, which a broadcast
 * must not; Centrifugo's client queue defaults to 1 MiB and disconnects past it. 1 MiB absorbs a burst of
 * several hundred messages or a mobile client's pause of a second, and bounds the worst case at
 * connections x 1 MiB.
 */
export const DEFAULT_MAX_BUFFERED_AMOUNT = 1024 * 1024;

/**
 * The close code for the 'close' policy: 1008 (policy violation), the RFC's code for a peer that broke the
 * endpoint's rules when no more specific code fits. The peer did nothing wrong in the protocol (not 1002),
 * the server is not overloaded (not 1013), it just did not read what it was sent.
 */
export const SLOW_CLIENT_CLOSE_CODE = 1008;
/** The close reason sent with SLOW_CLIENT_CLOSE_CODE. */
export const SLOW_CLIENT_CLOSE_REASON = 'too slow: more than maxBufferedAmount queued';

/** The bytes queued for `conn` that the kernel has not taken yet (Node's writable buffer). */
export function bufferedAmountOf(conn: WebSocketConnection): number {
  const stream = conn.sock?.stream;
  return stream === null || stream === undefined ? 0 : stream.writableLength;
}
