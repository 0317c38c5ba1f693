/**
 * A server's topics: the subscription table, publishing with uWebSockets' semantics (through the fan-out:
 * one frame encoding per message, queued on every subscriber without waiting on any), broadcast as a publish
 * to the protocol's own topic, and, with `pubsub.redis`, the bridge that carries all of them to and from the
 * other processes.
 *
 * What travels between processes is named by a key: 't:' + topic for a user's topic, 'p:' + protocol for a
 * protocol's broadcast ('p:' alone for the default handler's clients), 'a:' for server.broadcast to every
 * client. The Redis channel is the prefix and the key (`copas-ts:t:chat`), so a user's topic can never be
 * taken for a protocol's.
 */
import { argError, checkOptions } from '../../util/args';
import { checkKnownKeys } from '../../util/options-check';
import { BINARY, TEXT } from '../core/opcodes';
import { checkOutgoing, payloadOf } from '../outgoing-message';
import { RedisBridge, type BridgeState, type BridgeStats } from '../pubsub/redis-bridge';
import { MAX_TOPIC_LENGTH, TopicRegistry } from '../pubsub/topic-registry';
import { fanOut, type FanOutPace } from './fan-out';
import type { ClientGroup, ServerConnection } from './server-connection';

/** `listen({ pubsub })`: share topics with other processes through a broker. */
export interface PubSubConfig {
  /** The Redis to share topics through: `'redis://host:port'` (also `rediss://`, user, password, `/db`). */
  redis: string;
  /** Prefix of the Redis channel names (default `'copas-ts:'`): topic `chat` is channel `copas-ts:chat`. */
  prefix?: string;
}

/** What `server.pubsub` tells about the link to Redis. */
export interface PubSubStatus {
  /** 'connecting' until Redis first answers, 'ready', 'down' during an outage, 'closed' after server.close(). */
  readonly state: BridgeState;
  /** Counters: published, dropped (Redis unreachable), received (from other processes), connects. */
  readonly stats: Readonly<BridgeStats>;
  /** Resolves once Redis is reachable and every topic subscribed there; rejects if the server closes first. */
  ready(): Promise<void>;
}

const PUBSUB_KEYS = ['redis', 'prefix'] as const;

/** Checks `listen`'s `pubsub` option. */
export function checkPubSubConfig(fn: string, value: unknown): PubSubConfig | undefined {
  if (value === undefined) return undefined;
  const c = checkOptions(fn, 'config.pubsub', value);
  checkKnownKeys(fn, 'config.pubsub', c, PUBSUB_KEYS);
  if (typeof c.redis !== 'string' || !/^rediss?:\/\//.test(c.redis)) throw argError(fn, 'config.pubsub.redis', "a URL 'redis://host:port'", c.redis);
  if (c.prefix !== undefined && typeof c.prefix !== 'string') throw argError(fn, 'config.pubsub.prefix', 'a string', c.prefix);
  return c as unknown as PubSubConfig;
}

/** Checks a topic name for subscribe, unsubscribe and publish. */
export function checkTopic(fn: string, topic: unknown): string {
  if (typeof topic !== 'string' || topic.length === 0 || topic.length > MAX_TOPIC_LENGTH) {
    throw argError(fn, 'topic', `a non-empty string of at most ${MAX_TOPIC_LENGTH} characters`, topic);
  }
  return topic;
}

const TOPIC = 't:';
const PROTOCOL = 'p:';
const ALL = 'a:';

/** Every connection of a group, this one last (lua-websockets' broadcast order). */
function* othersThenSelf(group: ClientGroup, self: ServerConnection): Generator<ServerConnection> {
  for (const c of group) if (c !== self) yield c;
  yield self;
}

function* allOf(groups: Map<string | null, ClientGroup>): Generator<ServerConnection> {
  for (const g of groups.values()) yield* g;
}

/** @internal one server's topics (see the module comment). */
export class ServerTopics {
  readonly registry = new TopicRegistry<ServerConnection>();
  readonly bridge: RedisBridge | null;

  /** `groups` is the server's clients by protocol; `protocols` every protocol it serves (null: the default handler). */
  constructor(pubsub: PubSubConfig | undefined, private readonly groups: Map<string | null, ClientGroup>,
    protocols: (string | null)[], onNotice: (message: string) => void) {
    this.bridge = pubsub === undefined ? null : new RedisBridge({
      url: pubsub.redis,
      prefix: pubsub.prefix ?? 'copas-ts:',
      onNotice,
      onMessage: (key, opcode, payload) => { this.deliver(key, payload, opcode); },
    });
    // a handful, fixed by the config: the bridge listens for broadcasts to them from the start
    if (this.bridge !== null) {
      this.bridge.subscribe(ALL);
      for (const p of protocols) this.bridge.subscribe(PROTOCOL + (p ?? ''));
    }
  }

  subscribe(conn: ServerConnection, topic: string): boolean {
    const r = this.registry.subscribe(conn, topic);
    if (r === 'first') this.bridge?.subscribe(TOPIC + topic);
    return r !== false;
  }

  unsubscribe(conn: ServerConnection, topic: string): boolean {
    const r = this.registry.unsubscribe(conn, topic);
    if (r === 'last') this.bridge?.unsubscribe(TOPIC + topic);
    return r !== false;
  }

  /** A connection closed: it leaves every topic. */
  leaveAll(conn: ServerConnection): void {
    const emptied = this.registry.leaveAll(conn);
    if (this.bridge !== null) for (const t of emptied) this.bridge.unsubscribe(TOPIC + t);
  }

  /** server.publish: to the topic's local subscribers at once, and to the other processes; returns the local count. */
  publish(topic: string, message: string | Uint8Array, opcode: number | undefined): number {
    return this.send('publish', TOPIC + topic, this.registry.subscribers(topic) ?? [], message, opcode);
  }

  /** ws.broadcast: a publish to the protocol's own topic; here, to the others of `self`'s group, then `self`. */
  broadcastFrom(self: ServerConnection, message: string | Uint8Array, opcode: number | undefined, pace: FanOutPace): number {
    return this.send('broadcast', PROTOCOL + (self.protocol ?? ''), othersThenSelf(self.group, self), message, opcode, pace);
  }

  /** server.broadcast: to a protocol's clients (null: the default handler's), or to every client. */
  broadcast(protocol: string | null | undefined, message: string | Uint8Array, opcode: number | undefined): number {
    if (protocol === undefined) return this.send('server.broadcast', ALL, allOf(this.groups), message, opcode);
    return this.send('server.broadcast', PROTOCOL + (protocol ?? ''), this.groups.get(protocol) ?? [], message, opcode);
  }

  private send(fn: string, key: string, local: Iterable<ServerConnection>, message: string | Uint8Array, opcode: number | undefined,
    pace?: FanOutPace): number {
    const n = fanOut(fn, local, message, opcode, undefined, pace); // checks the message and opcode
    const bridge = this.bridge;
    if (bridge !== null) {
      const op = checkOutgoing(fn, message, opcode);
      const data = payloadOf(message, op);
      bridge.publish(key, op, typeof data === 'string' ? Buffer.from(data) : Buffer.from(data.buffer, data.byteOffset, data.byteLength));
    }
    return n;
  }

  /** A message from another process, to the local recipients of its key. */
  private deliver(key: string, payload: Buffer, opcode: typeof TEXT | typeof BINARY): void {
    const kind = key.slice(0, 2);
    const name = key.slice(2);
    let local: Iterable<ServerConnection> | undefined;
    if (kind === TOPIC) local = this.registry.subscribers(name);
    else if (kind === PROTOCOL) local = this.groups.get(name === '' ? null : name);
    else if (kind === ALL) local = allOf(this.groups);
    if (local !== undefined) fanOut('publish', local, payload, opcode);
  }

  close(): void {
    this.bridge?.close();
  }
}
