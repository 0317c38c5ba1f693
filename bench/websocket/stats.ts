/**
 * The arithmetic of bench/websocket/run.ts, kept apart so that it is tested (spec/bench/stats.spec.ts):
 * medians, the order of servers in a round, and ratios of servers that ran side by side.
 */

/** The median (the mean of the middle two for an even count); NaN for none. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const n = s.length;
  return n === 0 ? NaN : n % 2 ? s[(n - 1) / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Round r starts at server r (A B C, B C A, C A B, ...): no server always runs first or right after another. */
export function rotated<T>(xs: readonly T[], r: number): T[] {
  return xs.map((_, i) => xs[(i + r) % xs.length]);
}

/** Ratios of `a` to `b` taken round by round, summed up. */
export interface PairedRatios { median: number; min: number; max: number; better: number; rounds: number }

/**
 * Round r of `a` and of `b` ran side by side in time, so their ratio is free of the drift between rounds.
 * `better` counts the rounds where `a` did better (a ratio over 1, or under 1 when lower is better).
 * Null when the two have no rounds or not the same number.
 */
export function pairedRatios(a: readonly number[], b: readonly number[], lowerBetter: boolean): PairedRatios | null {
  if (a.length === 0 || a.length !== b.length) return null;
  const rs = a.map((x, i) => x / b[i]);
  return {
    median: median(rs),
    min: Math.min(...rs),
    max: Math.max(...rs),
    better: rs.filter((r) => (lowerBetter ? r < 1 : r > 1)).length,
    rounds: rs.length,
  };
}
