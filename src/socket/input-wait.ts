// Straight from the modules, not the barrel: through it every use of kernel, SUSPENDED... is a re-export getter call.
import { kernel } from '../scheduler/kernel';
import { SUSPENDED, TIMED_OUT, type Instruction, type Operation } from '../scheduler/operation';
import { type Task } from '../scheduler/task';

/** What an InputWait needs of its socket. */
export interface InputSource {
  /** Parks the running task as the socket's reader until input, EOF or `deadline`; false when none can come. */
  parkReader(deadline: number | undefined): boolean;
  /** The reader's wait ended (resumed, timed out or cancelled). */
  unparkReader(): void;
}

/**
 * A socket reader's wait for input as a reusable operation: `yield* sock.waitInput(deadline)` gives null when
 * input came (or the stream ended: look again), 'closed' when none can come, 'timeout' when the deadline passed.
 *
 * It is a hand-written iterator, one per socket, not a generator per wait: a connection idling in
 * `ws.receive()` then holds no generator object and register file for the wait, which is most of what an
 * idle connection costs. `yield*` calls next() once to start (the waiter is not parked yet) and once when the
 * task is resumed (with TIMED_OUT or undefined); return()/throw() come when the task is cancelled.
 */
export class InputWait implements Operation<string | null>, Iterator<Instruction, string | null, unknown> {
  private waiter: Task | null = null;
  private deadline: number | undefined = undefined;
  /** In the last look after the deadline (see next); `looks` tells a stale look's callback from the current one. */
  private lastLook = false;
  private looks = 0;
  private readonly result: IteratorReturnResult<string | null> = { value: null, done: true };

  constructor(private readonly source: InputSource) {}

  /** Sets the deadline of the next wait; returns this for `yield*`. */
  arm(deadline: number | undefined): this {
    this.deadline = deadline;
    return this;
  }

  [Symbol.iterator](): this { return this; }

  next(resumed?: unknown): IteratorResult<Instruction, string | null> {
    const me = kernel.current;
    if (me === null || this.waiter !== me) {
      // parkReader throws if another task is already reading this socket; nothing here has changed yet
      if (!this.source.parkReader(this.deadline)) return this.done('closed');
      this.waiter = me;
      return SUSPENDED;
    }
    if (resumed === TIMED_OUT && !this.lastLook) {
      // Node runs due timers before it polls sockets, so input that reached the socket as the deadline passed
      // (a stalled loop, a busy machine) is not seen yet: look once more after a poll, as Copas calls
      // receive() again after its timer fired.
      this.source.unparkReader();
      if (!this.source.parkReader(undefined)) { this.end(); return this.done(null); }
      this.lastLook = true;
      const look = ++this.looks;
      setImmediate(() => { if (this.waiter === me && this.looks === look && this.lastLook) kernel.resume(me, TIMED_OUT); });
      return SUSPENDED;
    }
    this.end();
    return this.done(resumed === TIMED_OUT ? 'timeout' : null);
  }

  return(value?: unknown): IteratorResult<Instruction, string | null> {
    if (this.waiter !== null && this.waiter === kernel.current) this.end();
    return { value: value as string | null, done: true };
  }

  throw(err?: unknown): IteratorResult<Instruction, string | null> {
    if (this.waiter !== null && this.waiter === kernel.current) this.end();
    throw err;
  }

  private end(): void {
    this.waiter = null;
    this.lastLook = false;
    this.source.unparkReader();
  }

  private done(value: string | null): IteratorReturnResult<string | null> {
    const r = this.result;
    r.value = value;
    return r;
  }
}
