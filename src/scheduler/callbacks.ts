import type { TaskGenerator } from './operation';
import { argError } from '../util/args';

/** True for `function* () {}` (its constructor is GeneratorFunction). */
function isGeneratorFunction(fn: unknown): boolean {
  return typeof fn === 'function' && (fn as { constructor?: { name?: string } }).constructor?.name === 'GeneratorFunction';
}

/**
 * @internal A plain function or a generator function, never an async function: what the callbacks of
 * copas.timer and a queue's workers may be.
 */
export function checkCallback(fn: string, name: string, value: unknown): void {
  if (typeof value !== 'function') {
    throw argError(fn, name, 'a function or a generator function (function* () { ... })', value);
  }
  if ((value as { constructor?: { name?: string } }).constructor?.name === 'AsyncFunction') {
    throw new TypeError(`${fn}: argument '${name}' must be a function or a generator function (function* () { ... }), got an async function (write function* and use yield* copas.await(promise) where you awaited)`);
  }
}

/** @internal Calls a plain or generator callback from inside a task. */
export function* callCallback(fn: (...args: never[]) => unknown, args: unknown[]): TaskGenerator<unknown> {
  const r = (fn as (...a: unknown[]) => unknown)(...args);
  if (isGeneratorFunction(fn)) return yield* (r as TaskGenerator<unknown>);
  return r;
}
