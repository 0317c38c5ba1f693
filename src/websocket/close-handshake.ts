// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { gettime } from '../scheduler/clock';
import { kernel, type CallbackEntry } from '../scheduler/kernel';
import { WaitOn } from '../scheduler/observer';
import { KEEPS_LOOP_ALIVE, type TaskGenerator } from '../scheduler/operation';
import { WaitList } from '../scheduler/wait-list';
import type { TcpSocket } from '../socket';
import { CLOSE_ABNORMAL } from './core/close-codes';
import { type ProtocolEvent, type WebSocketProtocol } from './core/protocol';
import type { WebSocketConnection, WsCloseResult } from './connection';

/**
 * The closing handshake of one connection (RFC 6455 7.1.2-7.1.4), the half the sans-I/O core cannot do:
 * waiting. The core queues the CLOSE frames and reports the close event; this decides how long to wait
 * for the peer's reply and for its TCP close, and ends the connection when either does not come.
 *
 * Three ways in: `close()` from a task (ours first: wait for the reply), `inBackground()` from outside a
 * task (server shutdown, a handler that returned), and `finish()` once a receive saw the close event (a
 * client then waits, bounded, for the server to close TCP: 7.1.1). Our close has a deadline,
 * `closeTimeout` seconds on: every read after it is bounded by it, and a timer enforces it on a read that
 * started before it. Made when the connection first closes; a connection that never does holds none.
 */
export class CloseHandshake {
  /** gettime() by which the peer must have answered our CLOSE; Infinity until we send one. */
  private deadline = Infinity;
  /** Enforces `deadline` on a receive that started its read before our close. */
  private timer: CallbackEntry | null = null;
  /** Tasks in close() while another task's receive() reads the reply: woken when CLOSED. */
  private closeWaiters: WaitList | null = null;
  /** How the connection ended, for a close() that waited for another task's receive to see it. */
  outcome: WsCloseResult | null = null;

  constructor(
    private readonly conn: WebSocketConnection,
    private readonly sock: TcpSocket,
    private readonly proto: WebSocketProtocol,
    /** Seconds to wait for the peer's close reply, and for a server's TCP close after it. */
    private readonly closeTimeout: number,
  ) {}

  /** Queues our CLOSE and starts the deadline for the peer's answer. */
  private start(code: number, reason: string): void {
    this.proto.sendClose(code, reason);
    this.deadline = gettime() + this.closeTimeout;
  }

  /** See `WebSocketConnection.close`; the connection is OPEN. */
  *close(code: number, reason: string): TaskGenerator<WsCloseResult> {
    const { conn, sock, proto } = this;
    this.start(code, reason);
    const err = yield* sock.writeBuffers(proto.takeOutgoing());
    if (err !== null) {
      conn.drop();
      return [false, CLOSE_ABNORMAL, err];
    }
    if (sock.hasReader) {
      // another task is in receive(): it will see the reply; wait for the connection to reach CLOSED
      this.dropAtDeadline();
      const waiters = (this.closeWaiters ??= new WaitList(WaitOn.Close, conn));
      while (conn.state !== 'CLOSED') yield* waiters.wait('close', undefined, KEEPS_LOOP_ALIVE);
      return this.outcome ?? [false, CLOSE_ABNORMAL, 'closed'];
    }
    for (;;) {
      const ev = yield* this.nextEvent();
      if (ev === 'timeout') {
        conn.drop();
        this.outcome = [false, CLOSE_ABNORMAL, 'timeout'];
        return [false, CLOSE_ABNORMAL, 'timeout'];
      }
      if (ev.type === 'close') return yield* this.finish(ev.wasClean, ev.code, ev.reason);
      // messages that arrive after our close are dropped, as RFC 6455 allows
    }
  }

  /** See `WebSocketConnection.closeInBackground`; the connection is OPEN. */
  inBackground(code: number, reason: string): void {
    if (this.sock.hasReader) {
      // the handler is in receive(): it reads the reply (or times out at the deadline)
      this.withoutWaiting(code, reason);
      return;
    }
    kernel.spawn('websocket close', function* (self: CloseHandshake) { yield* self.close(code, reason); }, [this]);
  }

  /** Queues our CLOSE without waiting (not even for the socket to drain) and drops the connection at the deadline. */
  withoutWaiting(code: number, reason: string): void {
    this.start(code, reason);
    this.sock.writeNow(this.proto.takeOutgoing());
    this.dropAtDeadline();
  }

  /** A read's deadline: the caller's, or our close's once it is sent, whichever comes first. */
  readUntil(deadline: number | undefined): number | undefined {
    return this.deadline !== Infinity && (deadline === undefined || this.deadline < deadline) ? this.deadline : deadline;
  }

  /** Whether our close went unanswered past its deadline (a receive that timed out then ends the connection). */
  get expired(): boolean {
    return this.deadline <= gettime();
  }

  /** After the close event: a client waits (bounded) for the server's TCP close; both close the socket. */
  *finish(wasClean: boolean, code: number, reason: string): TaskGenerator<WsCloseResult> {
    if (this.proto.role === 'client' && !this.proto.shouldCloseTransport) {
      const deadline = gettime() + this.closeTimeout;
      for (;;) {
        const r = yield* this.sock.readChunk(Math.max(0, deadline - gettime()));
        if (typeof r === 'string') break; // EOF, error or timeout: close it ourselves
      }
    }
    this.outcome = [wasClean, code, reason];
    this.conn.drop();
    return [wasClean, code, reason];
  }

  /** The connection reached CLOSED: no deadline to enforce, and close() calls waiting for it return. */
  ended(): void {
    if (this.timer !== null) { kernel.cancelCallbackTimer(this.timer); this.timer = null; }
    this.closeWaiters?.wakeAll();
  }

  /**
   * The reader in receive() started its read before our close, without its deadline: a timer drops the
   * connection then (waking that read with 'closed'), else a peer that never answers our close would hold
   * the connection, and the loop, forever.
   */
  private dropAtDeadline(): void {
    if (this.timer !== null) return;
    const entry: CallbackEntry = { deadline: 0, seq: 0, index: -1, fire: () => {
      this.timer = null;
      if (this.conn.state === 'CLOSING') this.conn.drop();
    } };
    this.timer = entry;
    kernel.addCallbackTimer(entry, Math.max(0, this.deadline - gettime()));
  }

  /** The next protocol event, reading as needed; 'timeout' when our close's deadline passes first. */
  private *nextEvent(): TaskGenerator<ProtocolEvent | 'timeout'> {
    const { conn, sock, proto } = this;
    for (;;) {
      const ev = conn.pollNext();
      if (ev !== null) return ev;
      const err = yield* sock.waitInput(this.readUntil(undefined));
      if (err === 'timeout') return 'timeout';
      if (err !== null) proto.receiveEof();
    }
  }
}
