// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { completed, type Instruction, type Operation, type TaskGenerator } from '../scheduler/operation';
import { gettime } from '../scheduler/clock';
import { kernel, type CallbackEntry } from '../scheduler/kernel';
import { type Task } from '../scheduler/task';
import type { TcpSocket } from '../socket';
import { argError } from '../util/args';
// Direct module imports: through the './core' barrel every TEXT/BINARY read is a CommonJS re-export getter call.
import { BINARY, TEXT } from './core/opcodes';
import { WebSocketProtocol, type ProtocolEvent } from './core/protocol';
import { checkCloseArguments } from './core/close-payload';
import { ReceiveOperation } from './receive-operation';

/** A send that is complete: `yield*` gives a fresh `[true]` (one shared operation, no generator per message). */
const SENT: Operation<WsSendResult> & Iterator<Instruction, WsSendResult, unknown> = {
  [Symbol.iterator]() { return SENT; },
  next() { return { value: [true], done: true }; },
};

/** lua-websockets' connection states. */
export type WebSocketState = 'CONNECTING' | 'OPEN' | 'CLOSING' | 'CLOSED';

/** `[message, opcode]`, or `[null, null, was_clean, code, reason]` once the connection is closed. */
export type WsReceiveResult = [string, typeof TEXT] | [Buffer, typeof BINARY] | [null, null, boolean, number, string];
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
}

/**
 * One open WebSocket: the operations of lua-websockets' clients and server connections, on a TcpSocket,
 * with the RFC 6455 work done by the sans-I/O WebSocketProtocol. Used by the copas client, the server's
 * connections and (inside its worker) the sync client.
 */
export class WebSocketConnection {
  /** @internal */
  protocolState: WebSocketProtocol | null = null;
  /** @internal */
  sock: TcpSocket | null = null;
  /** CONNECTING, OPEN, CLOSING (our close sent) or CLOSED. */
  state: WebSocketState = 'CLOSED';
  private lastClose: [boolean, number, string] | null = null;
  /** Tasks in close() while another task's receive() reads the reply: woken when CLOSED. */
  private closeWaiters: Task[] | null = null;
  private closeDeadline = Infinity;
  private closeTimer: CallbackEntry | null = null;
  private receiveOp: ReceiveOperation | null = null;
  /** Seconds any operation may wait; undefined = forever. */
  protected timeout: number | undefined;
  /** Seconds to wait for the close reply after our close. */
  protected closeTimeout: number;

  /** Made by the clients and the server with their options. */
  constructor(options: ConnectionOptions = {}) {
    this.timeout = options.timeout;
    this.closeTimeout = options.closeTimeout ?? 3;
  }

  /** @internal starts using an upgraded socket; `head` holds bytes that came with the handshake. */
  open(sock: TcpSocket, proto: WebSocketProtocol, head?: Buffer): void {
    this.sock = sock;
    this.protocolState = proto;
    this.state = 'OPEN';
    this.lastClose = null;
    if (head !== undefined && head.length > 0) proto.receive(head);
  }

  /** True while our close is sent and the peer's reply is awaited (lua-websockets' is_closing). */
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
    if (this.protocolState === null || (this.state !== 'OPEN' && this.state !== 'CLOSING')) return completed<WsReceiveResult>([null, null, false, 1006, 'wrong state']);
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
    if (this.state === 'CLOSING' && this.closeDeadline <= gettime()) this.drop();
    return [null, null, false, 1006, 'timeout'];
  }

  /**
   * Sends a message (default TEXT). Returns `[true]`, or `[null, was_clean, code, reason]` when the
   * connection is not open ('wrong state') or the write failed.
   *
   * Lua: `local ok, was_clean, code, reason = ws:send('hello', websocket.TEXT)`
   * TS:  `const [ok, was_clean, code, reason] = yield* ws.send('hello', websocket.TEXT)`
   */
  send(message: string | Uint8Array, opcode?: number): Operation<WsSendResult> {
    if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
      throw argError('send', 'message', 'a string or a Buffer', message);
    }
    if (opcode !== undefined && opcode !== TEXT && opcode !== BINARY) {
      throw argError('send', 'opcode', 'websocket.TEXT (1) or websocket.BINARY (2)', opcode);
    }
    const proto = this.protocolState;
    const sock = this.sock;
    if (proto === null || sock === null || this.state !== 'OPEN') return completed<WsSendResult>([null, false, 1006, 'wrong state']);
    const op = opcode ?? TEXT;
    const data = op === BINARY && typeof message === 'string' ? Buffer.from(message) : message; // a BINARY string goes as its UTF-8 bytes
    proto.sendMessage(data, op);
    const w = sock.write(proto.takeOutgoing());
    // The usual case, Node took the bytes: no generator, nothing to wait for.
    return w === null ? SENT : this.sendWait(sock, w);
  }

  /** The rest of a send whose bytes are queued over Node's mark (wait for 'drain') or that found the socket closed. */
  private *sendWait(sock: TcpSocket, w: 'drain' | 'closed'): TaskGenerator<WsSendResult> {
    const err = w === 'drain' ? yield* sock.waitDrain() : w;
    if (err !== null) {
      this.drop();
      this.lastClose = [false, 1006, err];
      return [null, false, 1006, err];
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
    if (proto === null || sock === null || this.state !== 'OPEN') return [null, false, 1006, 'wrong state'];
    proto.sendPing(data);
    const err = yield* sock.writeBuffers(proto.takeOutgoing());
    if (err !== null) {
      this.drop();
      return [null, false, 1006, err];
    }
    return [true];
  }

  /**
   * Starts the closing handshake and waits for the peer's reply: `[was_clean, code, reason]` with the
   * peer's code and reason; `[false, 1006, 'wrong state']` when not open.
   *
   * Lua: `local was_clean, code, reason = ws:close(4001, 'lost interest')`
   * TS:  `const [was_clean, code, reason] = yield* ws.close(4001, 'lost interest')`
   */
  *close(code = 1000, reason = ''): TaskGenerator<WsCloseResult> {
    checkCloseArguments(code, reason);
    const proto = this.protocolState;
    const sock = this.sock;
    if (proto === null || sock === null || this.state !== 'OPEN') return [false, 1006, 'wrong state'];
    this.startClose(proto, code, reason);
    const err = yield* sock.writeBuffers(proto.takeOutgoing());
    if (err !== null) {
      this.drop();
      return [false, 1006, err];
    }
    if (sock.hasReader) {
      // another task is in receive(): it will see the reply; wait for the connection to reach CLOSED
      this.dropAtCloseDeadline();
      const task = kernel.currentOrThrow('close');
      (this.closeWaiters ??= []).push(task);
      try {
        while ((this.state as WebSocketState) !== 'CLOSED') yield* kernel.wait(undefined, true);
      } finally {
        const at = this.closeWaiters?.indexOf(task) ?? -1;
        if (at >= 0) this.closeWaiters?.splice(at, 1);
      }
      return this.lastClose ?? [false, 1006, 'closed'];
    }
    for (;;) {
      const ev = yield* this.nextEvent(proto, undefined);
      if (ev === 'timeout') {
        this.drop();
        this.lastClose = [false, 1006, 'timeout'];
        return [false, 1006, 'timeout'];
      }
      if (ev.type === 'close') return yield* this.finishClose(ev.wasClean, ev.code, ev.reason);
      // messages that arrive after our close are dropped, as RFC 6455 allows
    }
  }

  /**
   * @internal Ends the connection from outside a task (server close, a handler that returned or threw):
   * queues a CLOSE and lets a small task finish the handshake.
   */
  closeInBackground(code: number, reason = ''): void {
    const proto = this.protocolState;
    const sock = this.sock;
    if (this.state !== 'OPEN' || proto === null || sock === null) return;
    if (sock.hasReader) {
      // the handler is in receive(): it reads the reply (or times out at closeDeadline)
      this.startClose(proto, code, reason);
      sock.writeNow(proto.takeOutgoing());
      this.dropAtCloseDeadline();
      return;
    }
    kernel.spawn('websocket close', function* (self: WebSocketConnection) { yield* self.close(code, reason); }, [this]);
  }

  /**
   * The reader in receive() started its read before our close, without the close deadline: a timer drops
   * the connection at closeDeadline (waking that read with 'closed'), else a peer that never answers our
   * close would hold the connection, and the loop, forever.
   */
  private dropAtCloseDeadline(): void {
    if (this.closeTimer !== null) return;
    const entry: CallbackEntry = { deadline: 0, seq: 0, index: -1, fire: () => {
      this.closeTimer = null;
      if (this.state === 'CLOSING') this.drop();
    } };
    this.closeTimer = entry;
    kernel.addCallbackTimer(entry, Math.max(0, this.closeDeadline - gettime()));
  }

  private startClose(proto: WebSocketProtocol, code: number, reason: string): void {
    proto.sendClose(code, reason);
    this.state = 'CLOSING';
    this.closeDeadline = gettime() + this.closeTimeout;
  }

  /**
   * The next protocol event, reading as needed; 'timeout' when the deadline (or, once our close is sent,
   * the close deadline) passes first.
   */
  private *nextEvent(proto: WebSocketProtocol, deadline: number | undefined): TaskGenerator<ProtocolEvent | 'timeout'> {
    const sock = this.sock as TcpSocket;
    for (;;) {
      const ev = this.pollEvent(proto);
      if (ev !== null) return ev;
      const err = yield* sock.waitInput(this.readUntil(deadline));
      if (err === 'timeout') return 'timeout';
      if (err !== null) proto.receiveEof();
    }
  }

  /** A read's deadline: the caller's, or the close deadline once our close is sent, whichever comes first. */
  private readUntil(deadline: number | undefined): number | undefined {
    return this.state === 'CLOSING' && (deadline === undefined || this.closeDeadline < deadline) ? this.closeDeadline : deadline;
  }

  /** The next event from what is already received, without waiting; null when more input is needed. */
  private pollEvent(proto: WebSocketProtocol): ProtocolEvent | null {
    const sock = this.sock as TcpSocket;
    for (;;) {
      const ev = proto.nextEvent();
      if (proto.hasOutgoing) sock.writeNow(proto.takeOutgoing()); // PONGs and close replies go out at once
      if (ev !== null) return ev;
      const chunk = sock.takeChunk();
      if (chunk === undefined) return null;
      proto.receive(chunk);
    }
  }

  /** After the close event: a client waits (bounded) for the server's TCP close; both close the socket. */
  /** @internal */
  *finishClose(wasClean: boolean, code: number, reason: string): TaskGenerator<WsCloseResult> {
    const sock = this.sock as TcpSocket;
    const proto = this.protocolState as WebSocketProtocol;
    if (proto.role === 'client' && !proto.shouldCloseTransport) {
      const deadline = gettime() + this.closeTimeout;
      for (;;) {
        const r = yield* sock.readChunk(Math.max(0, deadline - gettime()));
        if (typeof r === 'string') break; // EOF, error or timeout: close it ourselves
      }
    }
    this.lastClose = [wasClean, code, reason];
    this.drop();
    return [wasClean, code, reason];
  }

  /** Called once when the connection reaches CLOSED, before its socket closes (a server connection leaves its group). */
  protected closed(): void { /* nothing for clients */ }

  /** @internal Drops the TCP connection at once without a close handshake (teardown). */
  abort(): void {
    this.sock?.destroy();
    this.drop();
  }

  /** Closes the socket and marks the connection CLOSED. */
  private drop(): void {
    const wasOpen = this.state !== 'CLOSED';
    this.state = 'CLOSED';
    if (this.closeTimer !== null) { kernel.cancelCallbackTimer(this.closeTimer); this.closeTimer = null; }
    if (wasOpen) this.closed(); // before the socket closes: a subclass may still read from it
    this.sock?.close();
    const waiters = this.closeWaiters;
    if (waiters !== null) {
      this.closeWaiters = null;
      for (const w of waiters) kernel.resume(w);
    }
  }
}
