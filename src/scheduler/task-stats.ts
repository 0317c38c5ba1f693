import type { WakeVia } from './observer';
import type { Task } from './task';

/**
 * @internal What the monitor counts for one task while the scheduler is watched. Times are
 * performance.now() milliseconds.
 */
export class TaskStats {
  /** When the task last changed state (ran, stopped, was woken). */
  since: number;
  /** Times its generator was resumed. */
  resumes = 0;
  /** Milliseconds spent running. */
  busy = 0;
  /** The longest single run (resume to suspension), ms: a long one is the bug of a task that never yields. */
  longest = 0;
  /** Start of the run in progress, or -1. */
  runStart = -1;
  /** Who made it ready last: a task, or null for the loop itself (a timer, I/O, a callback). */
  waker: Task | null = null;
  /** How it was made ready last, or null if it never was. */
  via: WakeVia | null = null;
  /** A task of the inspector's own: left out of everything it shows. */
  hidden: boolean;

  constructor(now: number, hidden: boolean) {
    this.since = now;
    this.hidden = hidden;
  }
}
