/**
 * Joins one server's topics to Redis pub/sub, through node-redis (`@redis/client`): a topic is the channel
 * `prefix + topic`; a process subscribes to a channel while it has a local subscriber to the topic, and
 * publishes every message there in an envelope that names the process, so its own echo is dropped (its local
 * subscribers were served at publish time: no Redis round trip, no duplicate).
 *
 * Order per publisher holds because each process publishes on one connection (Redis runs one connection's
 * commands in order) and receives on one connection (Redis delivers to it in order). Consecutive publishes to
 * one topic within a tick of Node's loop travel in one envelope (one PUBLISH): under load the Redis hop costs
 * a fraction of a command per message.
 *
 * The clients live on Node's event loop beside the scheduler: a message from Redis is handed to `onMessage`
 * from node-redis' socket callback, which writes frames without waiting, so no task ever waits on Redis and
 * Redis never waits on a task.
 *
 * Outages: both clients reconnect with a capped backoff; on every (re)connect the bridge subscribes again to
 * every topic it wants. While Redis is unreachable (also at start) publishes reach only this process's
 * subscribers and are counted in `stats.dropped`; messages other processes publish meanwhile are lost (Redis
 * pub/sub keeps nothing for a subscriber that is away). Nothing is queued while down, and little while Redis
 * is slow to answer (MAX_IN_FLIGHT_BYTES), so an outage costs bounded memory.
 */
import type * as RedisModule from '@redis/client';
import { BINARY, TEXT } from '../core/opcodes';
import { EnvelopeBuilder, newOrigin, openEnvelope, originOf } from './envelope';

type RedisClient = ReturnType<typeof RedisModule.createClient>;

let redisModule: typeof RedisModule | null = null;

/**
 * node-redis, loaded by the first bridge rather than with the library. Loaded, it adds about 3.5 MiB to the
 * old generation of every process. That put the bench's echo server where V8 starts incremental marking after
 * nearly every scavenge (the room left below its limit no larger than the young generation), and the full
 * collections halved 64 KiB echo (bench/results/websocket-ab-7d684fd.md). Servers without `pubsub` skip it.
 */
function redis(): typeof RedisModule {
  redisModule ??= require('@redis/client') as typeof RedisModule;
  return redisModule;
}

/** How the bridge is doing: 'connecting' until Redis first answers, 'down' during an outage, 'ready', 'closed'. */
export type BridgeState = 'connecting' | 'ready' | 'down' | 'closed';

/** Counters since the bridge started. */
export interface BridgeStats {
  /** Messages sent to Redis. */
  published: number;
  /** Publishes not sent to Redis because it was unreachable (they reached local subscribers only). */
  dropped: number;
  /** Messages from other processes handed to local subscribers. */
  received: number;
  /** Times the bridge has (re)connected and subscribed again. */
  connects: number;
  /** Bytes published to Redis and not yet acknowledged by it (what a slow Redis holds in this process). */
  pending: number;
}

/** What the bridge needs from its server. */
export interface BridgeOptions {
  /** `redis://host:port` (or `rediss://`, with user, password and database as node-redis reads them). */
  url: string;
  /** Channel name prefix for topics. */
  prefix: string;
  /** A message another process published to a topic this process subscribes to. */
  onMessage: (topic: string, opcode: typeof TEXT | typeof BINARY, payload: Buffer) => void;
  /** A change worth telling the operator (Redis unreachable, back again). */
  onNotice: (message: string) => void;
}

/**
 * Bytes of envelopes sent and not yet answered, at most: past it (Redis stalled but connected) publishes are
 * dropped rather than queued, so a stalled Redis costs bounded memory. A burst of small publishes to many
 * topics in one tick is thousands of commands: the bound is on bytes, not commands.
 */
const MAX_IN_FLIGHT_BYTES = 16 * 1024 * 1024;
/** An envelope is sent once it holds this many bytes, without waiting for the tick's end. */
const MAX_ENVELOPE = 16 * 1024;
/** Milliseconds without a byte from Redis (pings go every third of it) before the connection is dropped and remade. */
const SILENT_MS = 15000;

/** Milliseconds before reconnect attempt `n`: doubling from 50 ms to 2 s, with jitter so workers spread out. */
function backoff(retries: number): number {
  return Math.min(50 * 2 ** Math.min(retries, 6), 2000) * (0.75 + Math.random() * 0.5);
}

/** One server's link to Redis (see the module comment). */
export class RedisBridge {
  /** This process's id in envelopes. */
  readonly origin = newOrigin();
  /** See BridgeStats. */
  readonly stats: BridgeStats = { published: 0, dropped: 0, received: 0, connects: 0, pending: 0 };
  private readonly sub: RedisClient;
  private readonly pub: RedisClient;
  private readonly wanted = new Set<string>();
  private readonly prefixBytes: number;
  private stateNow: BridgeState = 'connecting';
  private subReady = false;
  private pubReady = false;
  private lastProblem = '';
  /** SUBSCRIBEs sent and not yet acknowledged: ready() waits for them. */
  private subscribing = 0;
  private readyWaiters: { resolve: () => void; reject: (err: Error) => void }[] = [];

  private readonly listener = (raw: Buffer, channel: Buffer): void => {
    const topic = channel.toString('utf8', this.prefixBytes);
    if (!this.wanted.has(topic)) return; // an unsubscribe still on its way
    const origin = originOf(raw);
    if (origin !== null && origin.equals(this.origin)) return;
    const { messages } = openEnvelope(raw);
    this.stats.received += messages.length;
    for (const m of messages) this.options.onMessage(topic, m.opcode, m.payload);
  };

  /**
   * The envelope being filled: consecutive publishes to one topic in one tick share it (one PUBLISH for all).
   * A publish to another topic sends it first, so Redis sees every publish of this process in order.
   */
  private batch: EnvelopeBuilder | null = null;
  private batchTopic = '';
  private flushQueued = false;
  private readonly flush = (): void => {
    this.flushQueued = false;
    this.sendBatch();
  };

  constructor(private readonly options: BridgeOptions) {
    this.prefixBytes = Buffer.byteLength(options.prefix);
    const { createClient } = redis();
    const make = (): RedisClient => createClient({
      url: options.url,
      RESP: 2, // any Redis from 2.x on; pub/sub needs nothing of RESP3
      disableOfflineQueue: true, // never buffer while Redis is away (see the module comment)
      // no timer per command (node-redis' default makes an AbortSignal.timeout for each, tens of µs a publish):
      // MAX_IN_FLIGHT_BYTES and the silence check below already bound what a stalled Redis costs
      commandOptions: { timeout: 0 },
      // a Redis that vanished without a reset (a dead host, a dropped route) is noticed within SILENT_MS
      pingInterval: SILENT_MS / 3,
      socket: { reconnectStrategy: backoff, connectTimeout: 5000, socketTimeout: SILENT_MS },
    });
    this.sub = make();
    this.pub = make();
    this.watch(this.sub, 'sub');
    this.watch(this.pub, 'pub');
    // connect() keeps retrying through reconnectStrategy; its promise settles on the first success or on close
    this.sub.connect().catch(() => undefined);
    this.pub.connect().catch(() => undefined);
  }

  /** See BridgeState. */
  get state(): BridgeState {
    return this.stateNow;
  }

  /** Resolves once both connections are up and every wanted topic is subscribed (now, if they already are). */
  ready(): Promise<void> {
    if (this.stateNow === 'ready' && this.subscribing === 0) return Promise.resolve();
    if (this.stateNow === 'closed') return Promise.reject(new Error('pubsub: the Redis bridge is closed'));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  private watch(client: RedisClient, which: 'sub' | 'pub'): void {
    // node-redis emits 'error' for every failed attempt and retries by itself: report each change of cause once
    client.on('error', (err: Error) => {
      if (this.stateNow === 'closed') return;
      const problem = `${err.message}`;
      this.setReady(which, false);
      if (problem !== this.lastProblem) {
        this.lastProblem = problem;
        this.options.onNotice(`pubsub: Redis at ${this.options.url} unreachable (${problem}); serving local subscribers only, retrying`);
      }
    });
    client.on('ready', () => {
      if (this.stateNow === 'closed') return;
      if (which === 'sub') this.resubscribe();
      else this.setReady('pub', true);
    });
  }

  private resubscribe(): void {
    const topics = [...this.wanted];
    const done = (): void => {
      // topics wanted (or left) while this SUBSCRIBE was on its way were only noted (subReady was false):
      // sent now, before ready() can resolve
      const sent = new Set(topics);
      for (const t of this.wanted) if (!sent.has(t)) this.sendSubscribe(t, 0);
      for (const t of topics) if (!this.wanted.has(t)) this.sub.unsubscribe(this.options.prefix + t, this.listener, true).catch(() => undefined);
      this.setReady('sub', true);
    };
    if (topics.length === 0) { done(); return; }
    this.sub.subscribe(topics.map((t) => this.options.prefix + t), this.listener, true).then(done, () => undefined);
  }

  private setReady(which: 'sub' | 'pub', up: boolean): void {
    if (which === 'sub') this.subReady = up; else this.pubReady = up;
    const next: BridgeState = this.subReady && this.pubReady ? 'ready' : this.stateNow === 'connecting' ? 'connecting' : 'down';
    if (next === this.stateNow) return;
    const wasDown = this.lastProblem !== '';
    this.stateNow = next;
    if (next !== 'ready') return;
    this.stats.connects++;
    if (wasDown) this.options.onNotice(`pubsub: Redis at ${this.options.url} reachable again`);
    this.lastProblem = '';
    this.wakeReady();
  }

  private wakeReady(): void {
    if (this.stateNow !== 'ready' || this.subscribing > 0 || this.readyWaiters.length === 0) return;
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.resolve();
  }

  /** The first local subscriber of `topic` came: subscribe to its channel (now, or at the next connect). */
  subscribe(topic: string): void {
    this.wanted.add(topic);
    if (this.subReady) this.sendSubscribe(topic, 0);
  }

  private sendSubscribe(topic: string, attempt: number): void {
    this.subscribing++;
    const settled = (): void => { this.subscribing--; this.wakeReady(); };
    this.sub.subscribe(this.options.prefix + topic, this.listener, true).then(settled, (err: Error) => {
      // the connection went away under it: the next 'ready' subscribes to every wanted topic; if it is still
      // up, the command itself failed (an ACL, say): said once, then tried again with the reconnect backoff
      if (this.stillWants(topic)) {
        if (attempt === 0) this.options.onNotice(`pubsub: SUBSCRIBE ${this.options.prefix + topic} failed (${err.message}); retrying`);
        setTimeout(() => { if (this.stillWants(topic)) this.sendSubscribe(topic, attempt + 1); }, backoff(attempt)).unref();
      }
      settled();
    });
  }

  /** A failed SUBSCRIBE of `topic` is worth trying again: the bridge is open, connected, and still wants it. */
  private stillWants(topic: string): boolean {
    return this.subReady && this.wanted.has(topic) && this.stateNow !== 'closed';
  }

  /** The last local subscriber of `topic` left. */
  unsubscribe(topic: string): void {
    this.wanted.delete(topic);
    if (this.subReady) this.sub.unsubscribe(this.options.prefix + topic, this.listener, true).catch(() => undefined);
  }

  /**
   * Sends a message to the other processes, in an envelope with the publishes to the same topic that follow
   * it in this tick. False (and counted as dropped) while Redis is unreachable. `payload` is read when the
   * envelope is sealed (at the latest when the tick ends): the caller must not change it before.
   */
  publish(topic: string, opcode: typeof TEXT | typeof BINARY, payload: Buffer): boolean {
    if (!this.pubReady) {
      this.stats.dropped++;
      return false;
    }
    if (this.batch !== null && this.batchTopic !== topic) this.sendBatch();
    if (this.batch === null) {
      this.batch = new EnvelopeBuilder(this.origin);
      this.batchTopic = topic;
    }
    this.batch.add(opcode, payload);
    if (this.batch.size >= MAX_ENVELOPE) {
      this.sendBatch();
    } else if (!this.flushQueued) {
      this.flushQueued = true;
      process.nextTick(this.flush);
    }
    return true;
  }

  private sendBatch(): void {
    const b = this.batch;
    if (b === null) return;
    this.batch = null;
    const n = b.count;
    const bytes = b.size;
    const stats = this.stats;
    if (!this.pubReady || stats.pending + bytes > MAX_IN_FLIGHT_BYTES) {
      stats.dropped += n;
      return;
    }
    stats.published += n;
    stats.pending += bytes;
    this.pub.publish(this.options.prefix + this.batchTopic, b.seal()).then(() => {
      stats.pending -= bytes;
    }, () => {
      stats.pending -= bytes;
      stats.published -= n;
      stats.dropped += n;
    });
  }

  /** Disconnects both clients (their sockets no longer keep the process alive). */
  close(): void {
    if (this.stateNow === 'closed') return;
    this.stateNow = 'closed';
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const w of waiters) w.reject(new Error('pubsub: the Redis bridge closed before Redis was reachable'));
    this.sub.destroy();
    this.pub.destroy();
  }
}
