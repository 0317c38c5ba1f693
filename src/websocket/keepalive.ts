/**
 * Keepalive (`pingInterval`, `pingTimeout`): a PING every interval; a peer that lets one go unanswered for
 * the timeout is closed with 1011, as python-websockets does, so a peer that vanished (a NAT that forgot
 * the connection, a laptop lid) is noticed. The PONG's round trip is `ws.latency`.
 *
 * PONGs are read where everything else is read, in receive. A connection whose owner is not reading (a
 * sync client's caller at work, a handler that only sends) cannot see the PONG yet, so any byte that
 * arrived after the PING, or input held back because nobody reads, counts as an answer: the peer is there.
 * `ws.latency` is then updated when the PONG is finally read, and includes the wait.
 */
import type { CallbackEntry } from '../scheduler/kernel';
import { kernel } from '../scheduler/kernel';
import { gettime } from '../scheduler/clock';
import type { WebSocketConnection } from './connection';

/** python-websockets' defaults, in seconds: a dead peer is found within 40 s; an idle link sends 2 small frames per 20 s. */
export const DEFAULT_PING_INTERVAL = 20;
/** See DEFAULT_PING_INTERVAL. */
export const DEFAULT_PING_TIMEOUT = 20;

/** The close reason when a PING went unanswered (with code 1011). */
export const KEEPALIVE_TIMEOUT_REASON = 'keepalive ping timeout';

/** Scratch for a PING's payload, a 4-byte sequence number. */
const PAYLOAD = Buffer.alloc(4);

/** One connection's keepalive timer. */
export class Keepalive {
  /** The last PING's round trip in seconds, null until a PONG answered one. */
  latency: number | null = null;
  private readonly timer: CallbackEntry;
  /** When the last PING went (-1: none yet). */
  private sentAt = -1;
  /** The timer waits for the last PING's answer (else for the time of the next PING). */
  private awaiting = false;
  private inputAtPing = 0;
  private seq = 0;
  private stopped = false;

  constructor(private readonly conn: WebSocketConnection, private readonly interval: number, private readonly timeout: number | null) {
    this.timer = { deadline: 0, seq: 0, index: -1, fire: () => this.fire() };
    kernel.addCallbackTimer(this.timer, interval);
  }

  /** A PONG arrived: if it answers our last PING, note the round trip. */
  pong(data: Buffer): void {
    if (this.sentAt < 0 || data.length !== 4 || data.readUInt32BE(0) !== this.seq) return;
    const now = gettime();
    this.latency = now - this.sentAt;
    if (this.awaiting) this.answered(now);
  }

  /** The connection is closing or closed. */
  stop(): void {
    this.stopped = true;
    kernel.cancelCallbackTimer(this.timer);
  }

  private fire(): void {
    if (this.stopped) return;
    const now = gettime();
    if (this.awaiting) {
      // the answer may sit unread behind messages nobody is reading yet: any input means the peer is there
      if (bytesRead(this.conn) !== this.inputAtPing || inputHeldBack(this.conn)) { this.answered(now); return; }
      this.stop();
      this.conn.failConnection(1011, KEEPALIVE_TIMEOUT_REASON);
      return;
    }
    if (!this.ping()) { this.stop(); return; }
    this.sentAt = now;
    this.inputAtPing = bytesRead(this.conn);
    this.awaiting = this.timeout !== null;
    kernel.addCallbackTimer(this.timer, this.timeout ?? this.interval);
  }

  /**
   * Queues the PING without waiting; false once the connection is not open. While more than maxBufferedAmount
   * waits for the peer no PING is added (it would only queue behind), and the timeout runs as if it had gone.
   */
  private ping(): boolean {
    const conn = this.conn;
    const proto = conn.protocolState;
    const sock = conn.sock;
    if (conn.state !== 'OPEN' || proto === null || sock === null) return false;
    this.seq = (this.seq + 1) >>> 0;
    if (conn.bufferedAmount > conn.maxBufferedAmount) return true;
    PAYLOAD.writeUInt32BE(this.seq, 0); // the frame takes a copy
    proto.sendPing(PAYLOAD);
    return sock.writeNow(proto.takeOutgoing());
  }

  private answered(now: number): void {
    this.awaiting = false;
    kernel.addCallbackTimer(this.timer, Math.max(0, this.sentAt + this.interval - now));
  }
}

function bytesRead(conn: WebSocketConnection): number {
  return conn.sock?.stream?.bytesRead ?? 0;
}

/** Input received but not read: chunks the reader has not taken, or a stream paused because of them. */
function inputHeldBack(conn: WebSocketConnection): boolean {
  const sock = conn.sock;
  return sock !== null && (sock.buffered > 0 || sock.stream?.readableFlowing === false);
}
