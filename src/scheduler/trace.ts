import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import { toChromeTrace, type ChromeTrace } from './chrome-trace';
import { monitor } from './monitor';
import type { TraceRing } from './trace-ring';
import { checkInteger, checkOptions, checkString } from '../util/args';

/** Options of copas.trace.start. */
export interface TraceOptions {
  /** Write the trace to this file (JSON) when copas.trace.stop() is called. */
  file?: string;
  /** How many of the latest events to keep (a ring; default 100,000, about 4 MB). */
  events?: number;
}

const DEFAULT_EVENTS = 100_000;

interface Recording { ring: TraceRing; from: number; origin: number; file: string | undefined }
let recording: Recording | null = null;

/**
 * Starts recording scheduler events: spawns, run slices (resume to suspension) with what the task then waits
 * on, wake-ups with their cause (a task, a socket's data, a timer), errors and ends. Memory is bounded: a
 * ring keeps the latest `events`.
 *
 * TS (no Lua twin): `copas.trace.start({ file: 'trace.json' })` ... `copas.trace.stop()`, then open the file
 * in https://ui.perfetto.dev or chrome://tracing.
 */
function start(options?: TraceOptions): void {
  const fn = 'copas.trace.start';
  const o = checkOptions(fn, 'options', options, ['file', 'events']) as TraceOptions;
  const file = checkString(fn, 'options.file', o.file, true);
  if (o.events !== undefined) checkInteger(fn, 'options.events', o.events, 1, 100_000_000);
  if (recording !== null) throw new Error(`${fn}: a trace is already recording (call copas.trace.stop() first)`);
  const ring = monitor.acquireRing(o.events ?? DEFAULT_EVENTS);
  recording = { ring, from: ring.total, origin: performance.now(), file };
}

/**
 * Stops recording and returns the trace in the Chrome Trace Event Format (`{ traceEvents: [...] }`): one
 * track per task, run slices and waits as complete events, wake-ups as flow arrows from waker to woken.
 * With `file` given to start(), also writes it there.
 */
function stop(): ChromeTrace {
  const r = recording;
  if (r === null) throw new Error('copas.trace.stop: no trace is recording (call copas.trace.start() first)');
  recording = null;
  const trace = toChromeTrace(r.ring.read(r.from), r.origin, performance.now());
  monitor.releaseRing();
  if (r.file !== undefined) fs.writeFileSync(r.file, JSON.stringify(trace));
  return trace;
}

/** True while a trace records. */
function active(): boolean {
  return recording !== null;
}

/**
 * copas.trace: a timeline of the scheduler in the Chrome Trace Event Format.
 *
 * TS (no Lua twin): `copas.trace.start(); ...; const { traceEvents } = copas.trace.stop()`
 */
export const trace = {
  /** Starts recording: `copas.trace.start({ file?, events? })`. */
  start,
  /** Stops recording and returns `{ traceEvents }` (and writes `file`). */
  stop,
  /** True while a trace records. */
  active,
};
