import { gettime } from './clock';
import { kernel } from './kernel';
import { WaitOn } from './observer';
import { trackResource } from './resources';
import { LETS_LOOP_FINISH, type TaskGenerator } from './operation';
import type { Task } from './task';
import { callCallback, checkCallback } from './callbacks';
import { Semaphore } from './semaphore';
import { WaitList, type Destroyed } from './wait-list';
import { checkOptions, checkString, optSeconds } from '../util/args';

const DEFAULT_TIMEOUT = 10;

/** A queue worker: a plain function, or a generator function when it needs to block (`yield*`). */
export type QueueWorker<T> = ((item: T) => void) | ((item: T) => Generator<unknown, unknown, unknown>);

let queueCount = 0;

/**
 * A FIFO queue between tasks (Copas 4.11's copas.queue). Items may be `null` or `undefined`; they come out as
 * they went in. Workers added with add_worker handle the items in tasks of their own.
 *
 * Lua: `local q = copas.queue.new({ name = 'jobs' })`  ->  TS: `const q = copas.queue.new({ name: 'jobs' })`
 */
export class Queue<T = unknown> {
  /** The name, used for the workers' task names (`<name>:worker_<n>`). */
  readonly name: string;
  /** True after stop() or finish(): push is refused. */
  stopping = false;
  /** True after destroy() (or once a stopped queue ran empty): every method returns `[null, 'destroyed']`. */
  destroyed = false;
  /** @internal counts the items; its waiters are the tasks in pop() (read by copas.status(true)). */
  readonly sema: Semaphore = new Semaphore(1e9, 0, DEFAULT_TIMEOUT, this);
  private items: T[] = [];
  private head = 0;
  private readonly workers = new Set<Task>();
  private workerId = 0;
  /** Tasks in finish(), woken when the queue is destroyed or a worker exits. */
  private readonly watchers = new WaitList(WaitOn.Queue, this);

  /** @internal use copas.queue.new */
  constructor(name: string) {
    this.name = name;
    trackResource(this);
  }

  /** The name status rows and traces use: the queue's name. */
  toString(): string { return this.name; }

  /**
   * Appends an item (any value, `null`/`undefined` included). Returns `[true]`, or `[null, 'stopping']`
   * after stop(), `[null, 'destroyed']` after destroy().
   *
   * Lua: `q:push(item)`  ->  TS: `q.push(item)`
   */
  push(item: T): [true] | [null, 'stopping' | 'destroyed'] {
    if (this.destroyed) return [null, 'destroyed'];
    if (this.stopping) return [null, 'stopping'];
    this.items.push(item);
    this.sema.give(1);
    return [true];
  }

  /**
   * Takes the oldest item, waiting up to `timeout` seconds when the queue is empty (default 10; 0 = do not
   * wait; Infinity = forever). Returns `[item]` (item may be null), or `[null, 'timeout' | 'destroyed']`.
   *
   * Lua: `local item, err = q:pop(1)`  ->  TS: `const [item, err] = yield* q.pop(1)`
   */
  *pop(timeout?: number | null): TaskGenerator<[T] | [null, 'timeout' | 'destroyed']> {
    const to = optSeconds('queue.pop', 'timeout', timeout);
    if (this.destroyed) return [null, 'destroyed'];
    const [ok, err] = yield* this.sema.take(1, to);
    if (ok === null) return [null, err === 'destroyed' ? 'destroyed' : 'timeout'];
    const item = this.items[this.head];
    this.items[this.head] = undefined as T; // let it be collected
    this.head++;
    if (this.head === this.items.length) {
      this.items = [];
      this.head = 0;
      if (this.stopping) this.destroy(); // the last item of a stopped queue: done
    } else if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return [item];
  }

  /**
   * The number of items waiting: `[size]` (or `[null, 'destroyed']`).
   *
   * Lua: `local n = q:get_size()`  ->  TS: `const [n] = q.get_size()`
   */
  get_size(): [number] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    return [this.items.length - this.head];
  }

  /**
   * Refuses further pushes; the queue destroys itself once it runs empty (at once if it is empty). Returns
   * immediately with `[true]`; see finish() to wait for it.
   *
   * Lua: `q:stop()`  ->  TS: `q.stop()`
   */
  stop(): [true] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    if (!this.stopping) {
      this.stopping = true;
      if (this.items.length - this.head === 0) this.destroy();
    }
    return [true];
  }

  /**
   * Stops the queue, then waits up to `timeout` seconds (default 10) until it ran empty and every worker
   * finished its last item. Returns `[true]`, or `[null, 'timeout']` (the queue is then destroyed, unless
   * `no_destroy_on_timeout`), or `[null, 'destroyed']` when it already was.
   *
   * Lua: `local ok, err = q:finish(5)`  ->  TS: `const [ok, err] = yield* q.finish(5)`
   */
  *finish(timeout?: number | null, no_destroy_on_timeout?: boolean): TaskGenerator<[true] | [null, 'timeout' | 'destroyed']> {
    const to = optSeconds('queue.finish', 'timeout', timeout) ?? DEFAULT_TIMEOUT;
    if (this.destroyed) return [null, 'destroyed'];
    kernel.currentOrThrow('queue.finish');
    this.stop();
    const endtime = gettime() + to;
    // first the queue must run empty (it destroys itself), then the workers must exit
    while (!this.destroyed || this.workers.size > 0) {
      const left = endtime - gettime();
      if (left <= 0) {
        if (!no_destroy_on_timeout) this.destroy();
        return [null, 'timeout'];
      }
      // woken by notify() or the deadline
      yield* this.watchers.wait('queue.finish', left === Infinity ? undefined : left, LETS_LOOP_FINISH);
    }
    return [true];
  }

  /** Wakes the tasks in finish() to look again. */
  private notify(): void {
    this.watchers.wakeAll(true);
  }

  /**
   * Destroys the queue at once, dropping what is left in it. Waiting pops and idle workers return
   * `[null, 'destroyed']` (workers then exit). Returns `[true]`.
   *
   * Lua: `q:destroy()`  ->  TS: `q.destroy()`
   */
  destroy(): [true] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    this.destroyed = true;
    this.stopping = true;
    this.sema.destroy();
    this.items = [];
    this.head = 0;
    this.notify();
    return [true];
  }

  /**
   * Adds a task that calls `worker(item)` for each item until the queue is destroyed, and returns it. The
   * worker may be a generator function (then it may block with `yield*`). An error in the worker ends that
   * worker (reported to the error handler), as in Copas.
   *
   * Returns `[task]`, or `[null, 'destroyed']` as every method of a destroyed queue.
   *
   * Lua: `local co = q:add_worker(function(item) ... end)`  ->  TS: `const [co] = q.add_worker(function* (item) { ... })`
   */
  add_worker(worker: QueueWorker<T>): [Task] | Destroyed {
    checkCallback('queue.add_worker', 'worker', worker);
    if (this.destroyed) return [null, 'destroyed'];
    this.workerId++;
    const self = this;
    const task = kernel.spawn(`${this.name}:worker_${this.workerId}`, function* workerLoop(): TaskGenerator<void> {
      try {
        for (;;) {
          const [item, err] = yield* self.pop(Infinity);
          if (err !== undefined) break; // destroyed
          yield* callCallback(worker, [item]);
        }
      } finally {
        self.workers.delete(task);
        self.notify();
      }
    }, []);
    this.workers.add(task);
    return [task];
  }

  /**
   * The worker tasks still running: `[tasks]` (or `[null, 'destroyed']`).
   *
   * Lua: `local list = q:get_workers()`  ->  TS: `const [list] = q.get_workers()`
   */
  get_workers(): [Task[]] | Destroyed {
    if (this.destroyed) return [null, 'destroyed'];
    return [[...this.workers].filter((t) => !t.dead)];
  }
}

/** Options of copas.queue.new. */
export interface QueueOptions {
  /** Default `copas_queue_<n>`. */
  name?: string;
}

/**
 * Creates a queue.
 *
 * Lua: `local q = copas.queue.new()`  ->  TS: `const q = copas.queue.new<string>()`
 */
function newQueue<T = unknown>(opts?: QueueOptions): Queue<T> {
  const o = checkOptions('queue.new', 'opts', opts, ['name']);
  const name = checkString('queue.new', 'opts.name', o.name, true) ?? `copas_queue_${++queueCount}`;
  return new Queue<T>(name);
}

/**
 * copas.queue: FIFO queues between tasks, with workers.
 *
 * Lua: `local Queue = require 'copas.queue'`  ->  TS: `const { queue } = copas`
 */
export const queue = {
  /** Creates a queue: `queue.new({ name? })`. */
  new: newQueue,
};
