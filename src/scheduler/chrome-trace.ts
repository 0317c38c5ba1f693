import { kernel } from './kernel';
import { WAIT_NAMES } from './observer';
import { targetName } from './status-rows';
import { TaskState } from './task';
import { END_CANCELLED, END_ERROR, EV_END, EV_SLICE, EV_SPAWN, EV_WAKE, type TraceEvent } from './trace-ring';

/** One event of the Chrome Trace Event Format (the JSON that Perfetto and chrome://tracing open). */
export interface ChromeTraceEvent {
  /** What happened: 'run', 'wait: read', 'sleep', 'ready', 'wake', 'spawn', 'end', 'error', or a metadata name. */
  name: string;
  /** M metadata, X complete slice, i instant, s / f flow start / finish. */
  ph: 'M' | 'X' | 'i' | 's' | 'f';
  /** Always 1: the process. */
  pid: number;
  /** The task's id (one track per task); 0 is the loop itself (timers, I/O, callbacks). */
  tid: number;
  /** Microseconds since the trace started. */
  ts?: number;
  /** A complete slice's length in microseconds. */
  dur?: number;
  /** The category: run, wait, sleep, ready, wake, task, loop. */
  cat?: string;
  /** A flow's id: its start and finish share it. */
  id?: number;
  /** An instant's scope: the thread (the task's track). */
  s?: 't';
  /** A flow finish binds to the slice that encloses it (the woken task's next run). */
  bp?: 'e';
  /** Details: what a run then waits on, a wake-up's cause, an error's message, a track's name. */
  args?: Record<string, unknown>;
}

/** What copas.trace.stop() returns: `{ traceEvents }`, ready for JSON.stringify and Perfetto. */
export interface ChromeTrace {
  /** The events, metadata first. */
  traceEvents: ChromeTraceEvent[];
  /** How viewers show times. */
  displayTimeUnit: 'ms';
}

const PID = 1;
const VIA_NAMES = ['call', 'io', 'timer'];

/** What a task is doing after a run slice that left it in `code` (state << 4 | WaitOn). */
function afterSlice(code: number): { name: string; cat: string } {
  const state = code >> 4;
  if (state === TaskState.Waiting) return { name: `wait: ${WAIT_NAMES[code & 0xf] || 'other'}`, cat: 'wait' };
  if (state === TaskState.Sleeping) return { name: 'sleep', cat: 'sleep' };
  if (state === TaskState.Lethargic) return { name: 'sleep (until wakeup)', cat: 'sleep' };
  return { name: 'ready', cat: 'ready' }; // gave the turn (pause(0)) or is held by step mode
}

interface Lane {
  /** End of the last run slice, or the spawn. */
  idleFrom: number;
  idle: { name: string; cat: string; on?: string };
  /** When it was woken since (the rest of the gap is 'ready'). */
  wokenAt: number;
  /** A flow waiting for the next slice to bind to. */
  flow: number;
}

/**
 * @internal Turns ring events into the Chrome Trace Event Format: one track per task (thread_name metadata),
 * run slices and the gaps between them (waits named by what they wait on, sleeps, ready) as complete events,
 * spawns, ends and errors as instants, and each wake-up as a flow from the waker's track to the woken
 * task's next slice. Timestamps count from `origin` (ms) in microseconds; what a task was still doing at
 * `end` (ms, when the trace stopped) closes there.
 */
export function toChromeTrace(events: TraceEvent[], origin: number, end: number): ChromeTrace {
  const out: ChromeTraceEvent[] = [{ name: 'process_name', ph: 'M', pid: PID, tid: 0, args: { name: 'copas' } },
    { name: 'thread_name', ph: 'M', pid: PID, tid: 0, args: { name: 'copas loop (timers, I/O, callbacks)' } }];
  const us = (ms: number): number => Math.round((ms - origin) * 1e6) / 1e3;
  const dur = (from: number, to: number): number => Math.round((to - from) * 1e6) / 1e3;
  const lanes = new Map<number, Lane>();
  const named = new Set<number>([0]);
  let flowId = 0;
  /** The gap since the lane's last slice, up to `to`: what it waited on, then 'ready' from its wake-up. */
  const closeIdle = (tid: number, lane: Lane, to: number): void => {
    const readyFrom = lane.wokenAt >= 0 ? lane.wokenAt : to;
    if (readyFrom > lane.idleFrom) {
      out.push({ name: lane.idle.name, cat: lane.idle.cat, ph: 'X', pid: PID, tid, ts: us(lane.idleFrom),
        dur: dur(lane.idleFrom, readyFrom), args: lane.idle.on ? { on: lane.idle.on } : undefined });
    }
    if (to > readyFrom) out.push({ name: 'ready', cat: 'ready', ph: 'X', pid: PID, tid, ts: us(readyFrom), dur: dur(readyFrom, to) });
  };
  for (const e of events) {
    if (!named.has(e.tid)) {
      named.add(e.tid);
      out.push({ name: 'thread_name', ph: 'M', pid: PID, tid: e.tid, args: { name: kernel.nameOf(e.task) } },
        { name: 'thread_sort_index', ph: 'M', pid: PID, tid: e.tid, args: { sort_index: e.tid } });
    }
    let lane = lanes.get(e.tid);
    switch (e.kind) {
      case EV_SPAWN:
        out.push({ name: 'spawn', ph: 'i', s: 't', pid: PID, tid: e.tid, ts: us(e.ts), cat: 'task', args: { parent: e.other } });
        lanes.set(e.tid, { idleFrom: e.ts, idle: { name: 'ready', cat: 'ready' }, wokenAt: -1, flow: 0 });
        break;
      case EV_SLICE: {
        if (lane !== undefined) closeIdle(e.tid, lane, e.ts);
        const ended = e.code >> 4 === TaskState.Dead;
        const then = ended ? { name: 'end', cat: 'task' } : afterSlice(e.code);
        const on = e.ref === null ? undefined : targetName(e.ref);
        out.push({ name: 'run', cat: 'run', ph: 'X', pid: PID, tid: e.tid, ts: us(e.ts), dur: dur(e.ts, e.ts + e.dur),
          args: on === undefined ? { then: then.name } : { then: then.name, on } });
        if (lane !== undefined && lane.flow !== 0) {
          out.push({ name: 'wake', cat: 'wake', ph: 'f', bp: 'e', id: lane.flow, pid: PID, tid: e.tid, ts: us(e.ts) });
        }
        if (ended) lanes.delete(e.tid); // its end event follows
        else lanes.set(e.tid, { idleFrom: e.ts + e.dur, idle: on === undefined ? then : { ...then, on }, wokenAt: -1, flow: 0 });
        break;
      }
      case EV_WAKE: {
        const id = ++flowId;
        if (e.other === 0) {
          // the loop woke it: a tiny slice on the loop's track for the flow to start from
          out.push({ name: VIA_NAMES[e.code] ?? 'call', cat: 'loop', ph: 'X', pid: PID, tid: 0, ts: us(e.ts), dur: 1 });
        }
        out.push({ name: 'wake', cat: 'wake', ph: 's', id, pid: PID, tid: e.other, ts: us(e.ts), args: { via: VIA_NAMES[e.code] } });
        if (lane !== undefined) { lane.wokenAt = e.ts; lane.flow = id; }
        break;
      }
      case EV_END: {
        const how = e.code === END_ERROR ? 'error' : e.code === END_CANCELLED ? 'cancelled' : 'end';
        const args: Record<string, unknown> = {};
        if (e.code === END_ERROR) args.error = e.ref instanceof Error ? e.ref.message : String(e.ref);
        if (lane !== undefined) closeIdle(e.tid, lane, e.ts); // ended while suspended (removethread)
        out.push({ name: how, ph: 'i', s: 't', pid: PID, tid: e.tid, ts: us(e.ts), cat: 'task', args });
        lanes.delete(e.tid);
        break;
      }
      default:
        break;
    }
  }
  for (const [tid, lane] of lanes) closeIdle(tid, lane, end);
  return { traceEvents: out, displayTimeUnit: 'ms' };
}
