import { kernel } from './kernel';
import { monitor } from './monitor';
import { resourceRows, taskRow, visibleTasks, type ResourceRow, type TaskRow } from './status-rows';
import type { TaskFunction } from './operation';
import type { TaskGenerator } from './operation';
import { argError, checkNumber } from '../util/args';

/**
 * Runs the dispatcher until nothing is left to do, then resolves. A script may also call it as its last
 * line without awaiting. With an initializer, that function runs as the task 'copas_initializer'.
 *
 * Lua: `copas.loop()`  ->  TS: `copas.loop()` (or `await copas.loop()`)
 */
export function loop(initializer?: TaskFunction<[], unknown> | number, timeout?: number): Promise<void> {
  if (typeof initializer === 'function') {
    kernel.spawn('copas_initializer', initializer, []);
  } else if (initializer !== undefined) {
    checkNumber('copas.loop', 'timeout', initializer);
  }
  checkNumber('copas.loop', 'timeout', timeout);
  return kernel.loop();
}

/**
 * Runs one step at once: expired sleepers wake, ready tasks run once. Returns true if a task ran.
 * Node cannot block, so unlike Copas it never waits for I/O: use copas.loop() to serve sockets.
 */
export function step(timeout?: number): boolean {
  checkNumber('copas.step', 'timeout', timeout);
  if (kernel.running) throw new Error('copas.step: the loop is running; step() is for driving copas by hand');
  return kernel.step();
}

/** True when no task is ready, sleeping with a deadline or waiting on I/O, and no server is registered. */
export function finished(): boolean {
  return kernel.finished();
}

/** Signals tasks to exit (copas.exiting() turns true, waitforexit returns). */
export function exit(): void {
  kernel.exit();
}

/** True after copas.exit() (or when the loop found nothing left to do). */
export function exiting(): boolean {
  return kernel.exiting;
}

/** Suspends the running task until copas.exit(). Lua: `copas.waitforexit()`. */
export function waitforexit(): TaskGenerator<void> {
  return kernel.waitforexit();
}

/** Ends every task (finally blocks run), drops timers, closes servers and sockets, signals exit. For teardown. */
export function cancelall(): void {
  kernel.cancelall();
}

/** What Copas' status() reports: counts of the dispatcher's queues. */
export interface CopasStatus {
  /** copas.loop() is running */
  running: boolean;
  /** callback timers armed (copas.timeout, copas.timer) */
  timeout: number;
  /** tasks sleeping or waiting with a deadline */
  timer: number;
  /** tasks in pauseforever / sleep(-1) */
  inactive: number;
  /** tasks blocked on I/O or a Promise */
  read: number;
  /** always 0: a blocked write counts under read */
  write: number;
  /** tasks ready to run */
  active: number;
}

/**
 * The number of copas.timeout callbacks armed, as Copas counts its timer
 * wheel. Lua: `copas.gettimeouts()`.
 */
export function gettimeouts(): number {
  return kernel.counts().timeouts;
}

/** copas.status(true): the counts plus a row per task and per lock, semaphore and queue. */
export interface CopasStatusRows extends CopasStatus {
  /** One row per live task, oldest first (the inspector's own tasks are left out). */
  tasks: TaskRow[];
  /** One row per live lock, semaphore and queue, oldest first. */
  resources: ResourceRow[];
}

/**
 * Counts of what the dispatcher holds. Lua: `copas.status()`.
 *
 * With `true` (no Lua twin) it also returns one row per task (state, what it waits on, since when, resumes,
 * time running, who woke it) and one per lock, semaphore and queue (holder, waiters in order). The first such
 * call turns per-task accounting on: the counting columns count from then, and each switch then reads the
 * clock (see docs/inspect.md).
 *
 * TS: `for (const row of copas.status(true).tasks) console.log(row.name, row.state, row.waiting?.on)`
 */
export function status(rows: true): CopasStatusRows;
export function status(rows?: false): CopasStatus;
export function status(rows?: boolean): CopasStatus | CopasStatusRows {
  if (rows !== undefined && typeof rows !== 'boolean') throw argError('copas.status', 'rows', 'a boolean', rows);
  const c = kernel.counts();
  const counts: CopasStatus = { running: kernel.running, timeout: c.timeouts, timer: c.timers, inactive: c.lethargic,
    read: c.waiting, write: 0, active: c.ready };
  if (rows !== true) return counts;
  if (!monitor.accounting) { monitor.accounting = true; monitor.update(); }
  return { ...counts, tasks: visibleTasks().map(taskRow), resources: resourceRows() };
}

/** copas.debug: traces task switches to a logger. */
export const debug = {
  /** Starts tracing each resume to `logger` (default console.log). */
  start(logger?: (line: string) => void): void {
    if (logger !== undefined && typeof logger !== 'function') throw argError('copas.debug.start', 'logger', 'a function', logger);
    monitor.log = logger ?? ((line: string) => console.log(line));
    monitor.update();
  },
  /** Stops tracing. */
  stop(): void {
    monitor.log = null;
    monitor.update();
  },
};
