/**
 * Argument checks shared by every layer. Each failure throws an Error that names the function, the argument
 * and what was expected, so a ported Lua line that passes the wrong thing fails where it was written.
 */
import { checkKnownKeys } from './options-check';

/** Describes a value for an error message: its type, and the value itself when short. */
export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return value.length > 40 ? `a string of ${value.length} characters` : `'${value}'`;
  if (typeof value === 'number' || typeof value === 'boolean') return `${typeof value} ${String(value)}`;
  if (typeof value === 'function') return 'a function';
  if (Buffer.isBuffer(value)) return `a Buffer of ${value.length} bytes`;
  if (Array.isArray(value)) return 'an array';
  if (typeof (value as { then?: unknown }).then === 'function') return 'a Promise';
  return `a ${typeof value}`;
}

/** Throws `fn: argument 'name' must be <expected>, got <value>`. */
export function argError(fn: string, name: string, expected: string, value: unknown): Error {
  return new TypeError(`${fn}: argument '${name}' must be ${expected}, got ${describe(value)}`);
}

/** A time in seconds: a finite number >= 0 (or undefined when optional). */
export function checkSeconds(fn: string, name: string, value: unknown, optional = true): number | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) {
    throw argError(fn, name, 'a time in seconds (a number)', value);
  }
  if (value < 0) throw argError(fn, name, 'a time in seconds >= 0', value);
  return value;
}

/** Any number, not NaN (Lua's sleep accepts negatives with a meaning of their own). */
export function checkNumber(fn: string, name: string, value: unknown, optional = true): number | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'number' || Number.isNaN(value)) throw argError(fn, name, 'a number', value);
  return value;
}

/** A string (or undefined when optional). */
export function checkString(fn: string, name: string, value: unknown, optional = false): string | undefined {
  if (value === undefined && optional) return undefined;
  if (typeof value !== 'string') throw argError(fn, name, 'a string', value);
  return value;
}

/** An integer within [min, max]. */
export function checkInteger(fn: string, name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw argError(fn, name, `an integer from ${min} to ${max}`, value);
  }
  return value;
}

/** A plain function. */
export function checkFunction(fn: string, name: string, value: unknown, optional = false): void {
  if (value === undefined && optional) return;
  if (typeof value !== 'function') throw argError(fn, name, 'a function', value);
}

/** What calling a generator function returns (also an operation's iterator): an object with next and Symbol.iterator. */
function isGeneratorObject(value: unknown): boolean {
  return value !== null && typeof value === 'object' && typeof (value as { next?: unknown }).next === 'function'
    && typeof (value as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** A generator function (`function* () {}`): what Lua's coroutine bodies become. */
export function checkGeneratorFunction(fn: string, name: string, value: unknown): void {
  if (isGeneratorObject(value)) {
    throw new TypeError(`${fn}: argument '${name}' must be a generator function (function* () { ... }), got a generator object: `
      + `pass the function itself, not its call (${fn}(fn, ...args), not ${fn}(fn(...args)))`);
  }
  if (typeof value !== 'function') throw argError(fn, name, 'a generator function (function* () { ... })', value);
  const tag = (value as { constructor?: { name?: string } }).constructor?.name;
  if (tag !== 'GeneratorFunction') {
    const hint = tag === 'AsyncFunction' ? ' (an async function cannot be a task: write function* and use yield* copas.await(promise) where you awaited)'
      : ' (write function* instead of function)';
    throw new TypeError(`${fn}: argument '${name}' must be a generator function (function* () { ... }), got a plain function${hint}`);
  }
}

/**
 * A plain object of options (or undefined). With `known`, a key not in it is refused by name (see
 * checkKnownKeys; `foreign` maps other libraries' names to ours for the message).
 */
export function checkOptions(fn: string, name: string, value: unknown, known?: readonly string[],
  foreign?: Readonly<Record<string, string>>): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (typeof value !== 'object' || Array.isArray(value)) throw argError(fn, name, 'an options object', value);
  if (known !== undefined) checkKnownKeys(fn, name, value, known, foreign);
  return value as Record<string, unknown>;
}

/**
 * An optional time in seconds (>= 0, Infinity allowed). `null` counts as not given, so Lua's
 * `lock.new(nil, true)` ports as `lock.new(null, true)`.
 */
export function optSeconds(fn: string, name: string, value: unknown): number | undefined {
  return checkSeconds(fn, name, value === null ? undefined : value);
}
