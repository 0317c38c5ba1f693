import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { completed, type Operation, type TaskGenerator } from '../../scheduler/operation';
import { WebSocketConnection, type ConnectionOptions, type WsSendResult } from '../connection';
import { afterIoTurn, fanOut, type FanOutPace } from './fan-out';

/** The clients of one protocol on one server, for broadcast. */
export type ClientGroup = Set<ServerConnection>;

/**
 * A connection a server handed to a protocol handler: the copas client's operations (no connect), plus
 * broadcast and what the request said.
 */
export class ServerConnection extends WebSocketConnection {
  /** The sub-protocol chosen (null when the default handler took a client that offered none we have). */
  readonly protocol: string | null;
  /** The request path with its query, e.g. '/chat?room=1'. */
  readonly path: string;
  /** The request headers, lower-cased names (Node's IncomingHttpHeaders). */
  readonly headers: IncomingHttpHeaders;
  /** The peer's address and port, read from the socket when first asked (idle connections keep no copy). */
  private peer: { address: string; port: number } | null = null;
  /** @internal */
  group: ClientGroup;

  /** @internal */
  constructor(req: IncomingMessage, protocol: string | null, group: ClientGroup, options: ConnectionOptions) {
    super(options);
    this.protocol = protocol;
    this.path = req.url ?? '/';
    this.headers = req.headers;
    this.group = group;
  }

  /** The peer's address ('' once unknown: the socket closed before anyone asked). */
  get remoteAddress(): string {
    return this.peerInfo().address;
  }

  /** The peer's port (0 once unknown). */
  get remotePort(): number {
    return this.peerInfo().port;
  }

  private peerInfo(): { address: string; port: number } {
    if (this.peer === null) {
      const s = this.sock?.stream;
      this.peer = { address: s?.remoteAddress ?? '', port: s?.remotePort ?? 0 };
    }
    return this.peer;
  }

  protected override closed(): void {
    this.peerInfo(); // the socket is still open here: remember who it was for a handler that asks later
    this.group.delete(this);
  }

  /**
   * Sends `message` to every other client of the same protocol, then to this one, as lua-websockets'
   * broadcast does, without waiting on any of them: each gets it queued, or its slow-client policy when
   * its queue is over maxBufferedAmount (see fan-out.ts). When a recipient within its bound has more than
   * Node's high-water mark queued, the caller gives the event loop one turn (never waits for a client), so
   * a relay reads its sender no faster than the sockets drain. Returns what a send on this connection returns.
   *
   * Lua: `ws:broadcast(message)`  ->  TS: `yield* ws.broadcast(message)`
   */
  broadcast(message: string | Uint8Array, opcode?: number): Operation<WsSendResult> {
    const pace: FanOutPace = { congested: false };
    fanOut('broadcast', othersThenSelf(this.group, this), message, opcode, undefined, pace);
    const result: WsSendResult = this.state === 'OPEN' ? [true] : [null, false, 1006, 'wrong state'];
    return pace.congested ? pacedResult(result) : completed(result);
  }
}

function* pacedResult(result: WsSendResult): TaskGenerator<WsSendResult> {
  yield* afterIoTurn();
  return result;
}

function* othersThenSelf(group: ClientGroup, self: ServerConnection): Generator<ServerConnection> {
  for (const c of group) if (c !== self) yield c;
  yield self;
}
