import { luaPrint, luaString } from './debug-log';
import { argError } from '../util/args';

/**
 * The names copas.debug.socket prints for the arguments (`_in`) and results (`_out`) of the socket methods
 * Copas describes (its own table, padded as Copas pads them); other methods print positions.
 */
const DESCRIPTIONS: Readonly<Record<string, readonly string[]>> = {
  settimeout_in: ['socket ', 'seconds', 'mode   '],
  settimeout_out: ['success', 'error  '],
  connect_in: ['socket ', 'address', 'port   '],
  connect_out: ['success', 'error  '],
  getfd_in: ['socket '],
  getfd_out: ['fd'],
  send_in: ['socket   ', 'data     ', 'idx-start', 'idx-end  '],
  send_out: ['last-idx-send    ', 'error            ', 'err-last-idx-send'],
  receive_in: ['socket ', 'pattern', 'prefix '],
  receive_out: ['received    ', 'error       ', 'partial data'],
  dirty_in: ['socket'],
  dirty_out: ['data in read-buffer'],
  close_in: ['socket'],
  close_out: ['success', 'error'],
};

/** Lua's type() for what socket methods take and give; the socket itself is a userdata, as LuaSocket's. */
function luaType(v: unknown, socket: object): string {
  if (v === null || v === undefined) return 'nil';
  if (v === socket) return 'userdata';
  if (typeof v === 'string' || Buffer.isBuffer(v)) return 'string';
  if (typeof v === 'object') return 'table';
  return typeof v; // number, boolean, function
}

/** Prints one call's or result's lines, as Copas' print_call. */
function printCall(key: string, message: string, values: readonly unknown[], socket: object): void {
  luaPrint(message);
  const desc = DESCRIPTIONS[key] ?? [];
  for (let i = 0; i < Math.max(values.length, desc.length); i++) {
    const v = values[i];
    const label = desc[i] ?? String(i + 1);
    if (typeof v === 'string' || Buffer.isBuffer(v)) {
      const text = typeof v === 'string' ? v : v.toString('latin1');
      const shown = text.length > 30 ? `${text.slice(0, 30)}(...truncated)` : text;
      luaPrint(`\t${label}: '${shown}' (string #${text.length})`);
    } else {
      luaPrint(`\t${label}: '${v === socket ? String(socket) : luaString(v)}' (${luaType(v, socket)})`);
    }
  }
}

/** An operation (what `yield*` runs): its results are printed when it ends. */
function isIterator(v: unknown): v is Iterator<unknown, unknown, unknown> {
  return v !== null && typeof v === 'object' && typeof (v as { next?: unknown }).next === 'function'
    && typeof (v as { [Symbol.iterator]?: unknown })[Symbol.iterator] === 'function';
}

/** A method's results as Lua's multiple values: a result tuple is spread, anything else is one value. */
const asValues = (r: unknown): readonly unknown[] => (Array.isArray(r) ? r : r === undefined ? [] : [r]);

let callId = 0;

/**
 * copas.debug.socket: a proxy of `skt` whose method calls print Copas' "N-calling 'name' with; " lines, each
 * argument, then "N-results 'name' returned; " and each result (for an operation, when it ends). Everything
 * else is the socket's own, so the proxy still works as the socket.
 *
 * Lua: `skt = copas.debug.socket(skt)`  ->  TS: `skt = copas.debug.socket(skt)`
 */
export function debugSocket<S extends object>(skt: S): S {
  if (skt === null || typeof skt !== 'object') throw argError('copas.debug.socket', 'skt', 'a socket', skt);
  const wrappers = new Map<PropertyKey, (...args: unknown[]) => unknown>();
  return new Proxy(skt, {
    get(target, key): unknown {
      const value: unknown = Reflect.get(target, key, target);
      if (typeof value !== 'function' || typeof key !== 'string') return value;
      let w = wrappers.get(key);
      if (w === undefined) {
        const method = value as (...args: unknown[]) => unknown;
        w = function debugCall(...args: unknown[]): unknown {
          const id = ++callId;
          printCall(`${key}_in`, `${id}-calling '${key}' with; `, [target, ...args], target);
          const result = method.apply(target, args);
          if (!isIterator(result)) {
            printCall(`${key}_out`, `${id}-results '${key}' returned; `, asValues(result), target);
            return result;
          }
          return (function* printed(): Generator<unknown, unknown, unknown> {
            const r: unknown = yield* result as Generator<unknown, unknown, unknown>;
            printCall(`${key}_out`, `${id}-results '${key}' returned; `, asValues(r), target);
            return r;
          })();
        };
        wrappers.set(key, w);
      }
      return w;
    },
  });
}
