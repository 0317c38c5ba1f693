import { kernel } from './kernel';
import type { TaskFunction } from './operation';
import type { ErrorHandler, Task } from './task';
import { checkGeneratorFunction, checkString } from '../util/args';

/**
 * A future is the task itself: copas.future.addthread returns the same Task that copas.addthread returns,
 * with `get()`, `try()` and `cancel()`.
 */
export type Future<T = unknown> = Task<T>;

/** A future task's errors are its result (get/try return them), as Copas' future runs the body in pcall. */
const quiet: ErrorHandler = () => undefined;

/**
 * Like copas.addnamedthread, for a task whose outcome you collect with get()/try(): an error in it is not
 * reported to the error handler but returned by `get()` as `[false, message]`.
 *
 * Lua: `local f = copas.future.addnamedthread('job', fn, 1); local ok, v = f:get()`
 * TS:  `const f = copas.future.addnamedthread('job', fn, 1); const [ok, v] = yield* f.get()`
 */
function addnamedthread<A extends unknown[], T>(name: string | undefined | null, fn: TaskFunction<A, T>, ...args: A): Future<T> {
  const n = checkString('future.addnamedthread', 'name', name === null ? undefined : name, true);
  checkGeneratorFunction('future.addnamedthread', 'fn', fn);
  const task = kernel.spawn(n, fn, args);
  task.errorHandler = quiet;
  return task;
}

/**
 * Like copas.addthread, returning the task as a future (see addnamedthread).
 *
 * Lua: `local f = copas.future.addthread(fn)`  ->  TS: `const f = copas.future.addthread(fn)`
 */
function addthread<A extends unknown[], T>(fn: TaskFunction<A, T>, ...args: A): Future<T> {
  checkGeneratorFunction('future.addthread', 'fn', fn);
  return addnamedthread(undefined, fn, ...args);
}

const fields = {
  /** `try()` status of a task that returned: `const [status, value] = f.try()`. */
  SUCCESS: true as const,
  /** `try()` status of a task still running. */
  PENDING: false as const,
  /** `try()` status of a task that failed or was cancelled: `[ERROR, message]`. */
  ERROR: 'error' as const,
  /** Starts a task whose outcome get()/try() return: `future.addthread(fn, ...args)`. */
  addthread,
  /** Starts a named future task: `future.addnamedthread(name, fn, ...args)`. */
  addnamedthread,
};

/** Names a JS runtime or test tool may probe on any object; they read as undefined instead of throwing. */
const probes = new Set(['then', 'toJSON', 'constructor', 'asymmetricMatch', '$$typeof', 'nodeType', 'tagName',
  'inspect', '@@__IMMUTABLE_ITERABLE__@@', '@@__IMMUTABLE_RECORD__@@', '_isMockFunction', 'toString', 'valueOf']);

/**
 * copas.future: SUCCESS / PENDING / ERROR and addthread / addnamedthread returning futures. As in Copas,
 * reading a field that does not exist (a typo such as `future.PNEDING`) throws.
 *
 * Lua: `if f:try() == future.PENDING then ... end`  ->  TS: `if (f.try()[0] === copas.future.PENDING) { ... }`
 */
export const future: typeof fields = new Proxy(fields, {
  get(target, key, receiver) {
    if (typeof key === 'string' && !(key in target) && !probes.has(key)) {
      throw new Error(`unknown field 'future.${key}'`);
    }
    return Reflect.get(target, key, receiver);
  },
});
