import * as net from 'node:net';
import * as tls from 'node:tls';
// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { gettime } from '../scheduler/clock';
import { kernel } from '../scheduler/kernel';
import { KEEPS_LOOP_ALIVE, TIMED_OUT, type Operation, type TaskGenerator } from '../scheduler/operation';
import { yieldTurn } from '../scheduler/sleep';
import { type Task } from '../scheduler/task';
import { WaitList } from '../scheduler/wait-list';
import { InputWait } from './input-wait';
import { argError, checkInteger, checkString } from '../util/args';
import { ChunkQueue } from '../util/chunk-queue';
import { luaRange, toByteString, toBytes, type SocketData } from './data';
import { luaSocketError } from './errors';
import { toNodeTls, type TlsParams } from './tls-params';

/** Unread bytes past which the Node stream is paused, so a slow reader stops the kernel from being drained. */
const HIGH_WATER = 256 * 1024;
/**
 * Socket operations in a row that complete without suspending before the task gives the turn (Copas pauses
 * at random in one call of ten), so a task reading or writing as fast as data flows cannot starve the others.
 */
const HOT_LIMIT = 16;

/** A receive pattern: a line, everything until close, or a number of bytes. */
export type ReceivePattern = '*l' | '*a' | 'l' | 'a' | number;

/** `[data]` on success, `[null, err, partial]` on failure (LuaSocket's three returns). */
export type ReceiveResult = [string] | [null, string, string];
/** `[lastIndexSent]` or `[null, err, lastIndexSent]`. */
export type SendResult = [number] | [null, string, number];
/** `[1]` or `[null, err]`. */
export type OkResult = [1] | [null, string];

let nextId = 1;

/**
 * A TCP client socket with LuaSocket's methods; the blocking ones are operations (`yield*`) that suspend
 * the task, never the process. What `socket.tcp()` returns, what `copas.addserver` hands to a handler, and
 * what `copas.wrap` makes ready for TLS.
 *
 * Lua: `local line, err, partial = skt:receive('*l')`
 * TS:  `const [line, err, partial] = yield* skt.receive('*l')`
 */
export class TcpSocket {
  /** @internal */
  stream: net.Socket | null = null;
  /** @internal LuaSec parameters from copas.wrap: connect() does the TLS handshake. */
  tlsParams: TlsParams | undefined = undefined;
  private readonly rx = new ChunkQueue();
  private eof = false;
  private closedByUs = false;
  private lostReason: string | null = null;
  private reader: Task | null = null;
  /** Tasks waiting for 'drain' (null until one waits). */
  private writers: WaitList | null = null;
  private inputWait: InputWait | null = null;
  private connector: Task | null = null;
  private paused = false;
  /** Operations since this socket last suspended a task (see HOT_LIMIT). */
  private hot = 0;
  /** settimeout(s) values in seconds (undefined = forever); null until set, as on most sockets. */
  private timeouts: { connect?: number; send?: number; read?: number } | null = null;
  private readonly id = nextId++;
  /** @internal a server's name for its clients, `base:client_N`, built only when asked for. */
  nameBase: string | null = null;
  /** @internal */
  nameIndex = 0;
  /** 'master' until connected (LuaSocket's tcp{master}), then 'client'. */
  kind: 'master' | 'client' = 'master';

  /** @internal wraps an accepted or given Node socket. */
  static fromStream(stream: net.Socket): TcpSocket {
    const s = new TcpSocket();
    s.attach(stream);
    s.kind = 'client';
    return s;
  }

  // ---- Node stream events ------------------------------------------------------------------------------

  /**
   * @internal stream 'data' (see the shared listeners below the class). `batched`: the stream is TLS, whose one
   * read can emit many records' data: a microtask tick then serves them all at once.
   */
  handleData(chunk: Buffer, batched: boolean): void {
    this.rx.push(chunk);
    if (this.rx.length >= HIGH_WATER && !this.paused && this.stream !== null) {
      this.paused = true;
      this.stream.pause();
    }
    if (this.reader === null) return;
    if (batched) kernel.resume(this.reader);
    else kernel.resumeFromIo(this.reader);
  }

  /** @internal stream 'end' */
  handleEnd(): void {
    this.eof = true;
    this.wakeAll();
  }

  /** @internal stream 'error' */
  handleError(err: Error): void {
    if (this.lostReason === null) this.lostReason = luaSocketError(err);
    if (this.connector !== null) kernel.resume(this.connector, this.lostReason);
  }

  /** @internal stream 'close' */
  handleClose(): void {
    this.eof = true;
    if (this.lostReason === null) this.lostReason = 'closed';
    this.wakeAll();
  }

  /** @internal stream 'drain' */
  handleDrain(): void {
    this.writers?.wakeAll();
  }

  /** @internal */
  attach(stream: net.Socket): void {
    this.stream = stream;
    (stream as OwnedStream)[OWNER] = this;
    // Decided once here, not per chunk: an instanceof walks the stream's prototype chain, cold between messages.
    stream.on('data', stream instanceof tls.TLSSocket ? onTlsData : onData);
    stream.on('end', onEnd);
    stream.on('error', onError);
    stream.on('close', onClose);
    if (this.writers !== null) stream.on('drain', onDrain); // see waitDrain
  }

  private detach(): net.Socket | null {
    const stream = this.stream;
    if (stream !== null) {
      stream.off('data', onData);
      stream.off('data', onTlsData);
      stream.off('end', onEnd);
      stream.off('close', onClose);
      stream.off('drain', onDrain);
      stream.off('error', onError);
      stream.on('error', ignore); // a late error on a stream we left must not crash the process
      (stream as OwnedStream)[OWNER] = undefined;
    }
    this.stream = null;
    return stream;
  }

  private wakeAll(): void {
    if (this.reader !== null) kernel.resume(this.reader);
    this.writers?.wakeAll();
    if (this.connector !== null) kernel.resume(this.connector, this.lostReason ?? 'closed');
  }

  /** True once closed by us, by the peer (fully), or by an error. */
  get closed(): boolean {
    return this.closedByUs || (this.lostReason !== null);
  }

  // ---- waiting -----------------------------------------------------------------------------------------

  /**
   * @internal Waits for more input: null when some came (look again), 'closed' when none can come, 'timeout'
   * when `deadline` (gettime() seconds) passed. One reusable operation per socket, no generator per wait.
   */
  waitInput(deadline: number | undefined): Operation<string | null> {
    return (this.inputWait ??= new InputWait(this)).arm(deadline);
  }

  /** @internal True while a task waits in waitInput (a WebSocket receive that will see the close reply). */
  get hasReader(): boolean {
    return this.reader !== null;
  }

  /** @internal (InputSource) registers the running task as this socket's reader and parks it. */
  parkReader(deadline: number | undefined): boolean {
    if (this.eof || this.closedByUs || this.stream === null) return false;
    if (this.reader !== null) throw new Error('receive: another task is already receiving on this socket');
    const task = kernel.currentOrThrow('receive');
    if (this.paused && this.stream !== null) { this.paused = false; this.stream.resume(); }
    this.hot = 0;
    this.reader = task;
    kernel.park(task, deadline === undefined ? undefined : Math.max(0, deadline - gettime()), KEEPS_LOOP_ALIVE);
    return true;
  }

  /** @internal (InputSource) the reader's wait ended. */
  unparkReader(): void {
    this.reader = null;
  }

  private readDeadline(): number | undefined {
    const t = this.timeouts?.read;
    return t === undefined ? undefined : gettime() + t;
  }

  private consumed(): void {
    if (this.paused && this.rx.length < HIGH_WATER / 2 && this.stream !== null) {
      this.paused = false;
      this.stream.resume();
    }
  }

  // ---- reading -----------------------------------------------------------------------------------------

  /**
   * LuaSocket's receive: `'*l'` a line without its CR/LF, `'*a'` everything until the peer closes, `n` bytes
   * (counting `prefix`). On timeout or close: `[null, err, partial]`, where partial includes `prefix` and
   * everything read so far (pass it back as `prefix` to go on).
   */
  *receive(pattern: ReceivePattern = '*l', prefix = ''): TaskGenerator<ReceiveResult> {
    const p = checkPattern('receive', pattern);
    if (typeof prefix !== 'string') throw argError('receive', 'prefix', 'a string', prefix);
    if (++this.hot >= HOT_LIMIT) { this.hot = 0; yield* yieldTurn(); } // fairness, see HOT_LIMIT
    const deadline = this.readDeadline();
    let waited = false;
    for (;;) {
      if (p === 'l') {
        const at = this.rx.indexOf(10);
        if (at >= 0) {
          const line = this.rx.take(at + 1);
          this.consumed();
          return [prefix + stripLine(line)];
        }
      } else if (p === 'a') {
        if (this.eof || this.closedByUs || this.stream === null) {
          const all = toByteString(this.rx.takeAll());
          if (!waited && all.length > 0) return [prefix + all];
          return [null, 'closed', prefix + all];
        }
      } else {
        const want = p - prefix.length;
        if (want <= 0) return [prefix];
        if (this.rx.length >= want) {
          const bytes = this.rx.take(want);
          this.consumed();
          return [prefix + toByteString(bytes)];
        }
      }
      const err = yield* this.waitInput(deadline);
      if (err !== null && !(p === 'a' && err === 'closed')) {
        const partial = prefix + toByteString(this.rx.takeAll());
        this.consumed();
        return [null, err, partial];
      }
      waited = true;
    }
  }

  /**
   * Copas' receivepartial: like receive, but returns as soon as some data is there (`n` = at most n bytes,
   * `'*a'` = whatever is buffered).
   */
  *receivepartial(pattern: ReceivePattern = '*l', prefix = ''): TaskGenerator<ReceiveResult> {
    const p = checkPattern('receivepartial', pattern);
    if (p === 'l') return yield* this.receive('*l', prefix);
    if (typeof prefix !== 'string') throw argError('receivepartial', 'prefix', 'a string', prefix);
    if (++this.hot >= HOT_LIMIT) { this.hot = 0; yield* yieldTurn(); } // fairness, see HOT_LIMIT
    const deadline = this.readDeadline();
    for (;;) {
      if (this.rx.length > 0) {
        const max = p === 'a' ? this.rx.length : Math.min(this.rx.length, p - prefix.length);
        const bytes = this.rx.take(Math.max(0, max));
        this.consumed();
        return [prefix + toByteString(bytes)];
      }
      const err = yield* this.waitInput(deadline);
      if (err !== null) return [null, err, prefix];
    }
  }

  /**
   * @internal For protocol layers: the next received bytes as they arrived (no copy), or a LuaSocket error
   * string ('closed', 'timeout') when none will come in time.
   */
  *readChunk(timeout?: number): TaskGenerator<Buffer | string> {
    const deadline = timeout === undefined ? this.readDeadline() : gettime() + timeout;
    for (;;) {
      const chunk = this.takeChunk();
      if (chunk !== undefined) return chunk;
      const err = yield* this.waitInput(deadline);
      if (err !== null) return err;
    }
  }

  /** @internal the next received chunk if one is buffered (no wait, no generator), else undefined. */
  takeChunk(): Buffer | undefined {
    const chunk = this.rx.shift();
    if (chunk !== undefined) this.consumed();
    return chunk;
  }

  /** @internal bytes received and not read yet. */
  get buffered(): number {
    return this.rx.length;
  }

  // ---- writing -----------------------------------------------------------------------------------------

  /**
   * LuaSocket's send: sends `data` from index i to j (1-based, inclusive, negatives from the end) and returns
   * `[j]`, or `[null, err, lastIndexSent]`. Waits while the peer does not read (no unbounded queue).
   */
  *send(data: SocketData, i?: number, j?: number): TaskGenerator<SendResult> {
    const bytes = toBytes('send', data);
    if (i !== undefined && (typeof i !== 'number' || !Number.isInteger(i))) throw argError('send', 'i', 'an integer index', i);
    if (j !== undefined && (typeof j !== 'number' || !Number.isInteger(j))) throw argError('send', 'j', 'an integer index', j);
    const [from, to] = luaRange(bytes.length, i, j);
    if (++this.hot >= HOT_LIMIT) { this.hot = 0; yield* yieldTurn(); } // fairness, see HOT_LIMIT
    if (this.stream !== null && this.stream.writableNeedDrain) {
      // an earlier send timed out with its bytes still queued: wait for them before queueing more
      const e = yield* this.waitDrain();
      if (e !== null) return [null, e, from];
    }
    const err = yield* this.writeBuffers([from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to)]);
    if (err !== null) return [null, err, err === 'timeout' ? to : from];
    return [to];
  }

  /**
   * @internal For protocol layers: writes buffers in one batch, then waits for 'drain' when Node's buffer is
   * over its mark. Returns null, or 'closed' / 'timeout'.
   */
  *writeBuffers(buffers: Buffer[]): TaskGenerator<string | null> {
    const r = this.write(buffers);
    if (r === null) return null;
    return r === 'drain' ? yield* this.waitDrain() : r;
  }

  /**
   * @internal writes buffers in one batch without waiting: null when Node took them under its mark,
   * 'drain' when the caller must `yield* waitDrain()` before writing more, 'closed' when it is closed.
   */
  write(buffers: Buffer[]): null | 'drain' | 'closed' {
    const stream = this.stream;
    if (stream === null || this.closedByUs || this.lostReason !== null || stream.writableEnded) return 'closed';
    // A tick's first write goes out at once (no delay for a lone reply); further writes in the same tick are
    // corked and leave together in one writev when the tick ends.
    if (this.lastWriteTick !== kernel.ticks) this.lastWriteTick = kernel.ticks;
    else if (this.corkedStream === null) this.corkUntilTickEnd(stream);
    const n = buffers.length;
    let ok = true;
    if (n === 1) {
      ok = stream.write(buffers[0]);
    } else {
      // Several buffers (a frame header and its payload) leave in one writev, not one write(2) each.
      const batch = this.corkedStream === null;
      if (batch) stream.cork();
      for (let i = 0; i < n; i++) ok = stream.write(buffers[i]);
      if (batch) stream.uncork();
    }
    // write() says false for any chunk over the mark, even one the kernel took at once: wait for 'drain' only
    // when bytes really stay queued, else a big message would cost a trip through the scheduler for nothing.
    return ok || stream.writableLength < stream.writableHighWaterMark ? null : 'drain';
  }

  /**
   * Writes stay corked until the end of the current macrotask, so the sends that tasks make on this socket
   * during one kernel tick leave in one writev instead of one write system call per message.
   */
  private corkUntilTickEnd(stream: net.Socket): void {
    this.corkedStream = stream;
    stream.cork();
    process.nextTick(uncorkAtTickEnd, this);
  }

  private lastWriteTick = -1;
  /** @internal the stream corked until the tick ends (see corkUntilTickEnd). */
  corkedStream: net.Socket | null = null;

  /** @internal writes without waiting (Node buffers it); for small control replies. Returns false if closed. */
  writeNow(buffers: Buffer[]): boolean {
    return this.write(buffers) !== 'closed';
  }

  /** @internal waits until Node's write buffer drained: null, or 'closed' / 'timeout'. */
  *waitDrain(): TaskGenerator<string | null> {
    const t = this.timeouts?.send;
    const deadline = t === undefined ? undefined : gettime() + t;
    while (this.stream !== null && this.stream.writableNeedDrain && !this.closed) {
      if (this.writers === null) {
        // The first wait for 'drain' subscribes to it: most sockets never wait, and save the listener.
        this.writers = new WaitList();
        this.stream.on('drain', onDrain);
      }
      // several tasks may write to one socket (broadcast): each waits for drain
      const r = yield* this.writers.wait('send', deadline === undefined ? undefined : Math.max(0, deadline - gettime()), KEEPS_LOOP_ALIVE);
      if (r === TIMED_OUT) return 'timeout';
    }
    return this.closed ? this.lostReason ?? 'closed' : null;
  }

  // ---- connecting --------------------------------------------------------------------------------------

  /**
   * Connects (with TLS when wrapped with TLS parameters). Returns `[1]` or `[null, err]` with LuaSocket's
   * strings ('connection refused', 'timeout', 'host not found', ...).
   *
   * Lua: `local ok, err = skt:connect('localhost', 8080)`  ->  TS: `const [ok, err] = yield* skt.connect('localhost', 8080)`
   */
  *connect(host: string, port: number): TaskGenerator<OkResult> {
    checkString('connect', 'host', host);
    checkInteger('connect', 'port', port, 1, 65535);
    if (this.closedByUs) return [null, 'closed'];
    if (this.stream !== null) return [null, 'already connected'];
    const opts = this.tlsParams === undefined ? null : toNodeTls('connect', { mode: 'client', ...this.tlsParams });
    const stream = opts === null
      ? net.connect({ host, port })
      : tls.connect({ host, port, servername: net.isIP(host) === 0 ? host : undefined, ...opts.options });
    stream.setNoDelay(true);
    this.attach(stream);
    const err = yield* this.waitConnected(stream, opts === null ? 'connect' : 'secureConnect', this.timeouts?.connect);
    if (err !== null) {
      this.detach()?.destroy();
      this.lostReason = null;
      this.eof = false;
      return [null, err];
    }
    this.kind = 'client';
    return [1];
  }

  private *waitConnected(stream: net.Socket, event: string, timeout: number | undefined): TaskGenerator<string | null> {
    const task = kernel.currentOrThrow('connect');
    const onReady = (): void => { kernel.resume(task, null); };
    stream.once(event, onReady);
    this.connector = task;
    let r: unknown;
    try {
      r = yield* kernel.wait(timeout, KEEPS_LOOP_ALIVE);
    } finally {
      this.connector = null;
      stream.off(event, onReady);
    }
    if (r === TIMED_OUT) return 'timeout';
    return (r as string | null) ?? null;
  }

  /**
   * Upgrades a connected socket to TLS (LuaSec's wrap + dohandshake). Returns `[this]` or `[null, err]`.
   *
   * Lua: `skt = copas.dohandshake(skt, params)`  ->  TS: `const [tlsSkt, err] = yield* skt.dohandshake(params)`
   */
  *dohandshake(params: TlsParams): TaskGenerator<[TcpSocket] | [null, string]> {
    const { server, options } = toNodeTls('dohandshake', params);
    const plain = this.detach();
    if (plain === null) return [null, 'closed'];
    const secure = server
      ? new tls.TLSSocket(plain, { isServer: true, secureContext: tls.createSecureContext(options), requestCert: options.requestCert, rejectUnauthorized: options.rejectUnauthorized })
      : tls.connect({ socket: plain, ...options });
    this.attach(secure);
    const err = yield* this.waitConnected(secure, server ? 'secure' : 'secureConnect', this.timeouts?.connect);
    if (err !== null) {
      this.close();
      return [null, err];
    }
    return [this];
  }

  // ---- options and state -------------------------------------------------------------------------------

  /**
   * Sets the timeout of every operation in seconds; null, undefined or negative = wait forever.
   * Lua: `skt:settimeout(5)`.
   */
  settimeout(seconds?: number | null, _mode?: string): 1 {
    const t = normTimeout('settimeout', 'seconds', seconds);
    this.timeouts = { connect: t, send: t, read: t };
    return 1;
  }

  /** Sets connect, send and read timeouts separately (Copas' settimeouts). */
  settimeouts(connect?: number | null, send?: number | null, read?: number | null): 1 {
    this.timeouts = {
      connect: normTimeout('settimeouts', 'connect', connect),
      send: normTimeout('settimeouts', 'send', send),
      read: normTimeout('settimeouts', 'read', read),
    };
    return 1;
  }

  /** `[ip, port, family]` of the peer, or `[null, err]`. */
  getpeername(): [string, number, string] | [null, string] {
    const s = this.stream;
    if (s === null || s.remoteAddress === undefined) return [null, 'closed'];
    return [s.remoteAddress, s.remotePort ?? 0, s.remoteFamily === 'IPv6' ? 'inet6' : 'inet'];
  }

  /** `[ip, port, family]` of this end, or `[null, err]`. */
  getsockname(): [string, number, string] | [null, string] {
    const s = this.stream;
    if (s === null || s.localAddress === undefined) return [null, 'closed'];
    return [s.localAddress, s.localPort ?? 0, s.localFamily === 'IPv6' ? 'inet6' : 'inet'];
  }

  /** LuaSocket's setoption: 'tcp-nodelay', 'keepalive', 'reuseaddr' (always on in Node), 'linger'. */
  setoption(name: string, value: unknown): OkResult {
    checkString('setoption', 'name', name);
    const s = this.stream;
    switch (name) {
      case 'tcp-nodelay':
        if (s !== null) s.setNoDelay(Boolean(value));
        return [1];
      case 'keepalive':
        if (s !== null) s.setKeepAlive(Boolean(value));
        return [1];
      case 'reuseaddr':
      case 'reuseport':
      case 'linger':
        return [1];
      default:
        throw argError('setoption', 'name', "'tcp-nodelay', 'keepalive', 'reuseaddr' or 'linger'", name);
    }
  }

  /** Shuts down one direction: 'send' (FIN to the peer), 'receive' or 'both'. */
  shutdown(how: 'both' | 'send' | 'receive' = 'both'): OkResult {
    if (how !== 'both' && how !== 'send' && how !== 'receive') throw argError('shutdown', 'how', "'both', 'send' or 'receive'", how);
    const s = this.stream;
    if (s === null) return [null, 'closed'];
    if (how === 'send' || how === 'both') s.end();
    if (how === 'receive' || how === 'both') { this.eof = true; s.pause(); this.wakeAll(); }
    return [1];
  }

  /**
   * Closes the socket: pending output is still flushed, and every task blocked on it is woken with 'closed'
   * at once. Lua: `skt:close()`.
   */
  close(): 1 {
    if (this.closedByUs) return 1;
    this.closedByUs = true;
    const stream = this.detach();
    if (stream !== null && !stream.destroyed) lingerClose(stream);
    this.wakeAll();
    return 1;
  }

  /** Drops the connection at once without flushing (for hostile peers and abrupt teardown). */
  destroy(): void {
    this.closedByUs = true;
    this.stream?.destroy();
    this.wakeAll();
  }

  /** LuaSocket's tostring: 'tcp{client}: #id'. */
  toString(): string {
    if (this.nameBase !== null) return `${this.nameBase}:client_${this.nameIndex}`;
    return `tcp{${this.kind}}: #${this.id}`;
  }
}

function ignore(): void { /* errors after close are of no interest */ }

/**
 * The name of a server's handler task, `base:handler_N`, made from its socket's name parts when asked for
 * (the task's socket must be set): servers keep no name string per connection.
 */
export function handlerTaskName(task: Task): string {
  const s = task.socket as TcpSocket;
  return `${s.nameBase ?? 'server'}:handler_${s.nameIndex}`;
}

/** How long a closed socket waits for the peer's FIN before it is destroyed (ms). */
const LINGER_MS = 3000;

/**
 * Closes gracefully: FIN after the queued bytes, then read and discard until the peer closes too. Destroying
 * a socket with unread input makes the kernel send RST, and a RST can throw away our last bytes (a WebSocket
 * CLOSE frame with its code) before the peer reads them; this is what a peer flooding us would see.
 */
function lingerClose(stream: net.Socket): void {
  const timer = setTimeout(() => stream.destroy(), LINGER_MS);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  stream.once('end', () => stream.destroy());
  stream.end();
  stream.resume(); // flowing with no 'data' listener: input is dropped as it comes
}

function uncorkAtTickEnd(skt: TcpSocket): void {
  const s = skt.corkedStream;
  skt.corkedStream = null;
  if (s !== null && s.writableCorked > 0) s.uncork();
}

/**
 * The stream listeners are shared by all sockets (Node calls them with the stream as `this`), and find their
 * TcpSocket through a symbol on the stream: no closures per connection, which matters with 10,000 idle ones.
 */
const OWNER = Symbol('copas-ts socket');
type OwnedStream = net.Socket & { [OWNER]?: TcpSocket };
function onData(this: OwnedStream, chunk: Buffer): void { this[OWNER]?.handleData(chunk, false); }
function onTlsData(this: OwnedStream, chunk: Buffer): void { this[OWNER]?.handleData(chunk, true); }
function onEnd(this: OwnedStream): void { this[OWNER]?.handleEnd(); }
function onError(this: OwnedStream, err: Error): void { this[OWNER]?.handleError(err); }
function onClose(this: OwnedStream): void { this[OWNER]?.handleClose(); }
function onDrain(this: OwnedStream): void { this[OWNER]?.handleDrain(); }

function normTimeout(fn: string, name: string, v: unknown): number | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'number' || Number.isNaN(v)) throw argError(fn, name, 'a number of seconds (or null for none)', v);
  return v < 0 ? undefined : v;
}

function checkPattern(fn: string, pattern: unknown): 'l' | 'a' | number {
  if (pattern === '*l' || pattern === 'l') return 'l';
  if (pattern === '*a' || pattern === 'a') return 'a';
  if (typeof pattern === 'number' && Number.isInteger(pattern) && pattern >= 0) return pattern;
  throw argError(fn, 'pattern', "'*l', '*a' or a non-negative integer", pattern);
}

/** A line without its LF and without any CR, as LuaSocket's '*l' returns it. */
function stripLine(line: Buffer): string {
  const s = toByteString(line.subarray(0, line.length - 1));
  return s.includes('\r') ? s.replace(/\r/g, '') : s;
}
