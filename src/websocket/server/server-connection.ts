import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { completed, type Operation, type TaskGenerator } from '../../scheduler/operation';
import { WebSocketConnection, type ConnectionOptions, type WsSendResult } from '../connection';
import { CLOSE_ABNORMAL } from '../core/close-codes';
import { afterIoTurn, type FanOutPace } from './fan-out';
import { checkTopic, type ServerTopics } from './server-topics';

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
  private readonly hub: ServerTopics;

  /** @internal */
  constructor(req: IncomingMessage, protocol: string | null, group: ClientGroup, hub: ServerTopics, options: ConnectionOptions) {
    super(options);
    this.protocol = protocol;
    this.path = req.url ?? '/';
    this.headers = req.headers;
    this.group = group;
    this.hub = hub;
  }

  /**
   * Subscribes this connection to `topic` (uWebSockets' ws.subscribe): every `server.publish(topic, ...)`
   * from then on reaches it once, in any process sharing the server's `pubsub`. Returns false if it already
   * was subscribed or the connection is not open. A closed connection leaves its topics by itself.
   *
   * TS only (lua-websockets has no topics): `ws.subscribe('room/42')`
   */
  subscribe(topic: string): boolean {
    checkTopic('subscribe', topic);
    if (this.state !== 'OPEN') return false;
    return this.hub.subscribe(this, topic);
  }

  /** Unsubscribes this connection from `topic`; false if it was not subscribed. `ws.unsubscribe('room/42')` */
  unsubscribe(topic: string): boolean {
    checkTopic('unsubscribe', topic);
    return this.hub.unsubscribe(this, topic);
  }

  /** The topics this connection is subscribed to, in the order it subscribed (a copy). */
  get topics(): string[] {
    return this.hub.registry.topicsOf(this);
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
    this.hub.leaveAll(this);
  }

  /**
   * Sends `message` to every other client of the same protocol, then to this one, as lua-websockets'
   * broadcast does, without waiting on any of them: each gets it queued, or its slow-client policy when
   * its queue is over maxBufferedAmount (see fan-out.ts). When a recipient within its bound has more than
   * Node's high-water mark queued, the caller gives the event loop one turn (never waits for a client), so
   * a relay reads its sender no faster than the sockets drain. It is a publish to the protocol's own topic,
   * so with `pubsub` it also reaches the protocol's clients in every other process. Returns what a send on
   * this connection returns.
   *
   * Lua: `ws:broadcast(message)`  ->  TS: `yield* ws.broadcast(message)`
   */
  broadcast(message: string | Uint8Array, opcode?: number): Operation<WsSendResult> {
    const pace: FanOutPace = { congested: false, now: -1 };
    this.hub.broadcastFrom(this, message, opcode, pace);
    const result: WsSendResult = this.state === 'OPEN' ? [true] : [null, false, CLOSE_ABNORMAL, 'wrong state'];
    return pace.congested ? pacedResult(result) : completed(result);
  }
}

function* pacedResult(result: WsSendResult): TaskGenerator<WsSendResult> {
  yield* afterIoTurn();
  return result;
}
