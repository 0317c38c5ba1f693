import { kernel } from './kernel';
import { WaitOn } from './observer';
import { KEEPS_LOOP_ALIVE, type Operation, type TaskFunction, type TaskGenerator } from './operation';
import { argError, checkGeneratorFunction } from '../util/args';

/**
 * Waits inside a task for a Promise (any thenable) and returns its value, or throws its rejection.
 * A pending Promise keeps copas.loop() alive.
 *
 * TS (no Lua twin): `const body = yield* copas.await(fetch(url).then((r) => r.text()))`
 */
export function* awaitPromise<T>(promise: PromiseLike<T> | T): TaskGenerator<T> {
  if (promise === null || typeof promise !== 'object' || typeof (promise as PromiseLike<T>).then !== 'function') {
    if (typeof promise === 'function') throw argError('copas.await', 'promise', 'a Promise (call the async function first)', promise);
    return promise as T;
  }
  const task = kernel.currentOrThrow('copas.await');
  let outcome: { ok: boolean; value: unknown } | null = null;
  (promise as PromiseLike<T>).then(
    (value) => { outcome = { ok: true, value }; kernel.resume(task); },
    (error: unknown) => { outcome = { ok: false, value: error }; kernel.resume(task); },
  );
  while (outcome === null) yield* kernel.wait(undefined, KEEPS_LOOP_ALIVE, WaitOn.Promise, promise);
  const o = outcome as { ok: boolean; value: unknown };
  if (!o.ok) throw o.value;
  return o.value as T;
}

/**
 * Runs `fn(...args)` as a task from async code and resolves with its return value (rejects with what it
 * threw). Starts copas.loop() if it is not running.
 *
 * TS (no Lua twin): `const n = await copas.run(function* () { yield* copas.pause(1); return 42; })`
 */
export function run<A extends unknown[], T>(fn: TaskFunction<A, T>, ...args: A): Promise<T> {
  checkGeneratorFunction('copas.run', 'fn', fn);
  const task = kernel.spawn(undefined, fn, args);
  task.reportErrors = false; // the rejected Promise carries the error
  const result = new Promise<T>((resolve, reject) => {
    task.addFinalizer(() => {
      const r = task.results;
      if (r !== null && r[0]) resolve(r[1]);
      else reject(task.error ?? new Error(r === null ? 'task ended without a result' : String(r[1])));
    });
  });
  if (!kernel.running) void kernel.loop();
  return result;
}

/**
 * An operation that async code outside tasks may also `await`. Inside a task, `yield*` it as any operation;
 * outside, `await` runs it as a task of its own (copas.run) and gives the same result.
 *
 * TS (no Lua twin): `const [ok, err] = await client.connect(url)` beside `const [ok, err] = yield* client.connect(url)`
 */
export interface AwaitableOperation<T> extends Operation<T>, PromiseLike<T> {}

function* drive<T>(op: Operation<T>): TaskGenerator<T> {
  return yield* op;
}

/** `op`, awaitable too: the first then() runs it as a task; later ones share that task's Promise. */
export function awaitable<T>(op: Operation<T>): AwaitableOperation<T> {
  let promise: Promise<T> | null = null;
  return {
    [Symbol.iterator]: () => op[Symbol.iterator](),
    then(onfulfilled, onrejected) {
      promise ??= run(drive<T>, op);
      return promise.then(onfulfilled, onrejected);
    },
  };
}
