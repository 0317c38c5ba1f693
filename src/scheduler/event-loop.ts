import { performance } from 'node:perf_hooks';
import { gettime, TIME_ORIGIN_MS } from './clock';

/** How long one tick may keep stepping before it lets Node poll I/O (ms). */
const STEP_BUDGET_MS = 2;
/** Ticks in a row that may run as microtasks before one goes through setImmediate (see EventLoop.schedule). */
const MICRO_TICKS = 16;

/**
 * Drives the dispatcher from Node's event loop: ticks (each runs steps back to back for up to
 * STEP_BUDGET_MS), run as microtasks right after the callback that made work ready, or as a setImmediate when
 * Node must poll I/O first, and one Node timer armed at the earliest deadline when nothing is ready. No Promise
 * and no setImmediate per step. The dispatcher (kernel.ts) supplies the steps and says when it is finished.
 */
export abstract class EventLoop {
  /** True while loop() runs. */
  running = false;
  /** True after exit() until the next loop(). */
  exiting = false;
  /** Ticks the loop has run: lets the socket layer tell a tick's first write from the next ones. */
  ticks = 0;
  /** Tasks in the ready list: the tick goes on stepping while there are some. */
  protected abstract readyLen: number;
  private immediate: NodeJS.Immediate | null = null;
  private microQueued = false;
  /** Ticks run as microtasks since the last macrotask tick (see schedule). */
  private microTicks = 0;
  private inTick = false;
  private nodeTimer: NodeJS.Timeout | null = null;
  private nodeTimerAt = Infinity;
  private loopDone: (() => void) | null = null;
  /** copas.loop's timeout: the longest the loop waits with nothing due before it runs an (idle) step. */
  private loopTimeout = Infinity;
  /** While copas.step(timeout) waits: called when a task becomes ready. */
  private stepWaiter: (() => void) | null = null;
  /** Tasks woken from outside tasks and timers since the last step by hand (see Kernel.outsideWakes). */
  abstract outsideWakes: number;

  /** Runs one step at `now` (seconds); true if a task ran. */
  abstract step(now?: number): boolean;
  /** True when nothing is left to do. */
  abstract finished(): boolean;
  /** Signals exit (wakes copas.waitforexit). */
  abstract exit(): void;
  /** The earliest deadline in the timer heap, or undefined when it is empty. */
  protected abstract nextDeadline(): number | undefined;
  /** Gives a past burst's memory back once the loop has stopped. */
  protected abstract trimIdle(): void;

  /** Starts the loop; the Promise resolves once finished() and exit have been seen. */
  loop(timeout = Infinity): Promise<void> {
    if (this.running) throw new Error('copas.loop: the loop is already running');
    if (this.stepWaiter !== null) throw new Error('copas.loop: a copas.step(timeout) is still waiting');
    this.loopTimeout = timeout;
    this.exiting = false;
    this.running = true;
    const done = new Promise<void>((resolve) => { this.loopDone = resolve; });
    this.scheduleMacrotask();
    return done;
  }

  /**
   * Work appeared outside a tick (a socket's data, a resolved Promise, a call from plain code): run a tick as
   * a microtask, right after the callback that caused it, instead of a macrotask later; a lone request and its
   * reply then cost no trip through the event loop. Inside a tick nothing is needed (runTick looks at the
   * ready list before it ends). Microtask ticks in a row are bounded (MICRO_TICKS) so a chain of them (tasks
   * awaiting resolved Promises) cannot keep Node from polling I/O: every so often the tick is a setImmediate.
   */
  protected schedule(): void {
    if (!this.running) {
      if (this.stepWaiter !== null) this.stepWaiter();
      return;
    }
    if (this.inTick || this.immediate !== null || this.microQueued) return;
    if (this.microTicks < MICRO_TICKS) {
      this.microTicks++;
      this.microQueued = true;
      queueMicrotask(this.microTick);
      return;
    }
    this.immediate = setImmediate(this.tick);
  }

  /** True when a Node I/O callback may run a tick right inside it: the loop runs and no tick runs or is due. */
  protected canTickInCallback(): boolean {
    return this.running && !this.inTick && this.immediate === null && !this.microQueued;
  }

  /** Runs a tick inside a Node I/O callback (see canTickInCallback). */
  protected tickInCallback(): void {
    this.microTicks = 0; // Node just polled I/O: a chain of microtask ticks did not starve it
    this.runTick();
  }

  /** A tick as a macrotask: after the current event-loop phase, so Node polls I/O in between. */
  private scheduleMacrotask(): void {
    if (this.running && this.immediate === null) this.immediate = setImmediate(this.tick);
  }

  private readonly tick = (): void => {
    this.immediate = null;
    this.microTicks = 0;
    this.runTick();
  };

  private readonly microTick = (): void => {
    this.microQueued = false;
    if (this.immediate === null && !this.inTick) this.runTick();
  };

  private runTick(): void {
    if (!this.running) return;
    this.ticks++;
    this.inTick = true;
    try {
      const start = performance.now();
      let t = start;
      do {
        this.step((TIME_ORIGIN_MS + t) / 1000);
        // Every step reads the clock, as Copas' does: a sleeper whose deadline passed during a step wakes in
        // the next one, pause(0) measures what the other tasks took, and a tick of long steps keeps its budget.
        t = performance.now();
      } while (this.readyLen > 0 && t - start < STEP_BUDGET_MS && this.running);
    } finally {
      this.inTick = false;
    }
    if (!this.running) return;
    if (this.finished()) {
      if (this.exiting) { this.stop(); return; }
      this.exit(); // wakes waitforexit; the loop ends once it is finished again
      this.scheduleMacrotask();
      return;
    }
    if (this.readyLen > 0) { this.scheduleMacrotask(); return; }
    this.armTimer();
  }

  private armTimer(): void {
    let deadline = this.nextDeadline();
    // With copas.loop's timeout the loop wakes at least that often, as Copas' select returns then.
    if (this.loopTimeout !== Infinity) deadline = Math.min(deadline ?? Infinity, gettime() + this.loopTimeout);
    if (deadline === undefined) { this.clearTimer(); return; }
    if (this.nodeTimer !== null && this.nodeTimerAt === deadline) return;
    this.clearTimer();
    const ms = Math.max(0, Math.ceil((deadline - gettime()) * 1000));
    this.nodeTimerAt = deadline;
    this.nodeTimer = setTimeout(this.timerTick, ms);
  }

  private readonly timerTick = (): void => {
    this.nodeTimer = null;
    this.nodeTimerAt = Infinity;
    this.microTicks = 0;
    if (this.immediate === null) this.runTick();
  };

  private clearTimer(): void {
    if (this.nodeTimer !== null) { clearTimeout(this.nodeTimer); this.nodeTimer = null; this.nodeTimerAt = Infinity; }
  }

  /**
   * copas.step(timeout) while the loop does not run: waits until a task is ready, the earliest deadline
   * comes or `seconds` pass, then runs one step. True if a task was woken from outside (I/O, a Promise, a
   * Node callback) since the last step by hand, as Copas answers true when its select saw socket events.
   */
  stepWithin(seconds: number): Promise<boolean> {
    if (this.running) throw new Error('copas.step: the loop is running; step() is for driving copas by hand');
    if (this.stepWaiter !== null) throw new Error('copas.step: another copas.step(timeout) is still waiting');
    return new Promise<boolean>((resolve, reject) => {
      let timer: NodeJS.Timeout | null = null;
      let queued = false;
      const go = (until: number): void => {
        if (timer !== null) clearTimeout(timer);
        this.stepWaiter = null;
        const outside = this.outsideWakes > 0;
        this.outsideWakes = 0;
        try { this.step(Math.max(gettime(), until)); } catch (err) { reject(err); return; }
        resolve(outside);
      };
      const goAtOnce = (): void => go(0);
      if (this.readyLen > 0) { queued = true; queueMicrotask(goAtOnce); return; }
      let at = gettime() + seconds;
      const next = this.nextDeadline();
      if (next !== undefined && next < at) at = next;
      // A Node timer can fire up to a millisecond before its time by our clock (libuv counts from the loop's
      // cached time): a wait that ended on the deadline steps at the deadline, so its sleeper is due.
      if (at !== Infinity) timer = setTimeout(go, Math.max(0, Math.ceil((at - gettime()) * 1000)), at);
      // A ready task ends the wait; the step runs as a microtask, not inside the callback that woke it.
      this.stepWaiter = () => {
        if (!queued && this.readyLen > 0) { queued = true; queueMicrotask(goAtOnce); }
      };
    });
  }

  private stop(): void {
    this.running = false;
    this.trimIdle();
    this.clearTimer();
    if (this.immediate !== null) { clearImmediate(this.immediate); this.immediate = null; }
    const done = this.loopDone;
    this.loopDone = null;
    if (done) done();
  }
}
