import { kernel } from '../scheduler/kernel';
import { resourceRows, taskRow, visibleTasks, type ResourceRow, type TaskRow } from '../scheduler/status-rows';
import { pauseGate } from '../scheduler/step-gate';
import type { TraceRing } from '../scheduler/trace-ring';

/** The most task rows one update carries (a server with thousands of connections shows the oldest). */
const MAX_ROWS = 500;
/** The most timeline events one update carries. */
const MAX_EVENTS = 4000;

/** A task row as the page gets it: `long` when a run lasted longer than the threshold without yielding. */
export interface PageTaskRow extends TaskRow {
  long: boolean;
}

/** What the inspector sends its page, several times a second. */
export interface PageUpdate {
  type: 'update';
  /** ms since the inspector started (the timeline's clock). */
  now: number;
  paused: boolean;
  /** Step commands carried out since the pause. */
  steps: number;
  /** Tasks held by the pause, in the order the next step runs them. */
  held: number[];
  tasks: PageTaskRow[];
  totalTasks: number;
  resources: ResourceRow[];
  /** Timeline events since the last update: [kind, tid, ts, dur, other, code] (see TraceEvent). */
  events: number[][];
  /** Names of the tasks the events are about. */
  names: Record<number, string>;
  /** The long-run threshold in seconds. */
  longRun: number;
}

/** @internal builds the page's updates from the ring and the status rows. */
export class Snapshotter {
  private cursor: number;

  constructor(private readonly ring: TraceRing, private readonly origin: number, private readonly longRun: number) {
    this.cursor = ring.first; // a new page gets the history the ring still holds
  }

  /** The next update; `now` is performance.now(). */
  next(now: number): PageUpdate {
    const events = this.ring.read(this.cursor, MAX_EVENTS);
    this.cursor = this.ring.total;
    const names: Record<number, string> = {};
    const compact: number[][] = [];
    const ms = (t: number): number => Math.round((t - this.origin) * 1000) / 1000;
    for (const e of events) {
      if (names[e.tid] === undefined) names[e.tid] = kernel.nameOf(e.task);
      compact.push([e.kind, e.tid, ms(e.ts), Math.round(e.dur * 1000) / 1000, e.other, e.code]);
    }
    const all = visibleTasks();
    const gate = pauseGate();
    const tasks = all.slice(0, MAX_ROWS).map((t) => {
      const row = taskRow(t) as PageTaskRow;
      row.long = row.longest > this.longRun;
      return row;
    });
    return {
      type: 'update', now: ms(now), paused: gate !== null, steps: gate?.steps ?? 0,
      held: gate === null ? [] : gate.waiting.map((t) => t.id), tasks, totalTasks: all.length,
      resources: resourceRows(), events: compact, names, longRun: this.longRun,
    };
  }
}
