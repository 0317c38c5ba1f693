import type * as net from 'node:net';
import { kernel, KEEPS_LOOP_ALIVE, WaitOn, type Task, type TaskFunction, type TaskGenerator } from '../scheduler';
import { TcpSocket } from './tcp-socket';

let nextId = 1;

/** What a server hands each accepted client: a handler task body. */
export type ConnectionHandler = TaskFunction<[TcpSocket, ...unknown[]], unknown>;

/**
 * A listening TCP socket (LuaSocket's tcp{server}), from `socket.bind`. Register it with
 * `copas.addserver(server, handler)` so every accepted client runs `handler(client)` as a task.
 */
export class TcpServer {
  /** @internal */
  readonly server: net.Server;
  private readonly pending: net.Socket[] = [];
  private acceptor: Task | null = null;
  private timeouts: [number | undefined, number | undefined, number | undefined] = [undefined, undefined, undefined];
  private closedFlag = false;
  private readonly id = nextId++;
  /** @internal set by copas.addserver */
  onAccept: ((stream: net.Socket) => void) | null = null;

  /** @internal */
  constructor(server: net.Server) {
    this.server = server;
    server.on('connection', (stream: net.Socket) => {
      stream.setNoDelay(true);
      if (this.onAccept !== null) this.onAccept(stream);
      else {
        this.pending.push(stream);
        if (this.acceptor !== null) kernel.resume(this.acceptor);
      }
    });
    server.on('error', () => { /* reported through bind's result or accept's */ });
  }

  /** Accepts one client (when not registered with copas.addserver). Returns `[client]` or `[null, err]`. */
  *accept(): TaskGenerator<[TcpSocket] | [null, string]> {
    for (;;) {
      const stream = this.pending.shift();
      if (stream !== undefined) return [this.adopt(stream)];
      if (this.closedFlag) return [null, 'closed'];
      this.acceptor = kernel.currentOrThrow('accept');
      try {
        yield* kernel.wait(this.timeouts[2], KEEPS_LOOP_ALIVE, WaitOn.Accept, this);
      } finally {
        this.acceptor = null;
      }
      if (this.pending.length === 0) return [null, this.closedFlag ? 'closed' : 'timeout'];
    }
  }

  /** @internal wraps an accepted stream with this server's timeouts. */
  adopt(stream: net.Socket): TcpSocket {
    const client = TcpSocket.fromStream(stream);
    client.settimeouts(this.timeouts[0], this.timeouts[1], this.timeouts[2]);
    return client;
  }

  /** Timeout for accept and, copied to every accepted client, for its operations. */
  settimeout(seconds?: number | null): 1 {
    const t = seconds === null || seconds === undefined || seconds < 0 ? undefined : seconds;
    this.timeouts = [t, t, t];
    return 1;
  }

  /** Copas' settimeouts, copied to every accepted client. */
  settimeouts(connect?: number | null, send?: number | null, read?: number | null): 1 {
    const n = (v?: number | null): number | undefined => (v === null || v === undefined || v < 0 ? undefined : v);
    this.timeouts = [n(connect), n(send), n(read)];
    return 1;
  }

  /** `[ip, port, family]` this server listens on. */
  getsockname(): [string, number, string] | [null, string] {
    const a = this.server.address();
    if (a === null || typeof a === 'string') return [null, 'closed'];
    return [a.address, a.port, a.family === 'IPv6' ? 'inet6' : 'inet'];
  }

  /** Stops listening; clients already accepted are not touched. */
  close(): 1 {
    if (!this.closedFlag) {
      this.closedFlag = true;
      this.server.close();
      for (const s of this.pending.splice(0)) s.destroy();
      if (this.acceptor !== null) kernel.resume(this.acceptor);
    }
    return 1;
  }

  /** True once closed. */
  get closed(): boolean {
    return this.closedFlag;
  }

  /** LuaSocket's tostring: 'tcp{server}: #id'. */
  toString(): string {
    return `tcp{server}: #${this.id}`;
  }
}
