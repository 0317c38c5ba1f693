import { TIME_ORIGIN_MS } from './clock';

/**
 * Copas' statistics of its steps since the previous copas.status call (Copas' `_getstats_instrumented`).
 * Durations are milliseconds rounded to the microsecond; times are gettime() seconds rounded to the
 * millisecond, but `time_avg`, milliseconds like the durations.
 */
export interface CopasStepStats {
  /** Steps run. */
  steps: number;
  /** The shortest step, ms. */
  duration_min: number;
  /** The longest step, ms. */
  duration_max: number;
  /** All steps together, ms. */
  duration_tot: number;
  /** duration_tot / steps, ms. */
  duration_avg: number;
  /** The shortest step since the statistics were turned on, ms. */
  duration_min_ever: number;
  /** The longest step since the statistics were turned on, ms. */
  duration_max_ever: number;
  /** When the first of these steps began, s. */
  time_start: number;
  /** When they were read (this copas.status call), s. */
  time_end: number;
  /** time_end - time_start, s. */
  time_tot: number;
  /** time_tot / steps, ms: how often a step came. */
  time_avg: number;
}

/** Milliseconds to milliseconds with microsecond precision (Copas' useconds, from ms). */
const usec = (ms: number): number => Math.floor(ms * 1000 + 0.5) / 1000;
/** Milliseconds to seconds with millisecond precision (Copas' mseconds). */
const msec = (ms: number): number => Math.floor(ms + 0.5) / 1000;

/** @internal the statistics while copas.status(true) turned them on; times are performance.now() ms. */
export class StepStats {
  private steps = 0;
  private min = Infinity;
  private max = 0;
  private tot = 0;
  private start = 0;
  private minEver = Infinity;
  private maxEver = 0;

  stepped(start: number, end: number): void {
    const d = end - start;
    if (this.steps === 0) this.start = start;
    this.steps++;
    if (d < this.min) this.min = d;
    if (d > this.max) this.max = d;
    this.tot += d;
  }

  /** The statistics of the steps since the last call, then starts counting anew; null if no step ran. */
  take(nowMs: number): CopasStepStats | null {
    const steps = this.steps;
    if (steps === 0) return null;
    if (this.min < this.minEver) this.minEver = this.min;
    if (this.max > this.maxEver) this.maxEver = this.max;
    const tot = nowMs - this.start;
    const stats: CopasStepStats = {
      steps,
      duration_min: usec(this.min),
      duration_max: usec(this.max),
      duration_tot: usec(this.tot),
      duration_avg: usec(this.tot / steps),
      duration_min_ever: usec(this.minEver),
      duration_max_ever: usec(this.maxEver),
      time_start: msec(TIME_ORIGIN_MS + this.start),
      time_end: msec(TIME_ORIGIN_MS + nowMs),
      time_tot: msec(tot),
      time_avg: usec(tot / steps),
    };
    this.steps = 0;
    this.min = Infinity;
    this.max = 0;
    this.tot = 0;
    return stats;
  }
}
