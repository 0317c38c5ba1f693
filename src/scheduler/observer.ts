import type { Task } from './task';

/** What a waiting task waits on (kept in the task while it waits, read by copas.status(true) and the trace). */
export enum WaitOn {
  Nothing = 0,
  Read,
  Write,
  Connect,
  Accept,
  Lock,
  Semaphore,
  Queue,
  Future,
  Promise,
  Exit,
  Close,
}

/** The names status rows and traces use for WaitOn values. */
export const WAIT_NAMES: readonly string[] = ['', 'read', 'write', 'connect', 'accept', 'lock', 'semaphore',
  'queue', 'future', 'promise', 'exit', 'close'];

/** How a suspended task was made ready again. */
export type WakeVia = 'call' | 'io' | 'timer';

/**
 * @internal What the kernel tells whoever watches it (copas.debug, copas.status(true)'s accounting, the trace,
 * the inspector). The kernel holds at most one, in a field it tests before each call: with none, watching
 * costs one comparison per event and allocates nothing.
 */
export interface SchedulerObserver {
  /** A task was made; `fn` is its body (the inspector hides tasks of its own functions). */
  spawned(task: Task, fn: unknown): void;
  /** The task's generator is about to run. */
  runStart(task: Task): void;
  /** The task's generator stopped (suspended, ended or failed); its state says which. */
  runEnd(task: Task): void;
  /** A suspended task became ready; `waker` is the running task, if any. */
  woken(task: Task, waker: Task | null, via: WakeVia): void;
  /** The task ended: returned (`ok`), failed (`value` = what it threw) or was cancelled. */
  ended(task: Task, ok: boolean, value: unknown): void;
  /** The running task goes to sleep for `seconds` (copas.pause, copas.sleep). */
  sleeps(task: Task, seconds: number): void;
  /** A step ran from `start` to `end` (performance.now() ms). */
  stepped(start: number, end: number): void;
  /** Callback timers (copas.timeout, copas.timer) begin (`true`) or end (`false`) firing in a step. */
  coreTimer(begin: boolean): void;
}

/**
 * @internal Holds back ready tasks while the scheduler is paused (the inspector's step mode). The kernel
 * asks it about every task it is about to run, only while one is installed.
 */
export interface StepGate {
  /** True: run `task` now. False: the gate keeps it (and calls kernel.hold-like bookkeeping itself). */
  admit(task: Task): boolean;
  /** `task` (held) was removed with removethread: forget it. */
  drop(task: Task): void;
  /** Tasks held now. */
  readonly heldCount: number;
}
