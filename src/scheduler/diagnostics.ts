import type { ErrorHandler, Task } from './task';
import { SUSPEND } from './operation';
import { describe } from '../util/args';

/**
 * @internal Calls an error handler; a handler that throws is reported with console.log (Copas prints
 * "Failed executing error handler" with Lua's print), never fatal.
 */
export function callErrorHandler(handler: ErrorHandler, err: unknown, task: Task | null, skt: unknown): void {
  try {
    handler(err, task, skt);
  } catch (e) {
    console.log(`Failed executing error handler: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** Frames of copas' own error reporting, left out of the stack of a traceback made for a string message. */
const OWN_FRAME = /\b(formatTraceback|gettraceback|defaultErrorHandler|callErrorHandler|reportError)\b/;

/**
 * @internal copas.gettraceback's text from the names of the task and socket ('nil' when there is none): the
 * message, the names, and the stack.
 */
export function formatTraceback(msg: unknown, taskName: string, socketName: string): string {
  const text = msg instanceof Error ? msg.message : msg === undefined || msg === null ? '' : String(msg);
  const where = `(coroutine: ${taskName}, socket: ${socketName})`;
  const head = text === '' ? where : `${text} ${where}`;
  // Lua's debug.traceback adds the stack for any message: an Error's own, else where the traceback was asked
  const frames = (msg instanceof Error && msg.stack ? msg.stack : new Error().stack ?? '').split('\n').slice(1);
  if (!(msg instanceof Error)) while (frames.length > 0 && OWN_FRAME.test(frames[0])) frames.shift();
  const stack = frames.join('\n');
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
