// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { completed, type Instruction, type Operation, type TaskGenerator } from '../scheduler/operation';
import { awaitable, run, type AwaitableOperation } from '../scheduler/promise-bridge';
import { gettime } from '../scheduler/clock';
import type { TcpSocket } from '../socket';
import { CloseHandshake } from './close-handshake';
// Direct module imports: through the './core' barrel every TEXT/BINARY read is a CommonJS re-export getter call.
import { BINARY, TEXT } from './core/opcodes';
import { CLOSE_ABNORMAL, CLOSE_NORMAL } from './core/close-codes';
import { checkCloseArguments } from './core/close-payload';
import { WebSocketProtocol, type ProtocolEvent, type WebSocketState } from './core/protocol';
import { ReceiveOperation } from './receive-operation';
import { checkOutgoing, payloadOf } from './outgoing-message';
import { DEFAULT_PING_INTERVAL, DEFAULT_PING_TIMEOUT, Keepalive } from './keepalive';
import { bufferedAmountOf, DEFAULT_MAX_BUFFERED_AMOUNT, type SlowClientPolicy } from './buffered-amount';

export type { WebSocketState } from './core/protocol';

/** A send that is complete: `yield*` gives a fresh `[true]` (one shared operation, no generator per message). */
const SENT: AwaitableOperation<WsSendResult> & Iterator<Instruction, WsSendResult, unknown> = {
  [Symbol.iterator]() { return SENT; },
  next() { return { value: [true], done: true }; },
  then(onfulfilled, onrejected) { return Promise.resolve<WsSendResult>([true]).then(onfulfilled, onrejected); },
};

function* receiveOnce(conn: WebSocketConnection): TaskGenerator<WsReceiveResult> {
  return yield* conn.receive();
}

/** A received message: TEXT as a `string`, BINARY as a `Buffer`; testing the opcode narrows the message. */
export type WsMessage = [string, typeof TEXT] | [Buffer, typeof BINARY];
/**
 * `[message, opcode]`, or `[null, null, was_clean, code, reason]` once the connection is closed (or a receive
 * timed out): a union whose members tell themselves apart by `message === null` and by the opcode.
 */
export type WsReceiveResult = WsMessage | [null, null, boolean, number, string];
/** `[true]`, or `[null, was_clean, code, reason]`. */
export type WsSendResult = [true] | [null, boolean, number, string];
/** `[was_clean, code, reason]`. */
export type WsCloseResult = [boolean, number, string];

/** Per-connection settings shared by clients and servers. */
export interface ConnectionOptions {
  /** Seconds any operation may wait (receive, send, the close handshake); undefined = forever. */
  timeout?: number;
  /** Seconds to wait for the peer's close reply and TCP close after our close (default 3). */
  closeTimeout?: number;
  /**
   * Bytes that may sit queued for the peer before a write that does not wait (a broadcast, a publish)
   * applies the slow-client policy instead (default 1 MiB). A connection's own `send` always waits.
   */
  maxBufferedAmount?: number;
  /** What a broadcast does to a peer over maxBufferedAmount: 'close' it (default, code 1008) or 'skip' the message. */
  slowClient?: SlowClientPolicy;
  /** Seconds between keepalive PINGs (default 20; null = no keepalive). */
  pingInterval?: number | null;
  /** Seconds a keepalive PING may go unanswered before the connection is closed with 1011 (default 20; null = never). */
  pingTimeout?: number | null;
}

/**
 * Where the socket is: none yet or dropped (CLOSED), being opened by a client (CONNECTING), or carrying the
 * protocol (ATTACHED: the state is then the protocol core's).
 */
type Transport = 'CLOSED' | 'CONNECTING' | 'ATTACHED';

/**
 * One open WebSocket: the operations of lua-websockets' clients and server connections, on a TcpSocket,
 * with the RFC 6455 work done by the sans-I/O WebSocketProtocol. Used by the copas client, the server's
 * connections and (inside its worker) the sync client. The closing handshake is close-handshake.ts.
 */
export class WebSocketConnection {
  /** @internal */
  protocolState: WebSocketProtocol | null = null;
  /** @internal */
  sock: TcpSocket | null = null;
  /** @internal (CopasClient sets CONNECTING while it shakes hands) */
  protected transport: Transport = 'CLOSED';
  private handshake: CloseHandshake | null = null;
  private receiveOp: ReceiveOperation | null = null;
  /** Seconds any operation may wait; undefined = forever. */
  protected timeout: number | undefined;
  /** Seconds to wait for the close reply after our close. */
  protected closeTimeout: number;
  /** @internal (fan-out) */
  readonly maxBufferedAmount: number;
  /** @internal (fan-out) */
  readonly slowClient: SlowClientPolicy;
  private readonly pingInterval: number | null;
  private readonly pingTimeout: number | null;
  private keepalive: Keepalive | null = null;
  /** @internal (ReceiveOperation) how we failed the connection (keepalive), for the reader woken by it. */
  failure: WsCloseResult | null = null;
  /** @internal (fan-out) no permessage-deflate and no masking: a broadcast may write the frame Buffers it encoded once. */
  sharesFrames = false;
  /** @internal (fan-out) bytes queued for the peer when a broadcast last paced on it; -1 = not pacing on it. */
  paceMark = -1;
  /** @internal (fan-out) when a broadcast last saw bytes of this connection's queue drain (performance.now, ms). */
  paceDrainedAt = 0;
  /** @internal (fan-out) the paced turn (fan-out's count) in which that was seen. */
  paceDrainedTurn = 0;

  /** Made by the clients and the server with their options. */
  constructor(options: ConnectionOptions = {}) {
    this.timeout = options.timeout;
    this.closeTimeout = options.closeTimeout ?? 3;
    this.maxBufferedAmount = options.maxBufferedAmount ?? DEFAULT_MAX_BUFFERED_AMOUNT;
    this.slowClient = options.slowClient ?? 'close';
    this.pingInterval = options.pingInterval === undefined ? DEFAULT_PING_INTERVAL : options.pingInterval;
    this.pingTimeout = options.pingTimeout === undefined ? DEFAULT_PING_TIMEOUT : options.pingTimeout;
  }

  /** The round trip of the last keepalive PING in seconds (null before the first PONG, or with no keepalive). */
  get latency(): number | null {
    return this.keepalive?.latency ?? null;
  }

  /** Bytes queued for the peer that the kernel has not taken yet (as the browser's WebSocket.bufferedAmount). */
  get bufferedAmount(): number {
    return bufferedAmountOf(this);
  }

  /** @internal starts using an upgraded socket; `head` holds bytes that came with the handshake. */
  open(sock: TcpSocket, proto: WebSocketProtocol, head?: Buffer): void {
    this.sock = sock;
    this.protocolState = proto;
    this.transport = 'ATTACHED';
    this.handshake = null;
    this.failure = null;
    this.keepalive = this.pingInterval === null ? null : new Keepalive(this, this.pingInterval, this.pingTimeout);
    if (head !== undefined && head.length > 0) proto.receive(head);
  }

  /**
   * CONNECTING, OPEN, CLOSING (our close sent, or the handshake done and the socket not yet closed) or
   * CLOSED: a view of the protocol core's state while a socket is attached.
   */
  get state(): WebSocketState {
    if (this.transport !== 'ATTACHED') return this.transport;
    const state = (this.protocolState as WebSocketProtocol).state;
    return state === 'CLOSED' ? 'CLOSING' : state;
  }

  /** True while the connection is CLOSING (lua-websockets' is_closing): see `state`. */
  get is_closing(): boolean {
    return this.state === 'CLOSING';
  }

  /**
   * Receives the next message: `[message, opcode]` (TEXT as string, BINARY as Buffer), or
   * `[null, null, was_clean, code, reason]` when the connection closed. PINGs are answered on the way.
   * A timeout returns `[null, null, false, 1006, 'timeout']` and leaves the connection open.
   *
   * Lua: `local message, opcode, was_clean, code, reason = ws:receive()`
   * TS:  `const [message, opcode, was_clean, code, reason] = yield* ws.receive()`
   */
  receive(): Operation<WsReceiveResult> {
    if (this.protocolState === null || (this.state !== 'OPEN' && this.state !== 'CLOSING')) return completed<WsReceiveResult>([null, null, false, CLOSE_ABNORMAL, 'wrong state']);
    const deadline = this.timeout === undefined ? undefined : gettime() + this.timeout;
    return (this.receiveOp ??= new ReceiveOperation(this)).start(deadline);
  }

  /** @internal (ReceiveOperation) the next event from what is already received, or null. */
  pollNext(): ProtocolEvent | null {
    return this.pollEvent(this.protocolState as WebSocketProtocol);
  }

  /**
   * @internal (ReceiveOperation) parks the running task until input comes or the read deadline passes; false
   * when no input can come any more (the EOF is then fed to the protocol).
   */
  parkReader(deadline: number | undefined): boolean {
    if ((this.sock as TcpSocket).parkReader(this.readUntil(deadline))) return true;
    (this.protocolState as WebSocketProtocol).receiveEof();
    return false;
  }

  /** @internal (ReceiveOperation) */
  unparkReader(): void {
    (this.sock as TcpSocket).unparkReader();
  }

  /** @internal (ReceiveOperation) a receive ran out of time: the connection stays open unless our close went unanswered. */
  receiveTimedOut(): WsReceiveResult {
    if (this.state === 'CLOSING' && this.handshake?.expired === true) this.drop();
    return [null, null, false, CLOSE_ABNORMAL, 'timeout'];
  }

  /**
   * The messages, for async code outside tasks: `for await (const [message, opcode] of client) { ... }`. The
   * loop ends when the connection closes or a receive times out (`state` tells which); leaving it early
   * keeps the connection open. Each message is one `receive()` run as a task. Inside a task, use
   * `yield* ws.receive()`.
   */
  async *[Symbol.asyncIterator](): AsyncGenerator<WsMessage, void, undefined> {
    for (;;) {
      const r = await run(receiveOnce, this);
      if (r[0] === null) return;
      yield r;
    }
  }

  /**
   * Sends a message (default TEXT). Returns `[true]`, or `[null, was_clean, code, reason]` when the
   * connection is not open ('wrong state') or the write failed.
   *
   * Lua: `local ok, was_clean, code, reason = ws:send('hello', websocket.TEXT)`
   * TS:  `const [ok, was_clean, code, reason] = yield* ws.send('hello', websocket.TEXT)`
   * Outside a task: `const [ok] = await client.send('hello')`.
   */
  send(message: string | Uint8Array, opcode?: number): AwaitableOperation<WsSendResult> {
    const op = checkOutgoing('send', message, opcode);
    const proto = this.protocolState;
    const sock = this.sock;
    if (proto === null || sock === null || this.state !== 'OPEN') return completed<WsSendResult>([null, false, CLOSE_ABNORMAL, 'wrong state']);
    proto.sendMessage(payloadOf(message, op), op);
    const w = sock.write(proto.takeOutgoing());
    // The usual case, Node took the bytes: no generator, nothing to wait for.
    return w === null ? SENT : awaitable(this.sendWait(sock, w));
  }

  /** The rest of a send whose bytes are queued over Node's mark (wait for 'drain') or that found the socket closed. */
  private *sendWait(sock: TcpSocket, w: 'drain' | 'closed'): TaskGenerator<WsSendResult> {
    const err = w === 'drain' ? yield* sock.waitDrain() : w;
    if (err !== null) {
      this.drop();
      this.closeHandshake().outcome = [false, CLOSE_ABNORMAL, err];
      return [null, false, CLOSE_ABNORMAL, err];
    }
    return [true];
  }

  /**
   * Sends a PING (payload up to 125 bytes); the PONG is consumed by receive. Returns like send.
   * TS only (lua-websockets had no ping): `yield* ws.ping('hb')`.
   */
  *ping(data?: string | Uint8Array): TaskGenerator<WsSendResult> {
    const proto = this.protocolState;
    const sock = this.sock;
    if (proto === null || sock === null || this.state !== 'OPEN') return [null, false, CLOSE_ABNORMAL, 'wrong state'];
    proto.sendPing(data);
    const err = yield* sock.writeBuffers(proto.takeOutgoing());
    if (err !== null) {
      this.drop();
      return [null, false, CLOSE_ABNORMAL, err];
    }
    return [true];
  }

  /**
   * Starts the closing handshake and waits for the peer's reply: `[was_clean, code, reason]` with the
   * peer's code and reason; `[false, 1006, 'wrong state']` when not open.
   *
   * Lua: `local was_clean, code, reason = ws:close(4001, 'lost interest')`
   * TS:  `const [was_clean, code, reason] = yield* ws.close(4001, 'lost interest')`
   * Outside a task: `const [was_clean] = await client.close()`.
   */
  close(code: number = CLOSE_NORMAL, reason = ''): AwaitableOperation<WsCloseResult> {
    checkCloseArguments(code, reason);
    return awaitable(this.closeSteps(code, reason));
  }

  private *closeSteps(code: number, reason: string): TaskGenerator<WsCloseResult> {
    if (this.state !== 'OPEN') return [false, CLOSE_ABNORMAL, 'wrong state'];
    return yield* this.closeHandshake().close(code, reason);
  }

  /**
   * @internal Ends the connection from outside a task (server close, a handler that returned or threw):
   * queues a CLOSE and lets a small task finish the handshake.
   */
  closeInBackground(code: number, reason = ''): void {
    if (this.state === 'OPEN') this.closeHandshake().inBackground(code, reason);
  }

  /**
   * @internal (fan-out: a slow client) Starts the closing handshake without waiting for anything, even for
   * the peer to take our bytes: the connection is dropped at the close deadline unless the reply comes first.
   */
  closeWithoutWaiting(code: number, reason = ''): void {
    if (this.state === 'OPEN') this.closeHandshake().withoutWaiting(code, reason);
  }

  /**
   * @internal Fails the connection (keepalive timeout): our CLOSE goes without waiting for a reply and the
   * socket is dropped; a task in receive() gets `[null, null, false, code, reason]`.
   */
  failConnection(code: number, reason: string): void {
    const proto = this.protocolState;
    const sock = this.sock;
    if (this.state === 'CLOSED' || proto === null || sock === null) return;
    if (this.state === 'OPEN') {
      proto.sendClose(code, reason);
      sock.writeNow(proto.takeOutgoing());
    }
    this.failure = [false, code, reason];
    this.closeHandshake().outcome = this.failure;
    this.drop();
  }

  /** @internal (ReceiveOperation) the close event came: ends the handshake (see CloseHandshake.finish). */
  finishClose(wasClean: boolean, code: number, reason: string): TaskGenerator<WsCloseResult> {
    return this.closeHandshake().finish(wasClean, code, reason);
  }

  /** This connection's closing handshake, made when it first closes; only while a socket is attached. */
  private closeHandshake(): CloseHandshake {
    return (this.handshake ??= new CloseHandshake(this, this.sock as TcpSocket, this.protocolState as WebSocketProtocol, this.closeTimeout));
  }

  /** A read's deadline: the caller's, or the close deadline once our close is sent, whichever comes first. */
  private readUntil(deadline: number | undefined): number | undefined {
    const handshake = this.handshake;
    return handshake !== null && this.state === 'CLOSING' ? handshake.readUntil(deadline) : deadline;
  }

  /** The next event from what is already received, without waiting; null when more input is needed. */
  private pollEvent(proto: WebSocketProtocol): ProtocolEvent | null {
    const sock = this.sock as TcpSocket;
    for (;;) {
      const ev = proto.nextEvent();
      if (proto.hasOutgoing) sock.writeNow(proto.takeOutgoing()); // PONGs and close replies go out at once
      if (ev !== null) {
        if (ev.type === 'pong') this.keepalive?.pong(ev.data);
        return ev;
      }
      const chunk = sock.takeChunk();
      if (chunk === undefined) return null;
      proto.receive(chunk);
    }
  }

  /** Called once when the connection reaches CLOSED, before its socket closes (a server connection leaves its group). */
  protected closed(): void { /* nothing for clients */ }

  /** @internal Drops the TCP connection at once without a close handshake (teardown). */
  abort(): void {
    this.sock?.destroy();
    this.drop();
  }

  /** @internal Closes the socket and marks the connection CLOSED. */
  drop(): void {
    const wasOpen = this.transport !== 'CLOSED';
    this.transport = 'CLOSED';
    this.keepalive?.stop();
    if (wasOpen) this.closed(); // before the socket closes: a subclass may still read from it
    this.sock?.close();
    this.handshake?.ended();
  }
}
