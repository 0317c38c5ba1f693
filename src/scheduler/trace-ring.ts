import type { Task } from './task';

/** Event kinds in the ring. */
export const EV_SPAWN = 1;
export const EV_SLICE = 2;
export const EV_WAKE = 3;
export const EV_END = 4;

/** How a woken task was made ready (the `code` of an EV_WAKE). */
export const VIA_CODES = { call: 0, io: 1, timer: 2 } as const;
/** How a task ended (the `code` of an EV_END). */
export const END_OK = 0;
export const END_ERROR = 1;
export const END_CANCELLED = 2;

/** One event read back from the ring (the Chrome writer and the inspector read these). */
export interface TraceEvent {
  kind: number;
  /** The task it is about (its id). */
  tid: number;
  /** performance.now() ms: a slice's start, else when it happened. */
  ts: number;
  /** A slice's length in ms (0 for the others). */
  dur: number;
  /** A wake-up's waker, a spawn's parent (task ids; 0 = the loop itself). */
  other: number;
  /** A slice: the state it left the task in (TaskState) in the high bits, its WaitOn in the low 4 bits.
   * A wake-up: its VIA_CODES value. An end: END_OK / END_ERROR / END_CANCELLED. */
  code: number;
  /** The task itself (for its name). */
  task: Task;
  /** A slice: what it then waits on. An end: the error thrown. */
  ref: unknown;
}

/**
 * @internal A fixed ring of the last `size` scheduler events, kept in typed arrays: recording an event
 * writes a few slots and allocates nothing, so memory stays bounded however long the trace runs.
 */
export class TraceRing {
  /** Events ever written; the ring holds the last `size` of them. */
  total = 0;
  /** The slot the next event goes to (total modulo size, kept without a division). */
  private pos = 0;
  private readonly kind: Uint8Array;
  private readonly tid: Int32Array;
  private readonly ts: Float64Array;
  private readonly dur: Float64Array;
  private readonly other: Int32Array;
  private readonly code: Uint8Array;
  private readonly task: Array<Task | null>;
  private readonly ref: unknown[];

  constructor(readonly size: number) {
    this.kind = new Uint8Array(size);
    this.tid = new Int32Array(size);
    this.ts = new Float64Array(size);
    this.dur = new Float64Array(size);
    this.other = new Int32Array(size);
    this.code = new Uint8Array(size);
    this.task = new Array<Task | null>(size).fill(null);
    this.ref = new Array<unknown>(size).fill(null);
  }

  /** Writes one event. */
  add(kind: number, task: Task, ts: number, dur: number, other: number, code: number, ref: unknown): void {
    const i = this.pos;
    this.pos = i + 1 === this.size ? 0 : i + 1;
    this.total++;
    this.kind[i] = kind;
    this.tid[i] = task.id;
    this.ts[i] = ts;
    this.dur[i] = dur;
    this.other[i] = other;
    this.code[i] = code;
    this.task[i] = task;
    this.ref[i] = ref;
  }

  /** The oldest event number still held. */
  get first(): number { return Math.max(0, this.total - this.size); }

  /** Events numbered `from` (or the oldest still held) up to the newest, at most `limit` of the newest. */
  read(from: number, limit = Infinity): TraceEvent[] {
    let start = Math.max(from, this.first);
    if (this.total - start > limit) start = this.total - limit;
    const out: TraceEvent[] = [];
    for (let n = start; n < this.total; n++) {
      const i = n % this.size;
      out.push({ kind: this.kind[i], tid: this.tid[i], ts: this.ts[i], dur: this.dur[i], other: this.other[i],
        code: this.code[i], task: this.task[i] as Task, ref: this.ref[i] });
    }
    return out;
  }
}
