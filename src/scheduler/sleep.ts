import { gettime } from './clock';
import { kernel } from './kernel';
import { SUSPENDED, type Instruction, type Operation, type TaskGenerator } from './operation';
import type { Task } from './task';
import { argError, checkNumber } from '../util/args';

/**
 * Suspends the running task for `seconds` (0, negative or omitted: until every other ready task ran once)
 * and returns the seconds actually slept. copas.wakeup ends it early.
 *
 * Lua: `local slept = copas.pause(0.5)`  ->  TS: `const slept = yield* copas.pause(0.5)`
 */
export function pause(seconds?: number): Operation<number> {
  if (seconds === undefined || seconds === 0) return yieldTurn();
  checkNumber('copas.pause', 'seconds', seconds);
  if (seconds !== undefined && seconds > 0) return pauseFor(seconds);
  return yieldTurn();
}

function* pauseFor(seconds: number): TaskGenerator<number> {
  const start = gettime();
  yield* kernel.sleepFor(seconds);
  return gettime() - start;
}

/** The resume value the kernel hands back to a task that gave the turn (no other waker can produce it). */
const TURN_TAKEN = Symbol('copas.turn');

/**
 * pause(0) without allocating anything: one iterator shared by all tasks. `yield*` calls next() once to
 * suspend (with undefined) and once on resume (with the task's resume value, TURN_TAKEN), so the iterator
 * needs no per-task state. A task that gave the turn always runs in the very next step, so the time it slept
 * is the time between the two steps. The result object is read by V8 at once, so sharing it is safe.
 */
class YieldTurn implements Iterator<Instruction, number, unknown> {
  private readonly result: { value: number; done: true } = { value: 0, done: true };
  [Symbol.iterator](): this { return this; }
  next(resumed?: unknown): IteratorResult<Instruction, number> {
    if (resumed !== TURN_TAKEN) {
      const task = kernel.current as Task;
      task.resumeValue = TURN_TAKEN;
      kernel.enqueue(task);
      return SUSPENDED;
    }
    // The field holds tagged values (the result objects share one shape), so storing a double allocates:
    // store only when the step changed it, not on every hop.
    const r = this.result;
    const slept = kernel.stepNow - kernel.prevStepNow;
    if (r.value !== slept) r.value = slept;
    return r;
  }
  return(value?: unknown): IteratorResult<Instruction, number> {
    return { value: value as number, done: true };
  }
  throw(err?: unknown): IteratorResult<Instruction, number> {
    throw err;
  }
}

const YIELD_TURN = new YieldTurn();

/** Gives the turn: every other ready task runs once (pause(0) without its argument checks). */
export function yieldTurn(): Operation<number> {
  kernel.currentOrThrow('copas.pause');
  return YIELD_TURN;
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
  else yield* YIELD_TURN;
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
