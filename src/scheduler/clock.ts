import { performance } from 'node:perf_hooks';

/**
 * Seconds since the epoch with sub-millisecond precision, like LuaSocket's `socket.gettime()`.
 * Monotonic within the process (performance.now), anchored to the epoch once.
 */
const origin = performance.timeOrigin;
export function gettime(): number {
  return (origin + performance.now()) / 1000;
}
