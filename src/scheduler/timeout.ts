import { kernel, type CallbackEntry } from './kernel';
import { Task, TaskState } from './task';
import { argError, checkFunction } from '../util/args';

class TaskTimeout implements CallbackEntry {
  deadline = 0;
  seq = 0;
  index = -1;
  constructor(readonly task: Task, readonly callback: (task: Task) => void) {}
  fire(): void {
    registry.delete(this.task);
    try {
      this.callback(this.task);
    } catch (err) {
      // Copas runs these callbacks in its timer thread and reports their errors with that thread's name
      kernel.reportError(err, coreTimer, undefined);
    }
  }
}

/**
 * Stands for Copas' 'copas_core_timer' thread in error reports of copas.timeout callbacks (they run on the
 * loop, not in a task). It never runs; it has no error handler, so the default handler gets those errors.
 */
const coreTimer: Task = new Task((function* () { /* never runs */ })(), 'copas_core_timer');
coreTimer.state = TaskState.Dead;

const registry = new WeakMap<Task, TaskTimeout>();

/**
 * Sets (or with 0 / Infinity cancels) the running task's timeout: after `delay` seconds `callback(task)`
 * runs on the loop, outside any task. A new call replaces the previous timeout.
 *
 * Lua: `copas.timeout(5, function(co) copas.wakeup(co) end)`
 * TS:  `copas.timeout(5, (task) => copas.wakeup(task))`
 */
export function timeout(delay: number, callback?: (task: Task) => void): true {
  const task = kernel.currentOrThrow('copas.timeout');
  if (typeof delay !== 'number' || Number.isNaN(delay)) throw argError('copas.timeout', 'delay', 'a number of seconds', delay);
  if (delay < 0) throw new Error(`copas.timeout: timeout value must be greater than or equal to 0, got: ${delay}`);
  const existing = registry.get(task);
  if (existing) { kernel.cancelCallbackTimer(existing); registry.delete(task); }
  if (delay === 0 || delay === Infinity) return true;
  checkFunction('copas.timeout', 'callback', callback);
  const entry = new TaskTimeout(task, callback as (task: Task) => void);
  registry.set(task, entry);
  kernel.addCallbackTimer(entry, delay);
  return true;
}
