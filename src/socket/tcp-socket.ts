import * as net from 'node:net';
import * as tls from 'node:tls';
// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { kernel } from '../scheduler/kernel';
import { WaitOn } from '../scheduler/observer';
import { KEEPS_LOOP_ALIVE, TIMED_OUT, type TaskGenerator } from '../scheduler/operation';
import { yieldTurn } from '../scheduler/sleep';
import { type Task } from '../scheduler/task';
import { argError, checkInteger, checkString } from '../util/args';
import { luaRange, toByteString, toBytes, type SocketData } from './data';
import { StreamPort } from './stream-port';
import { timeoutError } from './timeout-errors';
import { toNodeTls, type TlsParams } from './tls-params';

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

/** Copas' prefix for a TLS handshake that failed. */
const HANDSHAKE_FAILED = 'TLS/SSL handshake failed: ';
/** What LuaSocket answers a non-blocking connect still under way (Copas' connect timeout text, Linux). */
const CONNECT_IN_PROGRESS = 'Operation already in progress';

/**
 * A TCP client socket with LuaSocket's methods; the blocking ones are operations (`yield*`) that suspend
 * the task, never the process. What `socket.tcp()` returns, what `copas.addserver` hands to a handler, and
 * what `copas.wrap` makes ready for TLS.
 *
 * Lua: `local line, err, partial = skt:receive('*l')`
 * TS:  `const [line, err, partial] = yield* skt.receive('*l')`
 */
export class TcpSocket extends StreamPort {
  /** @internal LuaSec parameters from copas.wrap: connect() does the TLS handshake. */
  tlsParams: TlsParams | undefined = undefined;
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

  // ---- reading -----------------------------------------------------------------------------------------

  /**
   * LuaSocket's receive: `'*l'` a line without its CR/LF, `'*a'` everything until the peer closes, `n` bytes
   * (counting `prefix`). On timeout or close: `[null, err, partial]`, where partial includes `prefix` and
   * everything read so far (pass it back as `prefix` to go on). With a read timeout of 0 it is receivepartial,
   * as in Copas.
   */
  *receive(pattern: ReceivePattern = '*l', prefix = ''): TaskGenerator<ReceiveResult> {
    // Copas' wrapped receive: with a read timeout of 0 it is receivepartial (what came, waiting for ever)
    if (this.timeouts?.read === 0) return yield* this.receivepartial(pattern, prefix);
    const p = checkPattern('receive', pattern);
    if (typeof prefix !== 'string') throw argError('receive', 'prefix', 'a string', prefix);
    if (++this.hot >= HOT_LIMIT) { this.hot = 0; yield* yieldTurn(); } // fairness, see HOT_LIMIT
    const deadline = this.readDeadline();
    let waited = false;
    for (;;) {
      if (p !== 'a') {
        const whole = this.takeWhole(p, prefix);
        if (whole !== null) return [whole];
      } else if (this.eof || this.closedByUs || this.stream === null) {
        const all = toByteString(this.rx.takeAll());
        if (!waited && all.length > 0) return [prefix + all];
        return [null, 'closed', prefix + all];
      }
      const err = yield* this.waitInput(deadline);
      if (err !== null && !(p === 'a' && err === 'closed')) {
        const partial = prefix + toByteString(this.rx.takeAll());
        this.consumed();
        return [null, timeoutError(err, this.nativeTimeout('read')), partial];
      }
      waited = true;
    }
  }

  /**
   * Copas' receivepartial: returns the whole pattern when it is there, else as soon as any data came, as
   * LuaSocket's three returns `[null, 'timeout', partial]` (LuaSec's 'wantread' on TLS, whatever
   * useSocketTimeoutErrors says, as Copas passes LuaSocket's answer on). Pass partial back as `prefix`, or
   * use `data ?? partial`, as Copas' users write `res or part`.
   */
  *receivepartial(pattern: ReceivePattern = '*l', prefix = ''): TaskGenerator<ReceiveResult> {
    const p = checkPattern('receivepartial', pattern);
    if (typeof prefix !== 'string') throw argError('receivepartial', 'prefix', 'a string', prefix);
    if (++this.hot >= HOT_LIMIT) { this.hot = 0; yield* yieldTurn(); } // fairness, see HOT_LIMIT
    const deadline = this.readDeadline();
    for (;;) {
      if (p !== 'a') {
        const whole = this.takeWhole(p, prefix);
        if (whole !== null) return [whole];
      } else if (this.eof || this.closedByUs || this.stream === null) {
        const all = toByteString(this.rx.takeAll());
        return all.length > 0 ? [prefix + all] : [null, 'closed', prefix];
      }
      if (this.rx.length > 0) {
        const part = prefix + toByteString(this.rx.takeAll());
        this.consumed();
        return [null, this.nativeTimeout('read'), part];
      }
      const err = yield* this.waitInput(deadline);
      if (err !== null) return [null, timeoutError(err, this.nativeTimeout('read')), prefix];
    }
  }

  /** A whole line, or `n` bytes counting `prefix`, when buffered: taken and returned with prefix; else null. */
  private takeWhole(p: 'l' | number, prefix: string): string | null {
    if (p === 'l') {
      const at = this.rx.indexOf(10);
      if (at < 0) return null;
      const line = this.rx.take(at + 1);
      this.consumed();
      return prefix + stripLine(line);
    }
    const want = p - prefix.length;
    if (want <= 0) return prefix;
    if (this.rx.length < want) return null;
    const bytes = this.rx.take(want);
    this.consumed();
    return prefix + toByteString(bytes);
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
      if (e !== null) return [null, timeoutError(e, this.nativeTimeout('write')), from];
    }
    const err = yield* this.writeBuffers([from === 0 && to === bytes.length ? bytes : bytes.subarray(from, to)]);
    if (err !== null) return [null, timeoutError(err, this.nativeTimeout('write')), err === 'timeout' ? to : from];
    return [to];
  }

  /**
   * What LuaSocket / LuaSec answer Copas when this socket's operation would block: its timeout text under
   * copas.useSocketTimeoutErrors (LuaSec's 'wantread' / 'wantwrite' on TLS).
   */
  private nativeTimeout(op: 'read' | 'write'): string {
    if (!(this.stream instanceof tls.TLSSocket)) return 'timeout';
    return op === 'read' ? 'wantread' : 'wantwrite';
  }

  // ---- connecting --------------------------------------------------------------------------------------

  /**
   * Connects (with the TLS handshake when wrapped with TLS parameters). Returns `[1]` or `[null, err]` with
   * LuaSocket's strings ('connection refused', 'timeout', 'host not found', ...). A TLS handshake that fails
   * throws `TLS/SSL handshake failed: <LuaSec's reason>`, as Copas raises it (so a failed handshake cannot go
   * on unencrypted unnoticed); one that times out returns `[null, 'timeout']`.
   *
   * Lua: `local ok, err = skt:connect('localhost', 8080)`  ->  TS: `const [ok, err] = yield* skt.connect('localhost', 8080)`
   */
  *connect(host: string, port: number): TaskGenerator<OkResult> {
    const r = yield* this.open(host, port);
    if (r.length === 3) throw new Error(HANDSHAKE_FAILED + r[1]);
    return r;
  }

  /**
   * @internal connect() for the layers above (HTTP, WebSocket), which answer with their own error: a failed
   * TLS handshake is `[null, reason, true]` instead of an exception.
   */
  *open(host: string, port: number): TaskGenerator<OkResult | [null, string, true]> {
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
    const err = yield* this.waitConnected(stream, opts === null ? 'connect' : 'secureConnect', forCopas(this.timeouts?.connect));
    if (err !== null) {
      // past the TCP connect, a TLS stream's failure is its handshake's
      const inHandshake = opts !== null && !stream.connecting;
      this.detach()?.destroy();
      this.lostReason = null;
      this.eof = false;
      if (err === 'timeout') return [null, timeoutError(err, inHandshake ? 'wantread' : CONNECT_IN_PROGRESS)];
      return inHandshake ? [null, err, true] : [null, err];
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
      r = yield* kernel.wait(timeout, KEEPS_LOOP_ALIVE, WaitOn.Connect, this);
    } finally {
      this.connector = null;
      stream.off(event, onReady);
    }
    if (r === TIMED_OUT) return 'timeout';
    return (r as string | null) ?? null;
  }

  /**
   * Upgrades a connected socket to TLS (LuaSec's wrap + dohandshake), with `params` or those given to
   * copas.wrap. Returns `[this]`, or `[null, 'timeout']` when the connect timeout passes; a handshake that
   * fails closes the socket and throws `TLS/SSL handshake failed: <reason>`, as Copas does.
   *
   * Lua: `skt = copas.dohandshake(skt, params)`  ->  TS: `const [tlsSkt, err] = yield* skt.dohandshake(params)`
   */
  *dohandshake(params?: TlsParams): TaskGenerator<[TcpSocket] | [null, string]> {
    const given = params ?? this.tlsParams;
    if (given === undefined) throw new Error("cannot wrap socket into a secure socket (using 'ssl.wrap()') without parameters/context");
    const { server, options, sni } = toNodeTls('dohandshake', given);
    const plain = this.detach();
    if (plain === null) return [null, 'closed'];
    const secure = server
      ? new tls.TLSSocket(plain, {
        isServer: true, secureContext: tls.createSecureContext(options), requestCert: options.requestCert,
        rejectUnauthorized: options.rejectUnauthorized, SNICallback: sni,
      })
      : tls.connect({ socket: plain, ...options });
    this.attach(secure);
    const err = yield* this.waitConnected(secure, server ? 'secure' : 'secureConnect', forCopas(this.timeouts?.connect));
    if (err !== null) {
      this.close();
      if (err === 'timeout') return [null, timeoutError(err, 'wantread')];
      throw new Error(HANDSHAKE_FAILED + err);
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

  /**
   * The host name a TLS client sent (SNI), on the server's side: `[name]`, `[null]` when it sent none, or
   * `[null, 'not a tls socket']`. Lua: `local name = skt:getsniname()`.
   */
  getsniname(): [string] | [null] | [null, string] {
    const s = this.stream;
    if (!(s instanceof tls.TLSSocket)) return [null, 'not a tls socket'];
    const name = (s as tls.TLSSocket & { servername?: string | false }).servername;
    return typeof name === 'string' && name !== '' ? [name] : [null];
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

  /** LuaSocket's tostring: 'tcp{client}: #id'. */
  override toString(): string {
    if (this.nameBase !== null) return `${this.nameBase}:client_${this.nameIndex}`;
    return `tcp{${this.kind}}: #${this.id}`;
  }
}

/**
 * The name of a server's handler task, `base:handler_N`, made from its socket's name parts when asked for
 * (the task's socket must be set): servers keep no name string per connection.
 */
export function handlerTaskName(task: Task): string {
  const s = task.socket as TcpSocket;
  return `${s.nameBase ?? 'server'}:handler_${s.nameIndex}`;
}

/** Copas arms no timer for a timeout of 0 (copas.timeout(0) cancels): the operation waits for ever. */
function forCopas(t: number | undefined): number | undefined {
  return t === 0 ? undefined : t;
}

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
