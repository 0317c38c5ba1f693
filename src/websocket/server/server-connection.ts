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
  /** The peer's address and port. */
  readonly remoteAddress: string;
  readonly remotePort: number;
  /** @internal */
  group: ClientGroup;

  /** @internal */
  constructor(req: IncomingMessage, protocol: string | null, group: ClientGroup, options: ConnectionOptions) {
    super(options);
    this.protocol = protocol;
    this.path = req.url ?? '/';
    this.headers = req.headers;
    this.remoteAddress = req.socket.remoteAddress ?? '';
    this.remotePort = req.socket.remotePort ?? 0;
    this.group = group;
  }

  protected override closed(): void {
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
