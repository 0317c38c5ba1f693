import * as net from 'node:net';
import * as tls from 'node:tls';
// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { gettime } from '../scheduler/clock';
import { kernel } from '../scheduler/kernel';
import { WaitOn } from '../scheduler/observer';
import { KEEPS_LOOP_ALIVE, TIMED_OUT, type Operation, type TaskGenerator } from '../scheduler/operation';
import { type Task } from '../scheduler/task';
import { WaitList } from '../scheduler/wait-list';
import { InputWait } from './input-wait';
import { ChunkQueue } from '../util/chunk-queue';
import { luaSocketError } from './errors';

/** Unread bytes past which the Node stream is paused, so a slow reader stops the kernel from being drained. */
const HIGH_WATER = 256 * 1024;

/** A socket's timeouts in seconds (undefined = forever), as settimeout / settimeouts set them. */
export interface SocketTimeouts { connect?: number; send?: number; read?: number }

/**
 * The stream port: one Node stream seen from tasks, what the WebSocket layer reads and writes through.
 * Input is kept as the chunks Node delivered (no copy) and the stream is paused past HIGH_WATER unread bytes;
 * one task at a time parks as the reader; writes go out at once, later writes of the same tick are corked into
 * one writev, and writers over Node's mark wait for 'drain'. Every task blocked on it is woken when it closes.
 * TcpSocket adds LuaSocket's methods on top.
 */
export class StreamPort {
  /** @internal */
  stream: net.Socket | null = null;
  protected readonly rx = new ChunkQueue();
  protected eof = false;
  protected closedByUs = false;
  protected lostReason: string | null = null;
  private reader: Task | null = null;
  /** Tasks waiting for 'drain' (null until one waits). */
  private writers: WaitList | null = null;
  private inputWait: InputWait | null = null;
  /** The task in connect() or dohandshake(), woken with the error when the stream fails. */
  protected connector: Task | null = null;
  private paused = false;
  /** Operations since this socket last suspended a task (TcpSocket gives the turn when it grows: HOT_LIMIT). */
  protected hot = 0;
  /** settimeout(s) values; null until set, as on most sockets. */
  protected timeouts: SocketTimeouts | null = null;

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

  protected detach(): net.Socket | null {
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

  protected wakeAll(): void {
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
    kernel.park(task, deadline === undefined ? undefined : Math.max(0, deadline - gettime()), KEEPS_LOOP_ALIVE, WaitOn.Read, this);
    return true;
  }

  /** @internal (InputSource) the reader's wait ended. */
  unparkReader(): void {
    this.reader = null;
  }

  /** The read deadline; a timeout of 0 is none, as Copas arms no timer for it (copas.timeout(0) cancels). */
  protected readDeadline(): number | undefined {
    const t = this.timeouts?.read;
    return t === undefined || t === 0 ? undefined : gettime() + t;
  }

  protected consumed(): void {
    if (this.paused && this.rx.length < HIGH_WATER / 2 && this.stream !== null) {
      this.paused = false;
      this.stream.resume();
    }
  }
  // ---- reading -----------------------------------------------------------------------------------------

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
    const deadline = t === undefined || t === 0 ? undefined : gettime() + t; // 0: none, as readDeadline
    while (this.stream !== null && this.stream.writableNeedDrain && !this.closed) {
      if (this.writers === null) {
        // The first wait for 'drain' subscribes to it: most sockets never wait, and save the listener.
        this.writers = new WaitList(WaitOn.Write, this);
        this.stream.on('drain', onDrain);
      }
      // several tasks may write to one socket (broadcast): each waits for drain
      const r = yield* this.writers.wait('send', deadline === undefined ? undefined : Math.max(0, deadline - gettime()), KEEPS_LOOP_ALIVE);
      if (r === TIMED_OUT) return 'timeout';
    }
    return this.closed ? this.lostReason ?? 'closed' : null;
  }

  // ---- closing -----------------------------------------------------------------------------------------

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

}

function ignore(): void { /* errors after close are of no interest */ }

/** How long a closed socket waits for the peer's FIN before it is destroyed (ms). */
const PEER_FIN_TIMEOUT_MS = 3000;

/**
 * Closes gracefully: FIN after the queued bytes, then read and discard until the peer closes too. Destroying
 * a socket with unread input makes the kernel send RST, and a RST can throw away our last bytes (a WebSocket
 * CLOSE frame with its code) before the peer reads them; this is what a peer flooding us would see.
 */
function lingerClose(stream: net.Socket): void {
  const timer = setTimeout(() => stream.destroy(), PEER_FIN_TIMEOUT_MS);
  timer.unref();
  stream.once('close', () => clearTimeout(timer));
  stream.once('end', () => stream.destroy());
  stream.end();
  stream.resume(); // flowing with no 'data' listener: input is dropped as it comes
}

function uncorkAtTickEnd(skt: StreamPort): void {
  const s = skt.corkedStream;
  skt.corkedStream = null;
  if (s !== null && s.writableCorked > 0) s.uncork();
}

/**
 * The stream listeners are shared by all sockets (Node calls them with the stream as `this`), and find their
 * StreamPort through a symbol on the stream: no closures per connection, which matters with 10,000 idle ones.
 */
const OWNER = Symbol('copas-ts socket');
type OwnedStream = net.Socket & { [OWNER]?: StreamPort };
function onData(this: OwnedStream, chunk: Buffer): void { this[OWNER]?.handleData(chunk, false); }
function onTlsData(this: OwnedStream, chunk: Buffer): void { this[OWNER]?.handleData(chunk, true); }
function onEnd(this: OwnedStream): void { this[OWNER]?.handleEnd(); }
function onError(this: OwnedStream, err: Error): void { this[OWNER]?.handleError(err); }
function onClose(this: OwnedStream): void { this[OWNER]?.handleClose(); }
function onDrain(this: OwnedStream): void { this[OWNER]?.handleDrain(); }
