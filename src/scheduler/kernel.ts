import { performance } from 'node:perf_hooks';
import { gettime } from './clock';
import { callErrorHandler, formatTraceback, misuseError } from './diagnostics';
import { EventLoop } from './event-loop';
import { KEEPS_LOOP_ALIVE, LETS_LOOP_FINISH, SUSPEND, TIMED_OUT, type TaskFunction, type TaskGenerator, type WaitLiveness } from './operation';
import { Task, TaskState, type ErrorHandler, type TaskNamer } from './task';
import { WaitOn, type SchedulerObserver, type StepGate, type WakeVia } from './observer';
import { TimerHeap, type HeapEntry } from './timer-heap';
import { WaitList } from './wait-list';
import { describe } from '../util/args';

/** A callback timer in the heap (copas.timeout, copas.timer): fires on the loop, not in a task. */
export interface CallbackEntry extends HeapEntry {
  fire(): void;
}

type Entry = Task | CallbackEntry;

const NEXT = 0;
const RETURN = 1;
const THROW = 2;

/**
 * The dispatcher: the tasks, the ready list, the timer heap and step(); EventLoop (event-loop.ts) drives the
 * steps from Node's event loop.
 *
 * Copas' order is kept: a step first moves expired sleepers to the ready list (earliest deadline first), then
 * runs a snapshot of the ready list FIFO; whatever becomes ready meanwhile runs in the next step.
 */
export class Kernel extends EventLoop {
  /** The task whose generator is executing, or null outside tasks. */
  current: Task | null = null;
  /** gettime() at the start of the current step: pause(0) measures its sleep with it (no clock read per hop). */
  stepNow = 0;
  /** stepNow of the step before: a task that gave the turn in that step slept stepNow - prevStepNow. */
  prevStepNow = 0;
  /** Named objects (tasks, sockets): copas.setthreadname / setsocketname. */
  readonly names = new WeakMap<object, string>();
  /** Every task that has not ended. */
  readonly tasks = new Set<Task>();
  /** Tasks in pauseforever, held weakly; entries of collected tasks are pruned as the set doubles. */
  /** @internal (read by copas.status(true)) */
  readonly sleepers = new Set<WeakRef<Task>>();
  private sleepersPruneAt = 1024;
  /** Upper layers' teardown for copas.cancelall (the socket layer removes its servers). */
  readonly cancelHooks = new Set<() => void>();
  /** @internal who watches the scheduler (copas.debug, status accounting, trace, inspector); null: nobody, no cost. */
  observer: SchedulerObserver | null = null;
  /** @internal holds ready tasks back while the scheduler is paused (step mode); null: not paused. */
  gate: StepGate | null = null;
  defaultErrorHandler: ErrorHandler = (err, task, skt) => {
    console.log(this.gettraceback(err, task, skt)); // Copas prints with Lua's print, to stdout
  };

  private ready: Array<Task | null> = [];
  protected readyLen = 0;
  private spare: Array<Task | null> = [];
  /** The ready list a step is running (entries of cancelled tasks are nulled in it). */
  private snapshot: Array<Task | null> | null = null;
  private snapshotLen = 0;
  private readonly heap = new TimerHeap<Entry>();
  private heapTasks = 0;
  private callbackTimers = 0;
  private lethargic = 0;
  private aliveWaits = 0;
  /** Of aliveWaits, the waits to write (send, connect): copas.status()'s `write`. */
  private writeWaits = 0;
  /** Tasks woken from outside a task and a timer (I/O, a Promise, a Node callback): copas.step(timeout)'s answer. */
  outsideWakes = 0;
  private holds = 0;
  /** Tasks in waitforexit (made when the first one waits: see wait-list.ts on the import cycle). */
  private exitWaiters: WaitList | null = null;

  // ---- tasks -------------------------------------------------------------------------------------------

  /** Creates a task that first runs on the next step; `socket`: the client a server hands it. */
  spawn<A extends unknown[], T>(name: string | TaskNamer | undefined, fn: TaskFunction<A, T>, args: A, socket?: object): Task<T> {
    const gen = fn(...args) as TaskGenerator<T>;
    if (gen === null || typeof gen !== 'object' || typeof gen.next !== 'function') {
      throw new TypeError(`copas.addthread: the task function must be a generator function (function* () { ... }), it returned ${describe(gen)}`);
    }
    const task = new Task<T>(gen, name);
    if (socket !== undefined) task.socket = socket;
    this.tasks.add(task as Task);
    if (this.observer !== null) this.observer.spawned(task as Task, fn);
    this.enqueue(task as Task);
    return task;
  }

  /** The running task, or an Error saying the operation needs one. */
  currentOrThrow(what: string): Task {
    const t = this.current;
    if (t === null) {
      throw new Error(`${what}: must be called inside a copas task with yield* (add the task with copas.addthread, then run copas.loop())`);
    }
    return t;
  }

  // ---- the suspension primitive ------------------------------------------------------------------------

  /**
   * Suspends the running task until `resume(task, value)` (returns value) or until `timeout` seconds pass
   * (returns TIMED_OUT). `liveness`: whether this wait keeps loop() from finishing (see WaitLiveness). The
   * caller registers the task where its waker will find it (a WaitList, a socket) before entering it.
   */
  *wait<T = unknown>(timeout: number | undefined, liveness: WaitLiveness, on: WaitOn, target: unknown): TaskGenerator<T | typeof TIMED_OUT> {
    this.park(this.currentOrThrow('wait'), timeout, liveness, on, target);
    return (yield SUSPEND) as T | typeof TIMED_OUT;
  }

  /**
   * wait() without its generator, for hot paths: parks `task` (the running one); the caller then yields
   * SUSPEND itself and gets the resume value (or TIMED_OUT) from that yield.
   */
  park(task: Task, timeout: number | undefined, liveness: WaitLiveness, on: WaitOn, target: unknown): void {
    task.state = TaskState.Waiting;
    task.setWait(on, target);
    if (liveness === KEEPS_LOOP_ALIVE) {
      task.keepsAlive = true;
      this.aliveWaits++;
      if (on === WaitOn.Write || on === WaitOn.Connect) this.writeWaits++;
    }
    if (timeout !== undefined && timeout !== Infinity) { this.heap.push(task, gettime() + timeout); this.heapTasks++; }
  }

  /** Suspends the running task for `seconds` (> 0), or until copas.wakeup. */
  *sleepFor(seconds: number): TaskGenerator<void> {
    const task = this.currentOrThrow('copas.pause');
    task.state = TaskState.Sleeping;
    this.heap.push(task, gettime() + seconds);
    this.heapTasks++;
    if (this.observer !== null) this.observer.sleeps(task, seconds);
    yield SUSPEND;
  }

  /** Suspends the running task until copas.wakeup; keeps no loop alive. */
  *sleepForever(): TaskGenerator<void> {
    const task = this.currentOrThrow('copas.pauseforever');
    task.state = TaskState.Lethargic;
    this.lethargic++;
    // Held only weakly while it sleeps: a task nobody can wake any more is garbage, as a Lua coroutine is;
    // cancelall still reaches the live ones.
    this.tasks.delete(task);
    this.sleepers.add(task.weakSelf ??= new WeakRef(task));
    if (this.sleepers.size > this.sleepersPruneAt) this.pruneSleepers();
    yield SUSPEND;
  }

  /** Makes a suspended task ready with `value` as its operation's result. False if it was not suspended. */
  resume(task: Task, value?: unknown): boolean {
    if (!this.takeSuspended(task, value, 'call')) return false;
    this.enqueue(task);
    return true;
  }

  /**
   * resume() for a Node I/O callback (a socket's data): the tick runs right here, inside the callback, as
   * `ws` answers inside its 'data' handler, instead of as a microtask after it. It is plain resume() inside a
   * tick or a task (a callback Node made synchronously from one) and when a tick is already on its way.
   */
  resumeFromIo(task: Task, value?: unknown): void {
    if (this.current !== null || !this.canTickInCallback()) {
      this.resume(task, value);
      return;
    }
    if (!this.takeSuspended(task, value, 'io')) return;
    this.enqueue(task, false);
    this.tickInCallback();
  }

  /** Takes a suspended task out of what holds it, with `value` for its operation; false if not suspended. */
  private takeSuspended(task: Task, value: unknown, via: WakeVia): boolean {
    const s = task.state;
    if (s !== TaskState.Waiting && s !== TaskState.Sleeping && s !== TaskState.Lethargic) return false;
    if (this.observer !== null) this.observer.woken(task, this.current, via);
    if (via !== 'timer' && this.current === null) this.outsideWakes++;
    this.unpark(task);
    task.resumeValue = value;
    task.waitTarget = null; // hold no Promise or socket past the wait
    return true;
  }

  /** copas.wakeup: only sleepers (pause, sleep, pauseforever) are woken, as in Copas. */
  wakeup(task: Task): void {
    if (task.state === TaskState.Sleeping || task.state === TaskState.Lethargic) this.resume(task);
  }

  /** @internal the heap says `task`'s deadline passed. */
  expire(task: Task): void {
    this.heapTasks--;
    if (this.takeSuspended(task, task.state === TaskState.Waiting ? TIMED_OUT : undefined, 'timer')) this.enqueue(task);
  }

  /** Something outside tasks (a server socket, a pending connect) keeps the loop alive while held. */
  hold(): void { this.holds++; }
  release(): void { this.holds--; this.schedule(); }

  // ---- callback timers ---------------------------------------------------------------------------------

  /** Arms a callback entry to fire after `seconds`. */
  addCallbackTimer(entry: CallbackEntry, seconds: number): void {
    if (entry.index >= 0) this.cancelCallbackTimer(entry);
    this.heap.push(entry, gettime() + seconds);
    this.callbackTimers++;
    this.schedule();
  }

  cancelCallbackTimer(entry: CallbackEntry): boolean {
    if (!this.heap.remove(entry)) return false;
    this.callbackTimers--;
    return true;
  }

  // ---- ending tasks ------------------------------------------------------------------------------------

  /** copas.removethread: ends the task with return(), so its finally blocks run. */
  removethread(task: Task): void {
    if (task.state === TaskState.Dead) return;
    task.cancelled = true;
    if (task.state === TaskState.Running) { task.cancelRequested = true; return; }
    this.unpark(task);
    this.terminate(task);
  }

  private terminate(task: Task): void {
    task.cancelRequested = false;
    this.drive(task, RETURN, undefined);
  }

  private finish(task: Task, ok: boolean, value: unknown): void {
    task.state = TaskState.Dead;
    this.tasks.delete(task);
    if (this.observer !== null) this.observer.ended(task, ok, value);
    if (task.results === null) {
      if (task.cancelled) task.results = [false, 'cancelled'];
      else if (ok) task.results = [true, value];
      else {
        task.error = value;
        // an Error gives its message, as Lua's error(string) does; any other thrown value stays itself
        task.results = [false, value instanceof Error ? value.message : value];
      }
    }
    if (!ok && task.reportErrors) this.reportError(value, task, task.socket);
    const fin = task.finalizers;
    if (fin !== null) {
      task.finalizers = null;
      if (typeof fin === 'function') this.runFinalizer(fin, task);
      else for (const f of fin) this.runFinalizer(f, task);
    }
    task.waiters?.wakeAll();
    task.errorHandler = undefined;
    this.schedule();
  }

  private runFinalizer(f: (task: Task) => void, task: Task): void {
    try { f(task); } catch (err) { this.reportError(err, task, task.socket); }
  }

  /** Calls the task's error handler (or the default); an error handler that throws is reported, not fatal. */
  reportError(err: unknown, task: Task | null, skt: unknown): void {
    callErrorHandler(task?.errorHandler ?? this.defaultErrorHandler, err, task, skt);
  }

  /** copas.gettraceback: the message, the task and socket names, and the stack. */
  gettraceback(msg: unknown, task: Task | null, skt: unknown): string {
    const co = task === null ? 'nil' : this.nameOf(task);
    const sk = skt === undefined || skt === null ? 'nil' : this.nameOf(skt as object);
    return formatTraceback(msg, co, sk);
  }

  /** The name set for an object, else its toString(), as Copas' object_names does. */
  nameOf(obj: object): string {
    const n = this.names.get(obj);
    if (n !== undefined) return n;
    if (obj instanceof Task && obj.name !== undefined) return obj.name;
    return String(obj);
  }

  // ---- exit --------------------------------------------------------------------------------------------

  exit(): void {
    if (this.exiting) return;
    this.exiting = true;
    this.exitWaiters?.wakeAll();
  }

  *waitforexit(): TaskGenerator<void> {
    while (!this.exiting) yield* (this.exitWaiters ??= new WaitList(WaitOn.Exit, null)).wait('copas.waitforexit', undefined, LETS_LOOP_FINISH);
  }

  private pruneSleepers(): void {
    for (const ref of this.sleepers) if (ref.deref() === undefined) this.sleepers.delete(ref);
    this.sleepersPruneAt = Math.max(1024, this.sleepers.size * 2);
  }

  /** copas.cancelall: ends every task (finally blocks run), drops every timer and hold, signals exit. */
  cancelall(): void {
    for (const hook of [...this.cancelHooks]) hook();
    const live = [...this.tasks];
    for (const ref of this.sleepers) { const t = ref.deref(); if (t !== undefined) live.push(t); }
    for (const task of live) this.removethread(task);
    for (const e of this.heap.clear()) {
      if (e instanceof Task) this.unpark(e); // a task a finally block put to sleep
    }
    this.heapTasks = 0;
    this.callbackTimers = 0;
    this.ready.fill(null);
    this.readyLen = 0;
    this.exit();
    this.schedule();
  }

  // ---- the loop ----------------------------------------------------------------------------------------

  /** True when nothing is left to do: no ready task, no timed sleeper or wait, no I/O, no server. */
  finished(): boolean {
    return this.readyLen === 0 && this.heapTasks === 0 && this.aliveWaits === 0 && this.holds === 0
      && !(this.callbackTimers > 0 && this.lethargic > 0) && (this.gate === null || this.gate.heldCount === 0);
  }

  /** One step now: expired sleepers become ready, then the ready snapshot runs. True if any task ran. */
  step(now: number = gettime()): boolean {
    const observer = this.observer;
    if (observer === null) return this.runStep(now);
    const start = performance.now();
    const ran = this.runStep(now);
    observer.stepped(start, performance.now());
    return ran;
  }

  private runStep(now: number): boolean {
    this.prevStepNow = this.stepNow;
    this.stepNow = now;
    const heap = this.heap;
    let e = heap.peek();
    let core = false;
    while (e !== undefined && e.deadline <= now) {
      heap.pop();
      if (!(e instanceof Task)) {
        this.callbackTimers--;
        if (!core && this.observer !== null) { core = true; this.observer.coreTimer(true); }
      }
      this.fireEntry(e);
      e = heap.peek();
    }
    if (core && this.observer !== null) this.observer.coreTimer(false);
    const n = this.readyLen;
    if (n === 0) return false;
    const tasks = this.ready;
    this.ready = this.spare;
    this.readyLen = 0;
    this.snapshot = tasks;
    this.snapshotLen = n;
    // One test per step, not per task: a watcher or a pause that begins during a step applies from the next.
    const watched = this.observer !== null || this.gate !== null;
    for (let i = 0; i < n; i++) {
      const t = tasks[i];
      tasks[i] = null; // no length truncation (a runtime call): slots are reused, references dropped
      if (t !== null) {
        if (watched) this.runWatched(t);
        else this.run(t);
      }
    }
    this.snapshot = null;
    // Give a past burst's memory back once steps are much smaller; a steady large list keeps its slots.
    if (tasks.length > 1024 && n * 4 < tasks.length) tasks.length = 0;
    this.spare = tasks;
    return true;
  }

  private fireEntry(e: Entry): void {
    try {
      e.fire();
    } catch (err) {
      this.reportError(err, null, undefined);
    }
  }

  private run(task: Task): void {
    const v = task.resumeValue;
    task.resumeValue = undefined;
    this.drive(task, NEXT, v);
  }

  /** run() while watched or paused: the gate may hold the task back; the observer sees the run. */
  private runWatched(task: Task): void {
    const gate = this.gate;
    if (gate !== null && !gate.admit(task)) return;
    const observer = this.observer;
    if (observer !== null) observer.runStart(task);
    this.run(task);
    if (observer !== null) observer.runEnd(task);
  }

  /** Resumes the generator one way (next / return / throw) and deals with how it stopped. */
  private drive(task: Task, how: typeof NEXT | typeof RETURN | typeof THROW, arg: unknown): void {
    const prev = this.current;
    this.current = task;
    task.state = TaskState.Running;
    let r: IteratorResult<unknown, unknown>;
    try {
      r = how === NEXT ? task.gen.next(arg) : how === RETURN ? task.gen.return(undefined) : task.gen.throw(arg);
    } catch (err) {
      this.current = prev;
      this.finish(task, false, err);
      return;
    }
    this.current = prev;
    if (r.done === true) this.finish(task, true, how === RETURN ? undefined : r.value);
    else this.afterYield(task, r.value);
  }

  /** The task yielded `value`: check it is our token and that it parked itself; handle a pending cancel. */
  private afterYield(task: Task, value: unknown): void {
    if (value !== SUSPEND || task.state === TaskState.Running) {
      // Throw the explanation into the generator at its yield, so the user's stack points at the line.
      this.drive(task, THROW, misuseError(value));
      return;
    }
    if (task.cancelRequested) {
      this.unpark(task);
      this.terminate(task);
    }
  }

  /** Removes a task from whatever holds it (heap, ready list, counts) and leaves it Running-less. */
  private unpark(task: Task): void {
    switch (task.state) {
      case TaskState.Sleeping:
        if (this.heap.remove(task)) this.heapTasks--;
        break;
      case TaskState.Waiting:
        if (this.heap.remove(task)) this.heapTasks--;
        if (task.keepsAlive) {
          task.keepsAlive = false;
          this.aliveWaits--;
          const on = task.waitOn;
          if (on === WaitOn.Write || on === WaitOn.Connect) this.writeWaits--;
        }
        break;
      case TaskState.Lethargic:
        this.lethargic--;
        this.tasks.add(task);
        if (task.weakSelf !== null) this.sleepers.delete(task.weakSelf);
        break;
      case TaskState.Ready:
        // rare (cancelling a ready task): take its entry out of the pending list or the running snapshot
        this.dropEntry(this.ready, this.readyLen, task);
        if (this.snapshot !== null) this.dropEntry(this.snapshot, this.snapshotLen, task);
        break;
      case TaskState.Held:
        if (this.gate !== null) this.gate.drop(task);
        break;
      default:
        break;
    }
    task.state = TaskState.Running;
  }

  /** Appends `task` to the ready list; the first ready task asks for a tick unless `schedule` is false. */
  enqueue(task: Task, schedule = true): void {
    task.state = TaskState.Ready;
    const i = this.readyLen++;
    this.ready[i] = task;
    if (i === 0 && schedule) this.schedule();
  }

  private dropEntry(list: Array<Task | null>, len: number, task: Task): void {
    for (let i = 0; i < len; i++) if (list[i] === task) { list[i] = null; return; }
  }

  /** @internal the earliest deadline of the timer heap (gettime() seconds), or undefined. */
  nextDeadlineAt(): number | undefined {
    return this.heap.peek()?.deadline;
  }

  protected nextDeadline(): number | undefined {
    return this.heap.peek()?.deadline;
  }

  /** The ready lists keep their slots between steps; a finished loop gives a past burst's slots back. */
  protected trimIdle(): void {
    if (this.spare.length > 1024) this.spare = [];
    if (this.readyLen === 0 && this.ready.length > 1024) this.ready = [];
  }

  /** Counts for copas.status(). */
  counts(): { ready: number; timers: number; lethargic: number; waiting: number; writing: number; holds: number; timeouts: number } {
    return { ready: this.readyLen, timers: this.heapTasks, lethargic: this.lethargic, waiting: this.aliveWaits,
      writing: this.writeWaits, holds: this.holds, timeouts: this.callbackTimers };
  }
}

/** The one dispatcher of the process (Copas is a module singleton too). */
export const kernel = new Kernel();
