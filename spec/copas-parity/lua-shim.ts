/**
 * The few Lua globals Copas' test scripts use, so that their ports read line by line: print (through
 * console.log, as the default error handler prints, so a port that replaces it sees both, as a Lua script that
 * replaces `print` does), tostring, assert, os.exit and pcall.
 */
import { copas } from '../../src';
import { Task } from '../../src/scheduler';

/** Lua's tostring for the values the scripts print. */
export function tostring(v: unknown): string {
  if (v === null || v === undefined) return 'nil';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : luaFloat(v);
  if (typeof v === 'string' || typeof v === 'boolean') return String(v);
  if (v instanceof Task) return v.toString();
  if (typeof v === 'function') return 'function: builtin';
  if (v instanceof Error) return v.message;
  return 'table: 0x0';
}

/** Lua 5.3 prints floats with %.14g. */
function luaFloat(v: number): string {
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
  return String(Number(v.toPrecision(14)));
}

/** Lua's print: arguments through tostring, tab separated. */
export function print(...args: unknown[]): void {
  if (state.exited) return;
  console.log(args.map(tostring).join('\t'));
}

/** Lua's assert: throws the message (default 'assertion failed!') when v is falsy (null, undefined, false). */
export function assert<T>(v: T, message?: string): T {
  if (v === null || v === undefined || (v as unknown) === false) throw new Error(message ?? 'assertion failed!');
  return v;
}

/** Lua's pcall for a plain function: `[true, ...]` or `[false, message]`. */
export function pcall(fn: () => unknown): [true, unknown] | [false, string] {
  try {
    return [true, fn()];
  } catch (e) {
    return [false, e instanceof Error ? e.message : String(e)];
  }
}

/** What os.exit recorded. */
export const state = { exited: false, code: 0 };

/**
 * Lua's os.exit ends the process. A port cannot end jest's, so it records the code, cancels every task and
 * silences print: the run ends as the Lua one did, with nothing printed after the exit.
 */
export const os = {
  exit(code: number | boolean = 0): void {
    if (state.exited) return;
    state.exited = true;
    state.code = code === true ? 0 : code === false ? 1 : code & 0xff;
    copas.cancelall();
  },
};
