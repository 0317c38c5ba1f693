// A cycle (kernel.ts makes Tasks): fine, the kernel is only used inside methods, after both modules loaded.
import { kernel } from './kernel';
import { LETS_LOOP_FINISH, type TaskGenerator } from './operation';
import { WaitOn } from './observer';
import type { TaskStats } from './task-stats';
import { WaitList } from './wait-list';

/** Where a task is: each state says which structure, if any, holds it. */
export enum TaskState {
  /** In the ready list, runs on the next step. */
  Ready,
  /** Its generator is executing now. */
  Running,
  /** In copas.pause/sleep with a deadline: the timer heap holds it; copas.wakeup may wake it. */
  Sleeping,
  /** In pauseforever/sleep(-1): held by nothing; copas.wakeup may wake it; keeps no loop alive. */
  Lethargic,
  /** Blocked in an operation (socket, lock, queue, ...): only that operation's owner resumes it. */
  Waiting,
  /** Finished, failed or cancelled. */
  Dead,
  /** Ready, but held back while the scheduler is paused (step mode): the step gate holds it. */
  Held,
}

/** A finished task's outcome, as Lua's pcall returns it: `[true, value]` or `[false, err]` (an Error's message, or the thrown value itself). */
export type TaskResult<T> = [true, T] | [false, unknown];

/** The future states of copas.future: SUCCESS = true, PENDING = false, ERROR = 'error'. */
export type TryResult<T> = [true, T] | [false] | ['error', unknown];

/** An error handler: `function(err, co, skt)` in Copas. */
export type ErrorHandler = (err: unknown, task: Task | null, skt: unknown) => void;

/** Makes a task's name when it is asked for (see Task.name). */
export type TaskNamer = (task: Task) => string;

/** What a task runs when it ends, given the task. */
export type Finalizer = (task: Task) => void;

let nextId = 1;

const KEEPS_ALIVE = 1;
const CANCEL_REQUESTED = 2;
const CANCELLED = 4;
const QUIET = 8;
/** Bits 4-7 of flags: what the task waits on (a WaitOn), kept there so a wait costs no extra field. */
const WAIT_SHIFT = 4;
const WAIT_MASK = 0xf << WAIT_SHIFT;

/**
 * A running generator function: what `copas.addthread` returns (a Lua coroutine in Copas). It is also a
 * future (Copas 4.11's copas.future): `get()` waits for the result, `try()` peeks, `cancel()` stops it.
 *
 * Lua: `local f = copas.future.addthread(fn); local ok, v = f:get()`
 * TS:  `const t = copas.addthread(fn); const [ok, v] = yield* t.get()`
 */
export class Task<T = unknown> {
  // A timer-heap entry by shape, not `implements HeapEntry`: its heap fields are @internal, left out of the
  // published types, where the clause would then fail. The fields every switch touches come first, so they share a cache line with 10,000s of tasks.
  /** @internal */
  state: TaskState = TaskState.Ready;
  /** @internal the task body's generator. */
  readonly gen: TaskGenerator<T>;
  /** @internal value handed to next() when it runs again. */
  resumeValue: unknown = undefined;
  /** @internal the boolean states below, one bit each (one field instead of four in every task). */
  private flags = 0;
  /** @internal heap entry: the deadline of its sleep or timed wait. */
  deadline = 0;
  /** @internal */
  seq = 0;
  /** @internal */
  index = -1;
  /** @internal the thrown value when it failed. */
  error: unknown = undefined;
  /** @internal a per-task error handler (copas.seterrorhandler inside the task). */
  errorHandler: ErrorHandler | undefined = undefined;
  /** @internal the socket a server handed to it, for error messages and autoclose. */
  socket: unknown = undefined;
  /** @internal run once when it ends, however it ends (autoclose, listeners); one function or several. */
  finalizers: Finalizer | Finalizer[] | null = null;
  /** @internal what a finalizer needs (the server connection it serves), so finalizers can be shared functions. */
  data: unknown = undefined;
  /** @internal a weak reference to itself, made once, while it sleeps forever. */
  weakSelf: WeakRef<Task> | null = null;
  /** @internal tasks blocked in get() (null until one waits: most tasks are never joined). */
  waiters: WaitList | null = null;
  /** @internal the object its current wait is on (a socket, a lock, a Promise...), for status rows and traces. */
  waitTarget: unknown = null;
  /** @internal accounting while something watches the scheduler (copas.status(true), trace, inspector). */
  stats: TaskStats | null = null;
  /** The outcome once dead, else null. */
  results: TaskResult<T> | null = null;
  /** The name, or a function that makes it when asked (a server's thousands of handlers keep no string each). */
  private label: string | TaskNamer | undefined;
  /** A number unique in the process, used in the default name. */
  readonly id: number = nextId++;

  /** @internal */
  constructor(gen: TaskGenerator<T>, name: string | TaskNamer | undefined) {
    this.gen = gen;
    this.label = name;
  }

  /** Its name (copas.setthreadname / addnamedthread), or undefined. */
  get name(): string | undefined {
    const l = this.label;
    return typeof l === 'function' ? l(this) : l;
  }

  /** Renames the task (as copas.setthreadname). */
  set name(name: string | undefined) {
    this.label = name;
  }

  /** @internal this wait counts as work that keeps loop() alive (I/O, awaited Promise). */
  get keepsAlive(): boolean { return (this.flags & KEEPS_ALIVE) !== 0; }
  /** @internal */
  set keepsAlive(on: boolean) { this.flags = on ? this.flags | KEEPS_ALIVE : this.flags & ~KEEPS_ALIVE; }
  /** @internal removethread asked while it was running: end it at its next suspension. */
  get cancelRequested(): boolean { return (this.flags & CANCEL_REQUESTED) !== 0; }
  /** @internal */
  set cancelRequested(on: boolean) { this.flags = on ? this.flags | CANCEL_REQUESTED : this.flags & ~CANCEL_REQUESTED; }
  /** @internal it was cancelled: its result is [false, 'cancelled'] however it ends. */
  get cancelled(): boolean { return (this.flags & CANCELLED) !== 0; }
  /** @internal */
  set cancelled(on: boolean) { this.flags = on ? this.flags | CANCELLED : this.flags & ~CANCELLED; }
  /** @internal false when someone else takes its error (copas.run rejects its Promise instead). */
  get reportErrors(): boolean { return (this.flags & QUIET) === 0; }
  /** @internal */
  set reportErrors(on: boolean) { this.flags = on ? this.flags & ~QUIET : this.flags | QUIET; }

  /** @internal what its current (or last) wait is on. */
  get waitOn(): WaitOn { return (this.flags & WAIT_MASK) >> WAIT_SHIFT; }
  /** @internal records what the task is about to wait on. */
  setWait(on: WaitOn, target: unknown): void {
    this.flags = (this.flags & ~WAIT_MASK) | (on << WAIT_SHIFT);
    this.waitTarget = target;
  }

  /** @internal runs `f` once when the task ends (most tasks have one at most: no array for it). */
  addFinalizer(f: Finalizer): void {
    const fin = this.finalizers;
    if (fin === null) this.finalizers = f;
    else if (typeof fin === 'function') this.finalizers = [fin, f];
    else fin.push(f);
  }

  /** @internal called by the heap when the deadline passes. */
  fire(): void { kernel.expire(this); }

  /** True once the task has finished, failed or been cancelled. */
  get dead(): boolean { return this.state === TaskState.Dead; }

  /**
   * Waits until the task ends; returns `[true, value]` or `[false, errorMessage]` (`'cancelled'` when
   * cancelled). Lua: `local ok, v = f:get()`.
   */
  *get(): TaskGenerator<TaskResult<T>> {
    while (this.results === null) {
      const list = (this.waiters ??= new WaitList(WaitOn.Future, this));
      try {
        yield* list.wait('task.get', undefined, LETS_LOOP_FINISH);
      } finally {
        if (list.length === 0 && this.waiters === list) this.waiters = null; // the last joiner left
      }
    }
    return this.results;
  }

  /** Peeks without waiting: `[SUCCESS, value]`, `[PENDING]` or `[ERROR, message]`. */
  try(): TryResult<T> {
    const r = this.results;
    if (r === null) return [false];
    return r[0] ? [true, r[1]] : ['error', r[1]];
  }

  /** Cancels the task if it has not ended; returns false when it already had. */
  cancel(): boolean {
    if (this.results !== null) return false;
    kernel.removethread(this);
    // a task cancelling itself ends at its next suspension, but try() says 'cancelled' at once, as in Copas
    if (this.results === null) this.results = [false, 'cancelled'];
    return true;
  }

  /** Lua's tostring(coroutine): the name used when none was set. */
  toString(): string { return `thread: #${this.id}`; }
}
