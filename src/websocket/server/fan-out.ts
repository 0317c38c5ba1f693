/**
 * Fan-out: one message to many connections without waiting on any of them.
 *
 * `fanOut(fn, targets, message, opcode?, except?)` encodes the frame once and queues the same Buffers on every open
 * connection (those that agreed permessage-deflate compress it in their own context). No connection is
 * waited on: each has a bound on the bytes queued for it (`maxBufferedAmount`), and a connection whose queue
 * would pass it gets its slow-client policy instead of the message: 'close' (a close frame with
 * SLOW_CLIENT_CLOSE_CODE, then the connection is dropped at its close deadline) or 'skip' (this message is
 * not queued for it; later ones are, once it has caught up).
 *
 * `ws.broadcast`, `server.broadcast` and topics (`server.publish`) are all this one function over different
 * sets of connections.
 */
import { kernel } from '../../scheduler/kernel';
import { KEEPS_LOOP_ALIVE, type TaskGenerator } from '../../scheduler/operation';
import { WaitOn } from '../../scheduler/observer';
import type { Task } from '../../scheduler/task';
import { encodeFrame } from '../core/frame-encoder';
import { checkOutgoing, checkTextBytes, payloadOf } from '../outgoing-message';
import type { WebSocketConnection } from '../connection';
import { bufferedAmountOf, SLOW_CLIENT_CLOSE_CODE, SLOW_CLIENT_CLOSE_REASON } from '../buffered-amount';

/**
 * Queues one message on every open connection in `targets` (skipping `except`), never waiting; `fn` names
 * the caller in argument errors. Returns the
 * number of connections it was queued on; connections over their bound get their policy instead (see the
 * module's comment), connections not OPEN are passed over.
 */
export function fanOut(fn: string, targets: Iterable<WebSocketConnection>, message: string | Uint8Array, opcode?: number,
  except?: WebSocketConnection, pace?: FanOutPace): number {
  const op = checkOutgoing(fn, message, opcode);
  const data = payloadOf(message, op);
  checkTextBytes(fn, data, op);
  let shared: Buffer[] | null = null;
  let sharedBytes = 0;
  let queued = 0;
  for (const conn of targets) {
    if (conn === except || conn.state !== 'OPEN') continue;
    const sock = conn.sock;
    const proto = conn.protocolState;
    if (sock === null || proto === null) continue;
    const buffered = bufferedAmountOf(conn);
    let frames: Buffer[];
    if (conn.sharesFrames) {
      if (shared === null) {
        shared = [];
        encodeFrame(op, data, { fin: true, rsv1: false, mask: false }, shared);
        for (const b of shared) sharedBytes += b.length;
      }
      if (overBound(conn, buffered, sharedBytes)) continue;
      frames = shared;
    } else {
      // checked before compressing: a message compressed and then not sent would desynchronise the peer's
      // inflater (context takeover), so the bound is judged on the uncompressed size
      if (overBound(conn, buffered, typeof data === 'string' ? Buffer.byteLength(data) : data.length)) continue;
      proto.sendMessage(data, op);
      frames = proto.takeOutgoing();
    }
    if (sock.write(frames) !== 'closed') {
      queued++;
      if (pace !== undefined) paceOn(conn, buffered, pace);
    }
  }
  return queued;
}

/**
 * Set by fanOut when some recipient that is still within its bound has more queued than Node's high-water
 * mark: the sender should let the event loop turn once (see afterIoTurn) before it sends more. `now` is the
 * clock (ms) fanOut read for this message, -1 until a recipient needed it: read at most once per message.
 */
export interface FanOutPace { congested: boolean; now: number }

/**
 * How long a recipient may take nothing before a broadcast stops pacing on it (ms), over at least
 * STALL_TURNS paced turns of the event loop. Time alone is not enough: after a pause of the whole process
 * (a GC, a busy machine) every recipient looks stalled before any turn let it drain, and a relay that then
 * stopped pacing would run without turns and bury readers that only lag. Turns alone are not enough either:
 * on a loaded machine a reader can show nothing drained across a turn or two (CI once saw 15 of 99 readers
 * closed at their bound so).
 */
const STALL_MS = 100;
const STALL_TURNS = 2;
/** Paced turns given so far (afterIoTurn): each let every socket drain once. */
let pacedTurns = 0;

/**
 * Sets `pace.congested` when `conn` (which had `before` bytes queued before this message) lags but drains: it
 * holds more than Node's high-water mark, less than its bound, and took some bytes within the last STALL_MS or
 * STALL_TURNS paced turns. A peer that took nothing for longer than both has stalled: waiting on it would only
 * slow every other recipient to one message per turn, so it is left to reach its bound and get its policy.
 */
function paceOn(conn: WebSocketConnection, before: number, pace: FanOutPace): void {
  const stream = conn.sock?.stream;
  const after = stream === null || stream === undefined ? 0 : stream.writableLength;
  if (stream === null || stream === undefined || after <= stream.writableHighWaterMark || after > conn.maxBufferedAmount) {
    conn.paceMark = -1;
    return;
  }
  if (pace.now < 0) pace.now = performance.now();
  if (conn.paceMark < 0 || before < conn.paceMark) {
    conn.paceDrainedAt = pace.now;
    conn.paceDrainedTurn = pacedTurns;
  }
  conn.paceMark = after;
  if (pace.now - conn.paceDrainedAt < STALL_MS || pacedTurns - conn.paceDrainedTurn < STALL_TURNS) pace.congested = true;
}

/**
 * Waits for one turn of Node's event loop (its I/O poll), not for any connection: a task that relays a
 * fast sender to many clients then reads no faster than the sockets take the bytes, instead of piling them
 * up until the clients that merely lag pass their bound. A stalled client past its bound is not waited for.
 */
export function* afterIoTurn(): TaskGenerator<void> {
  let task: Task | null = kernel.currentOrThrow('broadcast');
  setImmediate(() => {
    pacedTurns++;
    if (task !== null) kernel.resume(task);
  });
  try {
    yield* kernel.wait(undefined, KEEPS_LOOP_ALIVE, WaitOn.Write, null);
  } finally {
    task = null;
  }
}

/**
 * True when `bytes` more would take `conn` past its bound; applies its policy then. A connection with nothing
 * queued always takes the message, so one message larger than the bound still reaches a client that keeps up.
 */
function overBound(conn: WebSocketConnection, buffered: number, bytes: number): boolean {
  if (buffered === 0 || buffered + bytes <= conn.maxBufferedAmount) return false;
  if (conn.slowClient === 'close') conn.closeWithoutWaiting(SLOW_CLIENT_CLOSE_CODE, SLOW_CLIENT_CLOSE_REASON);
  return true;
}
