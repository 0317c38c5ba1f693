import type { ErrorHandler, Task } from './task';
import { SUSPEND } from './operation';
import { describe } from '../util/args';

/**
 * @internal Calls an error handler; a handler that throws is reported on stderr, never fatal (Copas prints
 * "Failed executing error handler" too).
 */
export function callErrorHandler(handler: ErrorHandler, err: unknown, task: Task | null, skt: unknown): void {
  try {
    handler(err, task, skt);
  } catch (e) {
    console.error(`Failed executing error handler: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/**
 * @internal copas.gettraceback's text from the names of the task and socket ('nil' when there is none): the
 * message, the names, and the stack.
 */
export function formatTraceback(msg: unknown, taskName: string, socketName: string): string {
  const text = msg instanceof Error ? msg.message : msg === undefined || msg === null ? '' : String(msg);
  const where = `(coroutine: ${taskName}, socket: ${socketName})`;
  const head = text === '' ? where : `${text} ${where}`;
  const stack = msg instanceof Error && msg.stack ? msg.stack.split('\n').slice(1).join('\n') : '';
  return stack ? `${head}\nstack traceback:\n${stack}` : head;
}

/**
 * @internal The Error thrown into a task that yielded something other than an operation's token (or that
 * yielded the token without parking itself): it says what to write instead.
 */
export function misuseError(value: unknown): Error {
  if (value === SUSPEND) {
    return new Error('copas: the task suspended without registering a waker (internal misuse of SUSPEND)');
  }
  // An operation first: some (client.connect, send, close) are also awaitable, and must not read as a Promise.
  if (value !== null && typeof value === 'object'
    && (typeof (value as { next?: unknown }).next === 'function' || typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function')) {
    return new Error('copas: a task yielded an operation without `*`; write `yield* op` (for example `yield* copas.pause(1)`), not `yield op`');
  }
  if (value !== null && typeof value === 'object' && typeof (value as { then?: unknown }).then === 'function') {
    return new Error('copas: a task yielded a Promise; use `yield* copas.await(promise)` to wait for a Promise inside a task');
  }
  return new Error(`copas: a task yielded ${describe(value)}; tasks may only yield* copas operations (write \`yield* copas.pause()\` to give the turn)`);
}
