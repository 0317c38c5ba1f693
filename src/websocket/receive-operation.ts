// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { kernel } from '../scheduler/kernel';
import { SUSPENDED, TIMED_OUT, type Instruction, type Operation } from '../scheduler/operation';
import { type Task } from '../scheduler/task';
import type { WebSocketConnection, WsCloseResult, WsReceiveResult } from './connection';
import { CLOSE_ABNORMAL } from './core/close-codes';
import { BINARY, TEXT } from './core/opcodes';

/**
 * `ws.receive()` as a hand-written operation, one per connection, reused by every call.
 *
 * Why not a generator: a connection spends its life waiting in receive, and a suspended generator holds a
 * generator object and a register file (about 230 bytes) for the whole wait, on top of the handler's own.
 * This iterator holds a few fields and is made once; a receive that finds its message already buffered
 * completes in the first next() and allocates nothing but the result tuple.
 *
 * `yield*` drives it: next() once to start, once more each time the task is resumed (with TIMED_OUT when
 * the deadline passed); return()/throw() when the task is cancelled. The closing tail (a client waits for
 * the server's TCP close) is a generator of the connection's, driven from here while it runs.
 */
export class ReceiveOperation implements Operation<WsReceiveResult>, Iterator<Instruction, WsReceiveResult, unknown> {
  /** The task inside this operation (parked on the socket or in the closing tail), else null. */
  private owner: Task | null = null;
  private parked = false;
  private deadline: number | undefined = undefined;
  private closing: Iterator<Instruction, WsCloseResult, unknown> | null = null;

  constructor(private readonly conn: WebSocketConnection) {}

  /** Prepares one receive with its deadline (gettime() seconds, or undefined); returns this for `yield*`. */
  start(deadline: number | undefined): this {
    if (this.owner !== null && this.owner !== kernel.current) {
      throw new Error('receive: another task is already receiving on this connection');
    }
    this.deadline = deadline;
    return this;
  }

  [Symbol.iterator](): this { return this; }

  next(resumed?: unknown): IteratorResult<Instruction, WsReceiveResult> {
    if (this.closing !== null) return this.stepClosing(this.closing.next(resumed));
    if (this.parked) {
      this.unpark();
      if (resumed === TIMED_OUT) return this.done(this.conn.receiveTimedOut());
      const failure = this.conn.failure;
      if (failure !== null) return this.done([null, null, failure[0], failure[1], failure[2]]);
    }
    const conn = this.conn;
    let ended = false;
    for (;;) {
      const ev = conn.pollNext();
      if (ev === null) {
        if (conn.parkReader(this.deadline)) {
          this.owner = kernel.current;
          this.parked = true;
          return SUSPENDED;
        }
        // The stream ended and parkReader fed the EOF: the next poll reports the close (a guard against a
        // protocol that has nothing more to say).
        if (ended) return this.done([null, null, false, CLOSE_ABNORMAL, 'closed']);
        ended = true;
        continue;
      }
      if (ev.type === 'message') return this.done(ev.opcode === TEXT ? [ev.data, TEXT] : [ev.data, BINARY]);
      if (ev.type === 'close') {
        this.owner = kernel.current;
        this.closing = conn.finishClose(ev.wasClean, ev.code, ev.reason);
        return this.stepClosing(this.closing.next());
      }
      // a ping or pong: answered in pollNext, not returned
    }
  }

  return(value?: unknown): IteratorResult<Instruction, WsReceiveResult> {
    if (this.owner === kernel.current) {
      const closing = this.closing;
      this.release();
      closing?.return?.(undefined);
    }
    return { value: value as WsReceiveResult, done: true };
  }

  throw(err?: unknown): IteratorResult<Instruction, WsReceiveResult> {
    if (this.owner === kernel.current) {
      const closing = this.closing;
      this.release();
      closing?.return?.(undefined);
    }
    throw err;
  }

  private stepClosing(r: IteratorResult<Instruction, WsCloseResult>): IteratorResult<Instruction, WsReceiveResult> {
    if (r.done !== true) return r;
    this.closing = null;
    this.owner = null;
    const [wasClean, code, reason] = r.value;
    return this.done([null, null, wasClean, code, reason]);
  }

  private unpark(): void {
    this.parked = false;
    this.owner = null;
    this.conn.unparkReader();
  }

  private release(): void {
    if (this.parked) this.unpark();
    this.closing = null;
    this.owner = null;
  }

  private done(value: WsReceiveResult): IteratorReturnResult<WsReceiveResult> {
    // One result object for all connections: yield* reads it at once, and it must not keep a connection's
    // last message alive while the connection idles.
    RESULT.value = value;
    return RESULT;
  }
}

const RESULT: IteratorReturnResult<WsReceiveResult> = { value: [null, null, false, CLOSE_ABNORMAL, 'closed'], done: true };
