import { performance } from 'node:perf_hooks';
import { kernel } from './kernel';
import type { SchedulerObserver, WakeVia } from './observer';
import { Task, TaskState } from './task';
import { TaskStats } from './task-stats';
import type { DebugLog } from './debug-log';
import type { StepStats } from './step-stats';
import { END_CANCELLED, END_ERROR, END_OK, EV_END, EV_SLICE, EV_SPAWN, EV_WAKE, TraceRing, VIA_CODES } from './trace-ring';

/**
 * @internal The one scheduler observer. It serves every watcher at once (copas.debug's log, status(true)'s
 * accounting, the trace ring, the inspector) and is installed in the kernel only while one of them is on,
 * so an unwatched scheduler pays one null test per event.
 */
export class Monitor implements SchedulerObserver {
  /** copas.debug's log, while it is on. */
  debug: DebugLog | null = null;
  /** Copas' step statistics, while copas.status(true) turned them on. */
  steps: StepStats | null = null;
  /** copas.status(true) was called: keep per-task accounting. */
  accounting = false;
  /** The trace ring, while a trace or the inspector records. */
  ring: TraceRing | null = null;
  private ringUsers = 0;
  /** Task functions whose tasks are hidden (the inspector's own), and tasks they spawn. */
  readonly hiddenFns = new WeakSet<object>();
  /** > 0 while code of the inspector's own runs outside its tasks: tasks spawned then are hidden too. */
  hiding = 0;
  /** When the last run ended, and in which tick and step: the next run of the same step starts then. */
  private lastEnd = 0;
  private lastTick = -1;
  private lastStep = -1;

  /** Installs or removes the monitor as the kernel's observer after a watcher changed. */
  update(): void {
    kernel.observer = this.debug !== null || this.steps !== null || this.accounting || this.ring !== null ? this : null;
  }

  /** A ring for one more user (trace, inspector); the first user sets its size. */
  acquireRing(size: number): TraceRing {
    this.ringUsers++;
    if (this.ring === null) this.ring = new TraceRing(size);
    this.update();
    return this.ring;
  }

  releaseRing(): void {
    if (--this.ringUsers > 0) return;
    this.ringUsers = 0;
    this.ring = null;
    this.update();
  }

  /** The task's stats, made on first use (tasks spawned before anything watched). */
  statsOf(task: Task, now: number): TaskStats {
    let s = task.stats;
    if (s === null) s = task.stats = new TaskStats(now, false);
    return s;
  }

  /** True for the inspector's own tasks. */
  isHidden(task: Task): boolean {
    return task.stats !== null && task.stats.hidden;
  }

  spawned(task: Task, fn: unknown): void {
    const now = performance.now();
    const parent = kernel.current;
    const hidden = this.hiding > 0 || (typeof fn === 'function' && this.hiddenFns.has(fn))
      || (parent !== null && this.isHidden(parent));
    task.stats = new TaskStats(now, hidden);
    if (this.debug !== null) this.debug.spawned(task);
    if (this.ring !== null && !hidden) this.ring.add(EV_SPAWN, task, now, 0, visibleId(this, parent), 0, null);
  }

  runStart(task: Task): void {
    if (this.debug !== null) this.debug.resuming(task);
    if (!this.accounting && this.ring === null) return;
    // Runs of one step follow each other with nothing but the kernel's bookkeeping between them: the end of
    // one is the start of the next, which saves a clock read (~80 ns) per switch.
    const now = kernel.ticks === this.lastTick && kernel.stepNow === this.lastStep ? this.lastEnd : performance.now();
    const s = this.statsOf(task, now);
    s.resumes++;
    s.runStart = now;
    s.since = now;
  }

  runEnd(task: Task): void {
    if (this.debug !== null) this.debug.yielded(task);
    const s = task.stats;
    if (s === null || s.runStart < 0) return; // watching began during this run, or it ended in it
    this.closeRun(task, s, performance.now());
  }

  private closeRun(task: Task, s: TaskStats, now: number): void {
    this.lastEnd = now;
    this.lastTick = kernel.ticks;
    this.lastStep = kernel.stepNow;
    const start = s.runStart;
    const dur = now - start;
    s.runStart = -1;
    s.busy += dur;
    if (dur > s.longest) s.longest = dur;
    s.since = now;
    if (this.ring !== null && !s.hidden) {
      this.ring.add(EV_SLICE, task, start, dur, 0, (task.state << 4) | task.waitOn, task.state === TaskState.Waiting ? task.waitTarget : null);
    }
  }

  woken(task: Task, waker: Task | null, via: WakeVia): void {
    if (this.debug !== null) this.debug.woken(task, via === 'timer');
    if (!this.accounting && this.ring === null) return;
    const now = performance.now();
    const s = this.statsOf(task, now);
    s.since = now;
    s.waker = waker;
    s.via = via;
    if (this.ring !== null && !s.hidden) this.ring.add(EV_WAKE, task, now, 0, visibleId(this, waker), VIA_CODES[via], null);
  }

  ended(task: Task, ok: boolean, value: unknown): void {
    if (this.debug !== null) this.debug.ended(task, ok);
    const s = task.stats;
    if (s === null) return;
    const now = performance.now();
    if (s.runStart >= 0) this.closeRun(task, s, now); // its last run ends here: the slice comes before the end
    if (this.ring === null || s.hidden) return;
    const code = task.cancelled ? END_CANCELLED : ok ? END_OK : END_ERROR;
    this.ring.add(EV_END, task, now, 0, 0, code, ok ? null : value);
  }


  sleeps(task: Task, seconds: number): void {
    if (this.debug !== null) this.debug.sleeps(task, seconds);
  }

  stepped(start: number, end: number): void {
    if (this.steps !== null) this.steps.stepped(start, end);
  }

  coreTimer(begin: boolean): void {
    if (this.debug !== null) this.debug.coreTimer(begin);
  }
}

/** A task's id for the trace: 0 (the loop) for none or a hidden task. */
function visibleId(m: Monitor, t: Task | null): number {
  return t === null || m.isHidden(t) ? 0 : t.id;
}

/** @internal the process's monitor. */
export const monitor = new Monitor();
