import { kernel } from './kernel';
import { monitor } from './monitor';
import { resourceRows, taskRow, visibleTasks, type ResourceRow, type TaskRow } from './status-rows';
import type { TaskFunction } from './operation';
import type { TaskGenerator } from './operation';
import { argError, checkSeconds } from '../util/args';
import { performance } from 'node:perf_hooks';
import { DebugLog, luaPrint, type DebugLogger } from './debug-log';
import { debugSocket } from './debug-socket';
import { StepStats, type CopasStepStats } from './step-stats';

/**
 * Runs the dispatcher until nothing is left to do, then resolves. A script may also call it as its last
 * line without awaiting. With an initializer, that function runs as the task 'copas_initializer'.
 * `timeout` (or a number as the only argument), as in Copas, is the longest the loop waits with nothing due
 * before it runs a step anyway: such idle steps show in copas.status's `steps`; nothing else changes.
 *
 * Lua: `copas.loop()`  ->  TS: `copas.loop()` (or `await copas.loop()`)
 */
export function loop(initializer?: TaskFunction<[], unknown> | number, timeout?: number): Promise<void> {
  if (typeof initializer !== 'function' && initializer !== undefined) {
    checkSeconds('copas.loop', 'timeout', initializer);
    timeout = initializer;
  }
  checkSeconds('copas.loop', 'timeout', timeout);
  if (typeof initializer === 'function') kernel.spawn('copas_initializer', initializer, []);
  kernel.outsideWakes = 0;
  return kernel.loop(timeout);
}

/**
 * Runs one step by hand (the loop must not be running): expired sleepers wake, ready tasks run once.
 *
 * Without a timeout it runs at once and returns true if a task ran. With one, as Copas' `copas.step(timeout)`
 * it first waits up to `timeout` seconds (less if a sleeper's deadline comes first) for something to do;
 * Node cannot block, so it returns a Promise. It resolves true if a task was woken by I/O (or a Promise, a
 * Node callback) since the previous step by hand, false if the wait ended on its timeout or a deadline, as
 * Copas answers true only when its select saw socket events.
 *
 * Lua: `copas.step(0.5)`  ->  TS: `await copas.step(0.5)`
 */
export function step(): boolean;
export function step(timeout: number): Promise<boolean>;
export function step(timeout?: number): boolean | Promise<boolean> {
  checkSeconds('copas.step', 'timeout', timeout);
  if (kernel.running) throw new Error('copas.step: the loop is running; step() is for driving copas by hand');
  if (timeout !== undefined) return kernel.stepWithin(timeout);
  kernel.outsideWakes = 0;
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

/** The counts copas.status() always reports: what the dispatcher holds now. */
export interface CopasCounts {
  /** copas.loop() is running */
  running: boolean;
  /** callback timers armed (copas.timeout, copas.timer) */
  timeout: number;
  /** tasks sleeping or waiting with a deadline */
  timer: number;
  /** tasks in pauseforever / sleep(-1) */
  inactive: number;
  /** tasks blocked on anything else that keeps the loop alive: reading, accepting, a Promise */
  read: number;
  /** tasks blocked on a write (a send waiting for the peer to take data) or a connect */
  write: number;
  /** tasks ready to run */
  active: number;
}

/**
 * What copas.status() reports: the counts and, while the statistics are on (copas.status(true) turned
 * them on), Copas' statistics of the steps run since the previous copas.status call (absent when none ran).
 */
export interface CopasStatus extends CopasCounts, Partial<CopasStepStats> {}

/**
 * The number of copas.timeout callbacks armed, as Copas counts its timer
 * wheel. Lua: `copas.gettimeouts()`.
 */
export function gettimeouts(): number {
  return kernel.counts().timeouts;
}

/** copas.status(true): the counts and statistics plus a row per task and per lock, semaphore and queue. */
export interface CopasStatusRows extends CopasStatus {
  /** One row per live task, oldest first (the inspector's own tasks are left out). */
  tasks: TaskRow[];
  /** One row per live lock, semaphore and queue, oldest first. */
  resources: ResourceRow[];
}

/**
 * Counts of what the dispatcher holds, and Copas' step statistics. Lua: `copas.status(enable_stats)`.
 *
 * As in Copas, `true` turns the statistics on (that call returns none yet), later calls (with `true` or
 * nothing) return those of the steps since the previous call: `steps`, `duration_min/max/tot/avg` and
 * `duration_min_ever/max_ever` in ms, `time_start`, `time_end`, `time_tot` in s and `time_avg` in ms; `false`
 * turns them off. `true` (no Lua twin) also returns one row per task (state, what it waits on, since when,
 * resumes, time running, who woke it) and one per lock, semaphore and queue (holder, waiters in order); the
 * first such call turns per-task accounting on (each switch then reads the clock, see docs/inspect.md) and
 * `false` turns it off again.
 *
 * TS: `copas.status(true); ...; const s = copas.status(); console.log(s.steps, s.duration_max)`
 * TS: `for (const row of copas.status(true).tasks) console.log(row.name, row.state, row.waiting?.on)`
 */
export function status(stats: true): CopasStatusRows;
export function status(stats?: false): CopasStatus;
export function status(stats?: boolean): CopasStatus | CopasStatusRows {
  if (stats !== undefined && typeof stats !== 'boolean') throw argError('copas.status', 'stats', 'a boolean or nothing', stats);
  let taken: CopasStepStats | null = null;
  if (stats === false) {
    monitor.steps = null;
    monitor.accounting = false;
    monitor.update();
  } else if (monitor.steps !== null) {
    taken = monitor.steps.take(performance.now());
  } else if (stats === true) {
    monitor.steps = new StepStats();
    monitor.update();
  }
  const c = kernel.counts();
  const counts: CopasStatus = { ...taken, running: kernel.running, timeout: c.timeouts, timer: c.timers,
    inactive: c.lethargic, read: c.waiting - c.writing, write: c.writing, active: c.ready };
  if (stats !== true) return counts;
  if (!monitor.accounting) { monitor.accounting = true; monitor.update(); }
  return { ...counts, tasks: visibleTasks().map(taskRow), resources: resourceRows() };
}

/** copas.debug: prints what Copas prints for every task switch, and wraps sockets to print their calls. */
export const debug = {
  /**
   * Starts printing each task's resumes, yields and exit with Copas' lines ("resuming 'name'", "yielding
   * 'name' to SLEEP for 0.5 seconds", "... to READ on 'sockname'", "exiting 'name'"). `logger` receives the
   * pieces of each line as Copas passes them (default: Lua's print, which joins them with tabs, on stdout);
   * `core` also prints the lines of Copas' core timer, which here stand for copas.timeout/timer callbacks
   * firing.
   *
   * Lua: `copas.debug.start()`  ->  TS: `copas.debug.start()`
   */
  start(logger?: DebugLogger, core?: boolean): void {
    if (logger !== undefined && logger !== null && typeof logger !== 'function') throw argError('copas.debug.start', 'logger', 'a function or nothing', logger);
    if (core !== undefined && typeof core !== 'boolean') throw argError('copas.debug.start', 'core', 'a boolean or nothing', core);
    monitor.debug = new DebugLog(logger ?? luaPrint, core === true);
    monitor.update();
  },
  /** Stops printing. Lua: `copas.debug.stop()` */
  stop(): void {
    monitor.debug = null;
    monitor.update();
  },
  /**
   * Wraps a socket so that every call of one of its methods prints Copas' lines ("N-calling 'name' with; ",
   * each argument, "N-results 'name' returned; ", each result); the wrapper still works as the socket.
   *
   * Lua: `skt = copas.debug.socket(skt)`  ->  TS: `skt = copas.debug.socket(skt)`
   */
  socket: debugSocket,
};
