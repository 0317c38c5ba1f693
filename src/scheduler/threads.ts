import { kernel } from './kernel';
import type { TaskFunction } from './operation';
import { Task, type ErrorHandler } from './task';
import { argError, checkFunction, checkGeneratorFunction, checkString } from '../util/args';

/**
 * Adds a task running `fn(...args)`; it first runs on the next step. Returns the task (also a future).
 *
 * Lua: `copas.addthread(function(a) ... end, 1)`  ->  TS: `copas.addthread(function* (a) { ... }, 1)`
 */
export function addthread<A extends unknown[], T>(fn: TaskFunction<A, T>, ...args: A): Task<T> {
  checkGeneratorFunction('copas.addthread', 'fn', fn);
  return kernel.spawn(undefined, fn, args);
}

/**
 * addthread with a name, used in error messages and copas.getthreadname.
 *
 * Lua: `copas.addnamedthread('worker', fn, 1)`  ->  TS: `copas.addnamedthread('worker', fn, 1)`
 */
export function addnamedthread<A extends unknown[], T>(name: string, fn: TaskFunction<A, T>, ...args: A): Task<T> {
  checkString('copas.addnamedthread', 'name', name);
  checkGeneratorFunction('copas.addnamedthread', 'fn', fn);
  return kernel.spawn(name, fn, args);
}

function checkTask(fn: string, task: unknown): Task {
  if (!(task instanceof Task)) throw argError(fn, 'task', 'a task (what copas.addthread returned)', task);
  return task;
}

/** Ends a task: its generator is closed with return(), so its finally blocks run. Lua: `copas.removethread(co)`. */
export function removethread(task: Task): void {
  kernel.removethread(checkTask('copas.removethread', task));
}

/** The running task, or null outside tasks (Lua's coroutine.running()). */
export function current(): Task | null {
  return kernel.current;
}

/** Names a task (default: the running one). Lua: `copas.setthreadname('name', co)`. */
export function setthreadname(name: string, task?: Task): void {
  checkString('copas.setthreadname', 'name', name);
  const t = task === undefined ? kernel.currentOrThrow('copas.setthreadname') : checkTask('copas.setthreadname', task);
  t.name = name;
}

/** A task's name (default: the running one). Lua: `copas.getthreadname(co)`. */
export function getthreadname(task?: Task): string {
  const t = task === undefined ? kernel.currentOrThrow('copas.getthreadname') : checkTask('copas.getthreadname', task);
  return kernel.nameOf(t);
}

/**
 * Sets the running task's error handler, or with `isDefault` the handler of every task without one.
 *
 * Lua: `copas.seterrorhandler(function(err, co, skt) ... end)`
 * TS:  `copas.seterrorhandler((err, task, skt) => { ... })`
 */
export function seterrorhandler(handler?: ErrorHandler, isDefault?: boolean): void {
  checkFunction('copas.seterrorhandler', 'handler', handler, true);
  if (isDefault) {
    if (handler === undefined) throw argError('copas.seterrorhandler', 'handler', 'a function when setting the default', handler);
    kernel.defaultErrorHandler = handler;
    return;
  }
  kernel.currentOrThrow('copas.seterrorhandler').errorHandler = handler;
}

/** The error handler that applies to a task (default: the running one). */
export function geterrorhandler(task?: Task): ErrorHandler {
  const t = task === undefined ? kernel.current : checkTask('copas.geterrorhandler', task);
  return t?.errorHandler ?? kernel.defaultErrorHandler;
}

/** The text the default handler prints: message, task and socket names, stack. */
export function gettraceback(msg: unknown, task?: Task | null, skt?: unknown): string {
  return kernel.gettraceback(msg, task ?? null, skt);
}
