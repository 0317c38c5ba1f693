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
 * The result pause(0) hands back, of its own shape (a class, not an object literal): its `value` field then only
 * ever holds doubles, which V8 updates in place. In the shape iterator results share, the field holds any value,
 * and every store of a fresh double allocated a number: once per step now that every step reads the clock.
 */
class TurnResult {
  readonly done = true as const;
  value = 0.5; // a double from the start (0 would make the field small-integer first)
}

/**
 * pause(0) without allocating anything: one iterator shared by all tasks. `yield*` calls next() once to
 * suspend (with undefined) and once on resume (with the task's resume value, TURN_TAKEN), so the iterator
 * needs no per-task state. A task that gave the turn always runs in the very next step, so the time it slept
 * is the time between the two steps. The result object is read by V8 at once, so sharing it is safe.
 */
class YieldTurn implements Iterator<Instruction, number, unknown> {
  private readonly result = new TurnResult();
  [Symbol.iterator](): this { return this; }
  next(resumed?: unknown): IteratorResult<Instruction, number> {
    if (resumed !== TURN_TAKEN) {
      const task = kernel.current as Task;
      task.resumeValue = TURN_TAKEN;
      kernel.enqueue(task);
      return SUSPENDED;
    }
    this.result.value = kernel.stepNow - kernel.prevStepNow;
    return this.result;
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
