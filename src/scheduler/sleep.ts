import { gettime } from './clock';
import { kernel } from './kernel';
import type { TaskGenerator } from './operation';
import type { Task } from './task';
import { argError, checkNumber } from '../util/args';

/**
 * Suspends the running task for `seconds` (0, negative or omitted: until every other ready task ran once)
 * and returns the seconds actually slept. copas.wakeup ends it early.
 *
 * Lua: `local slept = copas.pause(0.5)`  ->  TS: `const slept = yield* copas.pause(0.5)`
 */
export function* pause(seconds?: number): TaskGenerator<number> {
  checkNumber('copas.pause', 'seconds', seconds);
  const start = gettime();
  if (seconds !== undefined && seconds > 0) yield* kernel.sleepFor(seconds);
  else yield* kernel.yieldTurn();
  return gettime() - start;
}

/**
 * Copas' older sleep: 0 or omitted = next step, > 0 = that many seconds, < 0 = until copas.wakeup.
 *
 * Lua: `copas.sleep(-1)`  ->  TS: `yield* copas.sleep(-1)`
 */
export function* sleep(seconds?: number): TaskGenerator<void> {
  checkNumber('copas.sleep', 'seconds', seconds);
  const s = seconds ?? 0;
  if (s < 0) yield* kernel.sleepForever();
  else if (s > 0) yield* kernel.sleepFor(s);
  else yield* kernel.yieldTurn();
}

/**
 * Suspends the running task until copas.wakeup(task); returns the seconds slept. Such a task keeps no loop
 * alive: when nothing else is left, copas.loop() ends.
 */
export function* pauseforever(): TaskGenerator<number> {
  const start = gettime();
  yield* kernel.sleepForever();
  return gettime() - start;
}

/** Wakes a task sleeping in pause, sleep or pauseforever; it runs on the next step. Others are left alone. */
export function wakeup(task: Task): void {
  if (task === null || typeof task !== 'object' || typeof (task as { try?: unknown }).try !== 'function') {
    throw argError('copas.wakeup', 'task', 'a task (what copas.addthread returned)', task);
  }
  kernel.wakeup(task);
}
