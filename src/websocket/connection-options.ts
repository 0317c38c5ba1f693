import { argError, checkInteger, checkSeconds } from '../util/args';
import type { ConnectionOptions } from './connection';

/** Checks the per-connection settings shared by the server's config and both clients' options. */
export function checkConnectionOptions(fn: string, name: string, o: ConnectionOptions): void {
  checkSeconds(fn, `${name}.timeout`, o.timeout);
  checkSeconds(fn, `${name}.closeTimeout`, o.closeTimeout);
  if (o.maxBufferedAmount !== undefined) checkInteger(fn, `${name}.maxBufferedAmount`, o.maxBufferedAmount, 1, Number.MAX_SAFE_INTEGER);
  if (o.slowClient !== undefined && o.slowClient !== 'close' && o.slowClient !== 'skip') {
    throw argError(fn, `${name}.slowClient`, "'close' or 'skip'", o.slowClient);
  }
  for (const key of ['pingInterval', 'pingTimeout'] as const) {
    const v = o[key];
    if (v === null || v === undefined) continue;
    if (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v)) throw argError(fn, `${name}.${key}`, 'a number of seconds > 0, or null for none', v);
  }
}
