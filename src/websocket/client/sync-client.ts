import * as path from 'node:path';
import { MessageChannel, Worker } from 'node:worker_threads';
import { kernel } from '../../scheduler';
import { argError } from '../../util/args';
import { BINARY, CLOSE_ABNORMAL, CLOSE_NORMAL, TEXT, checkCloseArguments } from '../core';
import type { WebSocketState, WsCloseResult, WsReceiveResult, WsSendResult } from '../connection';
import { checkClientOptions, type ClientOptions, type WsConnectResult } from './copas-client';
import { servedInThisThread } from '../../socket/bind';
import { parseWsUrl } from './ws-url';
import { DEAD, READY, SEQ, SyncChannel, type SyncReply, type SyncRequest } from './sync-channel';

/**
 * Extra seconds past an operation's own bound before the caller stops waiting for the worker, and the
 * allowance for the worker's start (loading the code, under ts-node when running from sources).
 */
const SAFETY_MARGIN = 5;
const STARTUP_ALLOWANCE = 60;

/**
 * The code run by the worker: loads sync-worker next to this module, registering ts-node first when this
 * module is the TypeScript source (jest, ts-node) and not the build in dist/. A failure to load marks the
 * worker dead so the caller never waits on it.
 */
const WORKER_STUB = `
const { workerData } = require('node:worker_threads');
try {
  if (workerData.tsNode !== null && !require.extensions['.ts']) {
    require(workerData.tsNode).register({ transpileOnly: true, projectSearchDir: workerData.dir });
  }
  require(workerData.file);
  for (const extra of workerData.extras) require(extra);
} catch (err) {
  const signal = new Int32Array(workerData.sab);
  try { workerData.port.postMessage({ id: -1, error: { name: err && err.name, message: String(err && err.message || err), stack: err && err.stack } }); } catch (e) {}
  Atomics.store(signal, ${DEAD}, 1);
  Atomics.add(signal, ${SEQ}, 1);
  Atomics.notify(signal, ${SEQ});
}
`;

/**
 * @internal Modules (absolute paths) that each new worker loads after its own, for specs that act inside
 * the worker (spec/support/sync-faults.ts). Empty unless a spec adds one.
 */
export const workerExtras: string[] = [];

/**
 * The worker shared by every sync client of this thread: each client is one CopasClient in it, each call one
 * copas task. One worker is enough because the calling thread is blocked during a call, so calls never overlap;
 * sharing it pays the worker's start (and ts-node's, from sources) once instead of per client.
 */
class SyncHost {
  readonly channel: SyncChannel;
  readonly worker: Worker;
  dead = false;
  private nextId = 1;
  private nextClient = 1;

  constructor() {
    const ext = path.extname(__filename);
    const file = path.join(__dirname, `sync-worker${ext}`);
    let tsNode: string | null = null;
    if (ext === '.ts') {
      try {
        tsNode = require.resolve('ts-node');
      } catch {
        throw new Error('websocket.client.sync: copas-ts runs from its TypeScript sources here, and its worker thread needs ts-node to load them (npm install ts-node), or use the build in dist/');
      }
    }
    const { port1, port2 } = new MessageChannel();
    const sab = SyncChannel.sharedMemory();
    this.channel = new SyncChannel(sab, port1);
    this.worker = new Worker(WORKER_STUB, {
      eval: true,
      execArgv: [],
      workerData: {
        syncClientWorker: true,
        sab,
        port: port2,
        file,
        dir: __dirname,
        tsNode,
        extras: [...workerExtras],
      },
      transferList: [port2],
    });
    // never keep the process alive: a script that forgets close() (or throws) still exits
    this.worker.unref();
    port1.unref();
    // the caller is usually blocked when these fire; they only matter for later calls
    this.worker.on('error', () => { this.markDead(); });
    this.worker.on('exit', () => { this.markDead(); });
  }

  get usable(): boolean {
    return !this.dead && Atomics.load(this.channel.signal, DEAD) === 0;
  }

  private markDead(): void {
    this.dead = true;
  }

  newClient(options: ClientOptions): number {
    const client = this.nextClient++;
    this.channel.request({ id: 0, op: 'new', client, args: [options] });
    return client;
  }

  /**
   * Sends a call and blocks until its reply, the worker's death, or `bound` seconds (Infinity = no bound
   * but death). Returns null when no reply came.
   */
  call(client: number, op: SyncRequest['op'], args: unknown[], bound: number): SyncReply | null {
    if (!this.usable) return null;
    const id = this.nextId++;
    const channel = this.channel;
    const signal = channel.signal;
    channel.request({ id, op, client, args });
    let deadline = performance.now() + bound * 1000;
    let booting = Atomics.load(signal, READY) === 0;
    if (booting) deadline += STARTUP_ALLOWANCE * 1000;
    for (;;) {
      const seen = Atomics.load(signal, SEQ);
      const r = channel.takeReply(id);
      if (r?.id === id) return r;
      if (r?.error !== undefined) this.markDead(); // its death notice
      if (Atomics.load(signal, DEAD) !== 0) { this.markDead(); return null; }
      if (booting && Atomics.load(signal, READY) !== 0) {
        booting = false;
        deadline = Math.min(deadline, performance.now() + bound * 1000);
      }
      const left = deadline - performance.now();
      if (left <= 0) {
        channel.retract();
        return null;
      }
      channel.waitReply(op, seen, Math.min(left, 1000));
    }
  }
}

let host: SyncHost | null = null;

function getHost(): SyncHost {
  if (host === null || !host.usable) host = new SyncHost();
  return host;
}

/** Tells the worker to drop the connection of a sync client that was garbage-collected. */
const finalizer = new FinalizationRegistry<{ host: SyncHost; client: number }>(({ host: h, client }) => {
  if (h.usable) h.channel.request({ id: 0, op: 'drop', client, args: [true] });
});

function notInTask(fn: string): void {
  if (kernel.current !== null) {
    throw new Error(`${fn}: the sync client blocks the thread and would freeze the copas scheduler; `
      + 'inside a copas task use websocket.client.copas (with yield*) instead');
  }
}

function rethrow(reply: SyncReply): never {
  const e = reply.error as { name: string; message: string; stack?: string };
  const err = e.name === 'TypeError' ? new TypeError(e.message) : e.name === 'RangeError' ? new RangeError(e.message) : new Error(e.message);
  throw err;
}

/**
 * The sync WebSocket client: the copas client's interface as plain calls that block the calling thread
 * until done (a worker thread runs the copas client; the caller waits for it, see sync-channel.ts). Same
 * tuples, same error strings, same argument errors.
 *
 * Lua: `local client = websocket.client.sync({timeout = 2}); local ok, err = client:connect(url, 'echo')`
 * TS:  `const client = websocket.client.sync({ timeout: 2 }); const [ok, err] = client.connect(url, 'echo')`
 *
 * Every call is bounded by `timeout` (as in the copas client); the wait itself is also bounded by that plus
 * a margin, so a dead or stuck worker yields a 'closed' tuple instead of a hang. Without `timeout`, calls wait
 * as long as the copas client would (receive: forever), unless the worker dies.
 */
export class SyncClient {
  /** CONNECTING, OPEN, CLOSING or CLOSED, as of the last call's return. */
  state: WebSocketState = 'CLOSED';
  private readonly host: SyncHost;
  private readonly id: number;
  private readonly timeout: number;
  private readonly closeTimeout: number;

  constructor(options: ClientOptions = {}) {
    notInTask('websocket.client.sync');
    const o = checkClientOptions('websocket.client.sync', options);
    this.timeout = o.timeout ?? Infinity;
    this.closeTimeout = o.closeTimeout ?? 3;
    this.host = getHost();
    this.id = this.host.newClient(o);
    finalizer.register(this, { host: this.host, client: this.id });
  }

  /** True while our close is sent and the peer's reply is awaited (lua-websockets' is_closing). */
  get is_closing(): boolean {
    return this.state === 'CLOSING';
  }

  /**
   * The round trip of the last keepalive PING in seconds (null before the first PONG or without keepalive).
   * The worker sends the PINGs and reads the PONGs while the caller is busy elsewhere; asking costs one call.
   */
  get latency(): number | null {
    return this.status()[0];
  }

  /** Bytes queued for the server that the kernel has not taken yet (asking costs one call to the worker). */
  get bufferedAmount(): number {
    return this.status()[1];
  }

  private status(): [number | null, number] {
    notInTask('latency');
    const r = this.call('status', [], SAFETY_MARGIN);
    return (r ?? [null, 0]) as [number | null, number];
  }

  /**
   * Opens the connection: `[true, protocol, headers]` or `[null, err]` ('wrong state', 'bad protocol: ...',
   * 'connection refused', 'timeout', 'Websocket Handshake failed: ...'). A malformed URL throws, and so does a URL served in this thread
   * (by a copas server this blocked thread could not run).
   */
  connect(url: string, protocol?: string | string[]): WsConnectResult {
    notInTask('connect');
    const parsed = parseWsUrl(url);
    if (protocol !== undefined && typeof protocol !== 'string' && !(Array.isArray(protocol) && protocol.every((p) => typeof p === 'string'))) {
      throw argError('connect', 'protocol', 'a string or a list of strings', protocol);
    }
    if (servedInThisThread(parsed.hostname, Number(parsed.port || (parsed.protocol === 'wss:' ? 443 : 80)))) {
      throw new Error(`connect: ${url} is served by a server in this same thread, and the sync client blocks this thread `
        + 'while it waits, so that server could never answer; use websocket.client.copas in a task (or await its connect), '
        + 'or run the server in another process or worker thread');
    }
    // socket connect and the handshake read are each bounded by timeout
    const r = this.call('connect', [url, protocol], 2 * this.timeout);
    return (r ?? [null, 'closed']) as WsConnectResult;
  }

  /**
   * Receives the next message: `[message, opcode]` (TEXT as string, BINARY as Buffer) or
   * `[null, null, was_clean, code, reason]`; a timeout gives `[null, null, false, 1006, 'timeout']`.
   */
  receive(): WsReceiveResult {
    notInTask('receive');
    const r = this.call('receive', [], this.timeout + 2 * this.closeTimeout);
    return (r ?? [null, null, false, CLOSE_ABNORMAL, 'closed']) as WsReceiveResult;
  }

  /** Sends a message (default TEXT): `[true]` or `[null, was_clean, code, reason]`. */
  send(message: string | Uint8Array, opcode?: number): WsSendResult {
    notInTask('send');
    if (typeof message !== 'string' && !(message instanceof Uint8Array)) {
      throw argError('send', 'message', 'a string or a Buffer', message);
    }
    if (opcode !== undefined && opcode !== TEXT && opcode !== BINARY) {
      throw argError('send', 'opcode', 'websocket.TEXT (1) or websocket.BINARY (2)', opcode);
    }
    const r = this.call('send', [message, opcode], this.timeout);
    return (r ?? [null, false, CLOSE_ABNORMAL, 'closed']) as WsSendResult;
  }

  /** Sends a PING (payload up to 125 bytes); the PONG is consumed by receive. Returns like send. */
  ping(data?: string | Uint8Array): WsSendResult {
    notInTask('ping');
    const r = this.call('ping', [data], this.timeout);
    return (r ?? [null, false, CLOSE_ABNORMAL, 'closed']) as WsSendResult;
  }

  /** Starts the closing handshake and waits for the reply: `[was_clean, code, reason]`. */
  close(code: number = CLOSE_NORMAL, reason = ''): WsCloseResult {
    notInTask('close');
    checkCloseArguments(code, reason);
    const r = this.call('close', [code, reason], this.timeout + 2 * this.closeTimeout);
    return (r ?? [false, CLOSE_ABNORMAL, 'closed']) as WsCloseResult;
  }

  private call(op: SyncRequest['op'], args: unknown[], bound: number): unknown[] | null {
    const reply = this.host.call(this.id, op, args, bound + SAFETY_MARGIN);
    if (reply === null) {
      // no answer in time (or the worker died): this connection is given up
      if (this.host.usable) this.host.channel.request({ id: 0, op: 'drop', client: this.id, args: [false] });
      this.state = 'CLOSED';
      return null;
    }
    if (reply.state !== undefined) this.state = reply.state;
    if (reply.error !== undefined) rethrow(reply);
    return reply.result as unknown[];
  }
}
