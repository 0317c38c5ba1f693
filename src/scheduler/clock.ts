import { performance } from 'node:perf_hooks';

/**
 * Seconds since the epoch with sub-millisecond precision, like LuaSocket's `socket.gettime()`.
 * Monotonic within the process (performance.now), anchored to the epoch once.
 */
/** performance.timeOrigin (a getter) read once, in ms. */
export const TIME_ORIGIN_MS = performance.timeOrigin;
export function gettime(): number {
  return (TIME_ORIGIN_MS + performance.now()) / 1000;
}
