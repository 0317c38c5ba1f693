// Straight from the module, not the barrel (see tcp-socket.ts).
import { kernel } from '../scheduler/kernel';
import { type Task } from '../scheduler/task';

/** Tasks that asked for the socket layer's own timeout texts; weak, as Copas' table is keyed weakly by coroutine. */
const nativeErrors = new WeakSet<Task>();

/**
 * Copas' useSocketTimeoutErrors: with it on, an operation of the running task that times out returns the
 * text LuaSocket or LuaSec gave Copas ('wantread' / 'wantwrite' on TLS, 'Operation already in progress' for a
 * connect), not 'timeout'. Per task, as Copas keeps it per coroutine; only the running task can set it.
 *
 * Lua: `copas.useSocketTimeoutErrors(true)`  ->  TS: `copas.useSocketTimeoutErrors(true)` (inside a task)
 */
export function useSocketTimeoutErrors(bool: unknown): void {
  const task = kernel.current;
  if (task === null) throw new Error('copas.useSocketTimeoutErrors: call it inside a task (it sets the running task\'s choice)');
  if (bool) nativeErrors.add(task);
  else nativeErrors.delete(task);
}

/**
 * @internal The error a timed-out operation returns: 'timeout', or `native` (what LuaSocket/LuaSec said) when
 * the running task chose useSocketTimeoutErrors. Other errors pass through.
 */
export function timeoutError(err: string, native: string): string {
  if (err !== 'timeout') return err;
  const task = kernel.current;
  return task !== null && nativeErrors.has(task) ? native : err;
}
