import { gettime } from './clock';
import { kernel } from './kernel';
import { WaitOn } from './observer';
import { trackResource } from './resources';
import { LETS_LOOP_FINISH, TIMED_OUT, type TaskGenerator } from './operation';
import type { Task } from './task';
import { DESTROYED, WaitList, WaitNode, type Destroyed } from './wait-list';
import { optSeconds } from '../util/args';

const DEFAULT_TIMEOUT = 10;
let lockCount = 0;

/** What lock.get returns: `[waitSeconds]` on success, `[null, err, waitSeconds]` on failure. */
export type LockGetResult = [number] | [null, 'timeout' | 'destroyed', number] | [null, 'destroyed'];

/**
 * A mutual-exclusion lock between tasks (Copas 4.11's copas.lock), re-entrant unless created with
 * `not_reentrant`. Waiters get the lock first in, first out.
 *
 * Lua: `local lock = copas.lock.new(5)`  ->  TS: `const lock = copas.lock.new(5)`
 */
export class Lock {
  /** The task holding the lock, or null. */
  owner: Task | null = null;
  /** True after destroy(): every method returns `[null, 'destroyed']`. */
  destroyed = false;
  private callCount = 0;
  /** @internal the tasks waiting in get(), first in line first (read by copas.status(true)). */
  readonly waiters = new WaitList<WaitNode>(WaitOn.Lock, this);
  private readonly id = ++lockCount;

  /** @internal use copas.lock.new */
  constructor(
    /** The default get() timeout in seconds. */
    readonly timeout: number,
    /** True when the owner may not get it a second time. */
    readonly not_reentrant: boolean,
  ) {
    trackResource(this);
  }

  /** The name status rows and traces use: `lock: #1`. */
  toString(): string { return `lock: #${this.id}`; }

  /**
   * Acquires the lock, waiting up to `timeout` seconds (default: the lock's timeout; 0 = do not wait;
   * Infinity = forever). Returns `[secondsWaited]`, or `[null, err, secondsWaited]` with err 'timeout' or
   * 'destroyed'. The owner getting it again succeeds at once (and must release as often) unless the lock is
   * not re-entrant: then, as in Copas, it waits like any other task, which ends in 'timeout' or 'destroyed'.
   *
   * Lua: `local ok, err = lock:get(1)`  ->  TS: `const [ok, err] = yield* lock.get(1)`
   */
  *get(timeout?: number | null): TaskGenerator<LockGetResult> {
    const to = optSeconds('lock.get', 'timeout', timeout) ?? this.timeout;
    if (this.destroyed) return [null, 'destroyed']; // Copas' destroyed lock: exactly nil, "destroyed"
    const co = kernel.currentOrThrow('lock.get');
    if (this.owner === null) {
      this.owner = co;
      this.callCount = 1;
      return [0];
    }
    if (co === this.owner && !this.not_reentrant) {
      this.callCount++;
      return [0];
    }
    if (to === 0) return [null, 'timeout', 0];
    const start = gettime();
    const node = this.waiters.push(new WaitNode(co));
    let consumed = false;
    try {
      const r = yield* kernel.wait(to, LETS_LOOP_FINISH, WaitOn.Lock, this);
      consumed = true;
      if (r === TIMED_OUT) return [null, 'timeout', gettime() - start];
      // destroyed while waiting, or after release() handed us the lock but before we ran (as in Copas)
      if (r === DESTROYED || this.destroyed) return [null, 'destroyed', gettime() - start];
      return [gettime() - start]; // release() made us the owner
    } finally {
      if (node.linked) this.waiters.remove(node);
      else if (node.granted && !consumed && this.owner === co) this.handOver(); // removed before it ran
    }
  }

  /**
   * Releases the lock (once per get). Returns `[true]`, or `[null, 'cannot release a lock not owned']`.
   *
   * Lua: `lock:release()`  ->  TS: `lock.release()`
   */
  release(): [true] | [null, 'cannot release a lock not owned' | 'destroyed'] {
    if (this.destroyed) return [null, 'destroyed'];
    if (kernel.current !== this.owner || this.owner === null) return [null, 'cannot release a lock not owned'];
    this.callCount--;
    if (this.callCount > 0) return [true];
    this.handOver();
    return [true];
  }

  /** Passes ownership to the first waiter, or frees the lock. */
  private handOver(): void {
    const next = this.waiters.shift();
    if (next === null) {
      this.owner = null;
      this.callCount = 0;
      return;
    }
    this.owner = next.task;
    this.callCount = 1;
    next.granted = true;
    kernel.resume(next.task, true);
  }

  /**
   * Destroys the lock: every waiting task returns `[null, 'destroyed', waited]`, and every method called
   * afterwards returns `[null, 'destroyed']`. Returns `[true]`.
   *
   * Lua: `lock:destroy()`  ->  TS: `lock.destroy()`
   */
  destroy(): [true] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    this.destroyed = true;
    this.owner = null;
    this.callCount = 0;
    for (const w of this.waiters.drain()) kernel.resume(w.task, DESTROYED);
    return [true];
  }
}

/**
 * Creates a lock. `timeout`: the default get() timeout in seconds (default 10; Infinity = no timeout).
 * `not_reentrant`: the owner may not get it a second time.
 *
 * Lua: `local lock = copas.lock.new(nil, true)`  ->  TS: `const lock = copas.lock.new(undefined, true)`
 */
function newLock(timeout?: number | null, not_reentrant?: boolean): Lock {
  const to = optSeconds('lock.new', 'timeout', timeout) ?? DEFAULT_TIMEOUT;
  return new Lock(to, !!not_reentrant);
}

/**
 * copas.lock: locks between tasks, with timeouts.
 *
 * Lua: `local lock = require 'copas.lock'`  ->  TS: `const { lock } = copas`
 */
export const lock = {
  /** Creates a lock: `lock.new(timeout?, not_reentrant?)`. */
  new: newLock,
};
