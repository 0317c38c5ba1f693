import { gettime } from './clock';
import { kernel } from './kernel';
import { WaitOn } from './observer';
import { Task, TaskState } from './task';

/**
 * What copas.debug.start's logger receives: the pieces of one line, as Copas passes them to its logger
 * (`"resuming '", name, "'"`). Copas' default logger, Lua's print, joins them with tabs.
 */
export type DebugLogger = (...parts: Array<string | number>) => void;

/** The name Copas' core timer task has: copas-ts has no such task, its lines stand for callback timers firing. */
const CORE_TIMER = 'copas_core_timer';

/** Lua's tostring for what the scheduler prints: integers plainly, other numbers with %.14g, null as nil. */
export function luaString(v: unknown): string {
  if (typeof v === 'number') {
    if (Number.isInteger(v) || !Number.isFinite(v)) return Number.isFinite(v) ? String(v) : v > 0 ? 'inf' : v < 0 ? '-inf' : 'nan';
    return String(Number(v.toPrecision(14)));
  }
  if (v === null || v === undefined) return 'nil';
  return String(v);
}

/** Lua's print: the pieces through tostring, tab separated, on stdout. */
export const luaPrint: DebugLogger = (...parts) => {
  console.log(parts.map(luaString).join('\t'));
};

/** The name Copas prints for an object: its set name or its tostring; nil for none. */
function nameOf(obj: unknown): string {
  return obj === null || obj === undefined ? 'nil' : kernel.nameOf(obj as object);
}

/**
 * @internal copas.debug's log: the lines Copas 4.11 prints for each resume, yield and exit of a task, with the
 * same pieces. The monitor calls it only while copas.debug is on.
 */
export class DebugLog {
  /** Tasks made while the log was on: Copas logs "exiting" only for coroutines it created while debugging. */
  private readonly created = new WeakSet<Task>();
  /** The socket whose event makes a task ready (a server's new client, data, room to write). */
  private readonly wokeFor = new WeakMap<Task, object>();
  /** The seconds a sleeping task asked for. */
  private readonly sleeping = new WeakMap<Task, number>();

  constructor(private readonly logger: DebugLogger, private readonly core: boolean) {}

  /**
   * Copas' addthread resumes the new coroutine at once and it pauses until the next step; copas-ts only
   * queues it, so the two lines Copas prints then are printed here. A server's handler gets its client
   * right away instead ("resuming ... for socket" when it first runs).
   */
  spawned(task: Task): void {
    this.created.add(task);
    if (task.socket !== undefined && task.socket !== null) {
      this.wokeFor.set(task, task.socket as object);
      return;
    }
    const name = nameOf(task);
    this.logger("resuming '", name, "'");
    this.logger("yielding '", name, "' to SLEEP for ", 0, ' seconds');
  }

  /** A waiting task is made ready: remember the socket it waited on (read before the kernel clears it). */
  woken(task: Task, byTimer: boolean): void {
    if (byTimer || task.state !== TaskState.Waiting) return;
    const on = task.waitOn;
    if (on === WaitOn.Read || on === WaitOn.Write || on === WaitOn.Connect || on === WaitOn.Accept) {
      const skt = task.waitTarget;
      if (skt !== null && typeof skt === 'object') this.wokeFor.set(task, skt);
    }
  }

  sleeps(task: Task, seconds: number): void {
    this.sleeping.set(task, seconds);
  }

  resuming(task: Task): void {
    const skt = this.wokeFor.get(task);
    if (skt !== undefined) {
      this.wokeFor.delete(task);
      this.logger("resuming '", nameOf(task), "' for socket '", nameOf(skt), "'");
    } else {
      this.logger("resuming '", nameOf(task), "'");
    }
  }

  /** The task's run ended: say where it went, from its state. */
  yielded(task: Task): void {
    const name = nameOf(task);
    switch (task.state) {
      case TaskState.Ready: // gave the turn (pause(0), sleep(0))
        this.logger("yielding '", name, "' to SLEEP for ", 0, ' seconds');
        return;
      case TaskState.Sleeping:
        this.logger("yielding '", name, "' to SLEEP for ", this.sleeping.get(task) ?? 0, ' seconds');
        return;
      case TaskState.Waiting: {
        const on = task.waitOn;
        if (on === WaitOn.Read || on === WaitOn.Accept) {
          this.logger("yielding '", name, "' to READ on '", nameOf(task.waitTarget), "'");
        } else if (on === WaitOn.Write || on === WaitOn.Connect) {
          this.logger("yielding '", name, "' to WRITE on '", nameOf(task.waitTarget), "'");
        } else {
          // locks, semaphores, queues, futures, exit, Promises: Copas' tasks wait in pauseforever for them
          this.logger("yielding '", name, "' to SLEEP for ", -1, ' seconds');
        }
        return;
      }
      case TaskState.Lethargic:
        this.logger("yielding '", name, "' to SLEEP for ", -1, ' seconds');
        return;
      default:
        return; // ended (exiting was logged) or held back by the inspector
    }
  }

  ended(task: Task, ok: boolean): void {
    if (ok && !task.cancelled && this.created.has(task)) this.logger("exiting '", nameOf(task), "'");
  }

  /** Callback timers fire: Copas' core timer task runs them, and is logged only when `core` was asked for. */
  coreTimer(begin: boolean): void {
    if (!this.core) return;
    if (begin) { this.logger("resuming '", CORE_TIMER, "'"); return; }
    const next = kernel.nextDeadlineAt();
    this.logger("yielding '", CORE_TIMER, "' to SLEEP for ", next === undefined ? -1 : Math.max(0, next - gettime()), ' seconds');
  }
}
