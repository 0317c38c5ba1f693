import { kernel } from './kernel';
import { WaitOn } from './observer';
import { trackResource } from './resources';
import { LETS_LOOP_FINISH, TIMED_OUT, type TaskGenerator } from './operation';
import type { Task } from './task';
import { DESTROYED, GRANTED, WaitList, WaitNode, type Destroyed } from './wait-list';
import { argError, optSeconds } from '../util/args';

const DEFAULT_TIMEOUT = 10;

/** @internal a task waiting in take(), with the resources it asked for. */
export class SemaWaiter extends WaitNode {
  constructor(task: Task, readonly requested: number) { super(task); }
}

let semaphoreCount = 0;

function checkAmount(fn: string, name: string, value: unknown): number {
  if (value === undefined || value === null) return 1;
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0) {
    throw argError(fn, name, 'a number of resources >= 0', value);
  }
  return value;
}

/**
 * A counting semaphore (Copas 4.11's copas.semaphore). Waiters are served strictly first in, first out: a
 * large request at the head of the line is not overtaken by smaller ones behind it.
 *
 * Lua: `local sema = copas.semaphore.new(10, 5, 1)`  ->  TS: `const sema = copas.semaphore.new(10, 5, 1)`
 */
export class Semaphore {
  /** The resources available now. */
  private count: number;
  /** True after destroy(): every method returns `[null, 'destroyed']`. */
  destroyed = false;
  /** @internal the tasks waiting in take(), first in line first (read by copas.status(true)). */
  readonly waiters: WaitList<SemaWaiter>;
  /** @internal the queue this semaphore counts the items of: its waiters then wait on that queue. */
  readonly reportAs: object | null;
  private readonly id = ++semaphoreCount;

  /** @internal use copas.semaphore.new */
  constructor(
    /** The most resources it holds. */
    readonly max: number,
    start: number,
    /** The default take() timeout in seconds. */
    readonly timeout: number,
    reportAs: object | null = null,
  ) {
    this.count = start;
    this.reportAs = reportAs;
    this.waiters = reportAs === null ? new WaitList(WaitOn.Semaphore, this) : new WaitList(WaitOn.Queue, reportAs);
    if (reportAs === null) trackResource(this);
  }

  /** The name status rows and traces use: `semaphore: #1`. */
  toString(): string { return `semaphore: #${this.id}`; }

  /**
   * Takes `requested` resources (default 1), waiting up to `timeout` seconds (default: the semaphore's
   * timeout; 0 = do not wait; Infinity = forever). Returns `[true]`, or `[null, err]` with err one of
   * 'too many' (more than max), 'timeout', 'destroyed'.
   *
   * Lua: `local ok, err = sema:take(3, 0.5)`  ->  TS: `const [ok, err] = yield* sema.take(3, 0.5)`
   */
  *take(requested?: number | null, timeout?: number | null): TaskGenerator<[true] | [null, 'too many' | 'timeout' | 'destroyed']> {
    const n = checkAmount('semaphore.take', 'requested', requested);
    const to = optSeconds('semaphore.take', 'timeout', timeout) ?? this.timeout;
    if (this.destroyed) return [null, 'destroyed'];
    if (this.waiters.length === 0 && this.count >= n) {
      this.count -= n;
      return [true];
    }
    if (n > this.max) return [null, 'too many'];
    if (to === 0) return [null, 'timeout'];
    const node = this.waiters.push(new SemaWaiter(kernel.currentOrThrow('semaphore.take'), n));
    let consumed = false;
    try {
      const r = yield* kernel.wait(to, LETS_LOOP_FINISH, this.waiters.on, this.waiters.target);
      consumed = true;
      if (r === TIMED_OUT) return [null, 'timeout'];
      if (r === DESTROYED || this.destroyed) return [null, 'destroyed']; // as in Copas, also when granted just before
      return [true];
    } finally {
      if (node.linked) {
        // timed out or removed while waiting: leave the line, and let those behind us try again
        const wasHead = this.waiters.head === node;
        this.waiters.remove(node);
        if (wasHead && !this.destroyed) this.dispatch();
      } else if (node.granted && !consumed) {
        // removed after the resources were handed over but before it ran: give them back
        this.count = Math.min(this.max, this.count + n);
        this.dispatch();
      }
    }
  }

  /**
   * Gives `given` resources back (default 1) and wakes waiters, first in first out. More than `max` is
   * capped at max and returns `[null, 'too many']`; otherwise `[true]`.
   *
   * Lua: `local ok, err = sema:give(4)`  ->  TS: `const [ok, err] = sema.give(4)`
   */
  give(given?: number | null): [true] | [null, 'too many' | 'destroyed'] {
    const n = checkAmount('semaphore.give', 'given', given);
    if (this.destroyed) return [null, 'destroyed'];
    let count = this.count + n;
    let tooMany = false;
    if (count > this.max) { count = this.max; tooMany = true; }
    this.count = count;
    this.dispatch();
    return tooMany ? [null, 'too many'] : [true];
  }

  /** Hands resources to the waiters at the head of the line while there are enough. */
  private dispatch(): void {
    for (let w = this.waiters.head; w !== null && this.count >= w.requested; w = this.waiters.head) {
      this.waiters.remove(w);
      this.count -= w.requested;
      w.granted = true;
      kernel.resume(w.task, GRANTED);
    }
  }

  /**
   * The resources available now: `[count]` (or `[null, 'destroyed']`).
   *
   * Lua: `local n = sema:get_count()`  ->  TS: `const [n] = sema.get_count()`
   */
  get_count(): [number] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    return [this.count];
  }

  /**
   * The shortage: resources requested by the waiting tasks minus those available, `[wait]`.
   *
   * Lua: `local w = sema:get_wait()`  ->  TS: `const [w] = sema.get_wait()`
   */
  get_wait(): [number] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    let wait = 0;
    for (let w = this.waiters.head; w !== null; w = w.next as SemaWaiter | null) wait += w.requested;
    return [wait - this.count];
  }

  /**
   * Destroys the semaphore: every waiting task returns `[null, 'destroyed']`, and so does every method
   * called afterwards. Returns `[true]`.
   *
   * Lua: `sema:destroy()`  ->  TS: `sema.destroy()`
   */
  destroy(): [true] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    this.destroyed = true;
    this.count = this.max;
    for (const w of this.waiters.drain()) kernel.resume(w.task, DESTROYED);
    return [true];
  }
}

/**
 * Creates a semaphore holding at most `max` resources, `start` of them available (default 0), with a default
 * take() timeout of `timeout` seconds (default 10; Infinity = wait forever).
 *
 * Lua: `local sema = copas.semaphore.new(10, 0, math.huge)`
 * TS:  `const sema = copas.semaphore.new(10, 0, Infinity)`
 */
function newSemaphore(max: number, start?: number | null, timeout?: number | null): Semaphore {
  if (typeof max !== 'number' || Number.isNaN(max) || max < 1) {
    throw argError('semaphore.new', 'max', 'a number of resources >= 1', max);
  }
  if (start !== undefined && start !== null && (typeof start !== 'number' || Number.isNaN(start))) {
    throw argError('semaphore.new', 'start', 'a number of resources', start);
  }
  const to = optSeconds('semaphore.new', 'timeout', timeout) ?? DEFAULT_TIMEOUT;
  return new Semaphore(max, start ?? 0, to);
}

/**
 * copas.semaphore: counting semaphores with FIFO waiters and timeouts.
 *
 * Lua: `local semaphore = require 'copas.semaphore'`  ->  TS: `const { semaphore } = copas`
 */
export const semaphore = {
  /** Creates a semaphore: `semaphore.new(max, start?, timeout?)`. */
  new: newSemaphore,
};
