/**
 * The one suspension primitive of copas-ts. A task is a generator; every operation that may block is a
 * generator too, entered with `yield*`, and deep down it yields the single SUSPEND token after it has
 * registered the task wherever it waits (the sleeping heap, a socket, a semaphore). The scheduler resumes the
 * task later with `next(value)`; that value becomes the operation's result.
 */

/**
 * What a task's generator yields to the scheduler. An object type (not a unique symbol) so that TypeScript
 * keeps it, rather than widening it to `symbol`, when it infers a user's `function*` type. Its one property's
 * name is advice, read in a compiler error: a task that writes `yield op` (no star) or yields a Promise fails
 * to type-check with "Property 'write yield* op ...' is missing in type 'Operation<number>'".
 */
export interface Instruction {
  /** The scheduler's token: 'suspend'. The name is advice for a compiler error, not an API. */
  readonly 'write yield* op (with the star), or yield* copas.await(promise) for a Promise': 'suspend';
}

const INSTRUCTION_BRAND: keyof Instruction = 'write yield* op (with the star), or yield* copas.await(promise) for a Promise';

/** The token every blocking operation finally yields. Anything else reaching the scheduler is a user bug. */
export const SUSPEND: Instruction = Object.freeze({ [INSTRUCTION_BRAND]: 'suspend' as const });

/**
 * The iterator result that suspends: what a hand-written operation's next() returns to park its task (a
 * shared object, so suspending allocates nothing; `yield*` passes it through without copying).
 */
export const SUSPENDED: IteratorYieldResult<Instruction> = Object.freeze({ value: SUSPEND, done: false });

/**
 * A blocking operation: iterate it with `yield*` inside a task to get its result `T`.
 *
 * Lua: `local data, err = skt:receive('*l')`  ->  TS: `const [data, err] = yield* skt.receive('*l')`
 */
export interface Operation<T> {
  /** What `yield*` calls: the steps of the operation, ending with its result. */
  [Symbol.iterator](): Iterator<Instruction, T, unknown>;
}

/** The generator type of a task body or an operation implemented as `function*`. */
export type TaskGenerator<T = unknown> = Generator<Instruction, T, unknown>;

/** A task body: a generator function, as a Lua coroutine body is a function. */
export type TaskFunction<A extends unknown[] = unknown[], T = unknown> = (...args: A) => Generator<Instruction, T, unknown>;

/** Returned (as the resume value) to a task whose timed wait ran out before anyone resumed it. */
export const TIMED_OUT: unique symbol = Symbol('copas.timed_out');

/**
 * An operation that is already complete: `yield*` on it returns `value` at once (an early exit); async code
 * may `await` it too (see AwaitableOperation).
 */
export function completed<T>(value: T): Operation<T> & PromiseLike<T> {
  return {
    [Symbol.iterator]: () => ({ next: () => ({ value, done: true }) }),
    then: (onfulfilled, onrejected) => Promise.resolve(value).then(onfulfilled, onrejected),
  };
}

/**
 * What a wait means for copas.loop(): a wait for I/O or a Promise is work still to come and keeps the loop
 * running (KEEPS_LOOP_ALIVE); a wait for another task (a lock, a queue, a join) does not (LETS_LOOP_FINISH), so
 * tasks blocked only on each other do not keep the process up, as in Copas.
 */
export type WaitLiveness = typeof KEEPS_LOOP_ALIVE | typeof LETS_LOOP_FINISH;
/** A wait for I/O or a Promise: loop() does not finish while it lasts. */
export const KEEPS_LOOP_ALIVE = true;
/** A wait for another task: loop() may finish while it lasts. */
export const LETS_LOOP_FINISH = false;
