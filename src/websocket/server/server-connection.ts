import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import type { TaskGenerator } from '../../scheduler';
import { WebSocketConnection, type ConnectionOptions, type WsSendResult } from '../connection';

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
   * broadcast does. Returns this connection's send result.
   *
   * Lua: `ws:broadcast(message)`  ->  TS: `yield* ws.broadcast(message)`
   */
  *broadcast(message: string | Uint8Array, opcode?: number): TaskGenerator<WsSendResult> {
    for (const client of [...this.group]) {
      if (client !== this) yield* client.send(message, opcode);
    }
    return yield* this.send(message, opcode);
  }
}
