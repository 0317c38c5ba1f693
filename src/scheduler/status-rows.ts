import { TIME_ORIGIN_MS } from './clock';
import { kernel } from './kernel';
import { Lock } from './lock';
import { monitor } from './monitor';
import { WAIT_NAMES, WaitOn } from './observer';
import { Queue } from './queue';
import { liveResources } from './resources';
import { Semaphore, type SemaWaiter } from './semaphore';
import type { WaitList, WaitNode } from './wait-list';
import { Task, TaskState } from './task';

/** A task as status rows name it. */
export interface TaskRef {
  /** The task's id (`task.id`). */
  id: number;
  /** Its name (copas.getthreadname's). */
  name: string;
}

/** One row of `copas.status(true).tasks`: what a task is doing now. */
export interface TaskRow extends TaskRef {
  /** 'held': ready, but held back by a paused scheduler (the inspector's step mode). */
  state: 'ready' | 'running' | 'sleeping' | 'waiting' | 'held';
  /** gettime() seconds when a sleep or a timed wait ends; null when none (pauseforever, a wait without timeout). */
  deadline: number | null;
  /** What a waiting task waits on: `on` is 'read', 'write', 'connect', 'accept', 'lock', 'semaphore',
   * 'queue', 'future', 'promise', 'exit' or 'close'; `target` names the socket, lock, queue or task. */
  waiting: {
    /** The kind of wait. */
    on: string;
    /** The name of what it waits on ('' when nothing is named, as for exit). */
    target: string;
  } | null;
  /** gettime() seconds of its last change of state (null before accounting began). */
  since: number | null;
  /** Times it was resumed since accounting began. */
  resumes: number;
  /** Seconds it spent running since accounting began. */
  busy: number;
  /** Its longest run without yielding, in seconds. */
  longest: number;
  /** Who made it ready last: a task's name, 'timer', 'io' (a socket's data) or 'callback' (a Promise, a
   * Node event); null if it was never woken since accounting began. */
  wokenBy: string | null;
}

/** One lock, semaphore or queue, with who holds it and who waits for it, first in line first. */
export interface ResourceRow {
  /** What it is. */
  kind: 'lock' | 'semaphore' | 'queue';
  /** Its name: `lock: #1`, `semaphore: #1`, a queue's name. */
  name: string;
  /** True after destroy(). */
  destroyed: boolean;
  /** A lock's owner. */
  holder: TaskRef | null;
  /** A semaphore's available resources; a queue's items. */
  count: number | null;
  /** A semaphore's maximum. */
  max: number | null;
  /** In order; `requested` for a semaphore's waiters. */
  waiters: Array<TaskRef & {
    /** The resources a semaphore's waiter asked for. */
    requested?: number;
  }>;
}

const seconds = (ms: number): number => (TIME_ORIGIN_MS + ms) / 1000;

/** @internal a task's id and name. */
export function taskRef(t: Task): TaskRef {
  return { id: t.id, name: kernel.nameOf(t) };
}

/** @internal the name of what a task waits on. */
export function targetName(target: unknown): string {
  if (target === null || target === undefined) return '';
  if (typeof target !== 'object') return String(target);
  if (typeof (target as PromiseLike<unknown>).then === 'function') return 'a Promise';
  const n = kernel.nameOf(target);
  return n.startsWith('[object') ? (target.constructor?.name ?? 'object') : n;
}

function stateOf(t: Task): TaskRow['state'] {
  switch (t.state) {
    case TaskState.Ready: return 'ready';
    case TaskState.Running: return 'running';
    case TaskState.Sleeping: case TaskState.Lethargic: return 'sleeping';
    case TaskState.Held: return 'held';
    default: return 'waiting';
  }
}

/** @internal the row of one task. */
export function taskRow(t: Task): TaskRow {
  const s = t.stats;
  const waiting = t.state === TaskState.Waiting
    ? { on: WAIT_NAMES[t.waitOn] || 'other', target: targetName(t.waitTarget) } : null;
  const timed = (t.state === TaskState.Sleeping || t.state === TaskState.Waiting) && t.index >= 0;
  let wokenBy: string | null = null;
  if (s !== null && s.via !== null) {
    wokenBy = s.waker !== null && !monitor.isHidden(s.waker) ? kernel.nameOf(s.waker)
      : s.via === 'timer' ? 'timer' : s.via === 'io' || t.waitOn === WaitOn.Read ? 'io' : 'callback';
  }
  return {
    id: t.id, name: kernel.nameOf(t), state: stateOf(t), deadline: timed ? t.deadline : null, waiting,
    since: s === null ? null : seconds(s.since), resumes: s?.resumes ?? 0, busy: (s?.busy ?? 0) / 1000,
    longest: (s?.longest ?? 0) / 1000, wokenBy,
  };
}

/** @internal every live task but the inspector's own, oldest first. */
export function visibleTasks(): Task[] {
  const all: Task[] = [];
  for (const t of kernel.tasks) if (!monitor.isHidden(t)) all.push(t);
  for (const ref of kernel.sleepers) {
    const t = ref.deref();
    if (t !== undefined && !monitor.isHidden(t)) all.push(t);
  }
  return all.sort((a, b) => a.id - b.id);
}

function waiterRows<N extends WaitNode>(list: WaitList<N>, requested: boolean): ResourceRow['waiters'] {
  const out: ResourceRow['waiters'] = [];
  for (let n = list.head; n !== null; n = n.next as N | null) {
    out.push(requested ? { ...taskRef(n.task), requested: (n as unknown as SemaWaiter).requested } : taskRef(n.task));
  }
  return out;
}

/** @internal the rows of every live lock, semaphore and queue, oldest first. */
export function resourceRows(): ResourceRow[] {
  const rows: ResourceRow[] = [];
  for (const r of liveResources()) {
    if (r instanceof Lock) {
      rows.push({ kind: 'lock', name: targetName(r), destroyed: r.destroyed, holder: r.owner === null ? null : taskRef(r.owner),
        count: null, max: null, waiters: waiterRows(r.waiters, false) });
    } else if (r instanceof Semaphore) {
      const [count] = r.get_count();
      rows.push({ kind: 'semaphore', name: targetName(r), destroyed: r.destroyed, holder: null, count,
        max: r.max, waiters: waiterRows(r.waiters, true) });
    } else if (r instanceof Queue) {
      const [size] = r.get_size();
      rows.push({ kind: 'queue', name: targetName(r), destroyed: r.destroyed, holder: null, count: size, max: null,
        waiters: waiterRows(r.sema.waiters, false) });
    }
  }
  return rows;
}
