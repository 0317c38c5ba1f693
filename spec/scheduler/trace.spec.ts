/**
 * copas.trace: the Chrome Trace Event Format for a known program (ping-pong with wakeups, a timer, an error):
 * one track per task, run slices, waits named by what they wait on, wake-ups as flows from waker to woken.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { copas } from '../../src';
import type { ChromeTraceEvent, TaskGenerator } from '../../src/scheduler';
import { kernel } from '../../src/scheduler/kernel';
import { runMain, settle } from './helpers';

afterEach(settle);

function* pingPong(rounds: number): TaskGenerator<void> {
  const pong = copas.addnamedthread('pong', function* () {
    for (let i = 0; i < rounds; i++) {
      yield* copas.pauseforever();
      copas.wakeup(ping);
    }
  });
  const ping = copas.addnamedthread('ping', function* () {
    yield* copas.pause(0.01); // woken by a timer
    for (let i = 0; i < rounds; i++) {
      copas.wakeup(pong);
      yield* copas.pauseforever();
    }
  });
  yield* pong.get();
  yield* ping.get();
}

describe('copas.trace', () => {
  it('records a known program as tracks, slices, waits and flows', async () => {
    let events: ChromeTraceEvent[] = [];
    await runMain(function* () {
      copas.trace.start();
      yield* pingPong(3);
      const failing = copas.addnamedthread('failing', function* () { yield* copas.pause(0); throw new Error('boom'); });
      copas.seterrorhandler(() => undefined);
      failing.errorHandler = () => undefined;
      yield* failing.get();
      events = copas.trace.stop().traceEvents;
    });
    const tid = (name: string): number => {
      const m = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === name);
      if (m === undefined) throw new Error(`no track for ${name}`);
      return m.tid;
    };
    const ping = tid('ping');
    const pong = tid('pong');
    expect(events.find((e) => e.ph === 'M' && e.name === 'process_name')).toBeDefined();
    const runs = (t: number): ChromeTraceEvent[] => events.filter((e) => e.ph === 'X' && e.name === 'run' && e.tid === t);
    // ping: first run, after the timer, 3 wakeups by pong (the last one ends it); pong: first run + 3 wakeups
    expect(runs(ping)).toHaveLength(5);
    expect(runs(pong)).toHaveLength(4);
    for (const e of events) {
      if (e.ph !== 'M') { expect(typeof e.ts).toBe('number'); expect(e.ts).toBeGreaterThanOrEqual(0); }
      if (e.ph === 'X') expect(e.dur).toBeGreaterThanOrEqual(0);
    }
    // waits between slices are named by what the task then does
    expect(events.some((e) => e.ph === 'X' && e.tid === ping && e.name === 'sleep')).toBe(true);
    expect(events.some((e) => e.ph === 'X' && e.tid === pong && e.name === 'sleep (until wakeup)')).toBe(true);
    expect(events.some((e) => e.ph === 'X' && e.name === 'wait: future')).toBe(true); // the initializer in pong.get()
    // every wake-up of pong by ping is a flow from ping's track to the start of pong's next run slice
    const starts = events.filter((e) => e.ph === 's' && e.tid === ping);
    const toPong = starts.map((s) => events.find((f) => f.ph === 'f' && f.id === s.id)).filter((f) => f?.tid === pong);
    expect(toPong).toHaveLength(3);
    for (const f of toPong) {
      expect(f?.bp).toBe('e');
      expect(runs(pong).some((r) => r.ts === f?.ts)).toBe(true);
    }
    // the timer that ended ping's pause(0.01) starts a flow on the loop's own track
    const fromLoop = events.filter((e) => e.ph === 's' && e.tid === 0 && e.args?.via === 'timer');
    expect(fromLoop.some((s) => events.some((f) => f.ph === 'f' && f.id === s.id && f.tid === ping))).toBe(true);
    // ends and errors
    expect(events.filter((e) => e.ph === 'i' && e.name === 'end' && (e.tid === ping || e.tid === pong))).toHaveLength(2);
    const failed = events.find((e) => e.ph === 'i' && e.name === 'error');
    expect(failed?.args?.error).toBe('boom');
    expect(failed?.tid).toBe(tid('failing'));
    expect(events.some((e) => e.ph === 'i' && e.name === 'spawn' && e.tid === ping)).toBe(true);
    // JSON round trip: what Perfetto loads
    expect(JSON.parse(JSON.stringify({ traceEvents: events })).traceEvents).toHaveLength(events.length);
  });

  it('writes the file, keeps only the last N events, and costs nothing once stopped', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-trace-'));
    const file = path.join(dir, 'trace.json');
    await runMain(function* () {
      copas.trace.start({ file, events: 40 });
      expect(kernel.observer).not.toBeNull();
      for (let i = 0; i < 5; i++) copas.addthread(function* () { for (let j = 0; j < 50; j++) yield* copas.pause(0); });
      yield* copas.pause(0.05);
      const t = copas.trace.stop();
      expect(kernel.observer).toBeNull();
      const recorded = t.traceEvents.filter((e) => e.ph === 'X' && e.name === 'run');
      expect(recorded.length).toBeGreaterThan(10);
      expect(recorded.length).toBeLessThanOrEqual(40);
    });
    const written = JSON.parse(fs.readFileSync(file, 'utf8')) as { traceEvents: ChromeTraceEvent[] };
    expect(written.traceEvents.some((e) => e.name === 'run')).toBe(true);
    fs.rmSync(dir, { recursive: true });
  });

  it('copas.debug logs each resume through the same observer, and stops', async () => {
    const lines: string[] = [];
    await runMain(function* () {
      copas.debug.start((...parts) => lines.push(parts.join('')));
      yield* copas.addnamedthread('chatty', function* () { yield* copas.pause(0); }).get();
      copas.debug.stop();
      expect(kernel.observer).toBeNull();
    });
    // Copas' addthread resumes the task at once and it pauses: that pair, then its two runs
    expect(lines.filter((l) => l.includes('chatty'))).toEqual(["resuming 'chatty'", "yielding 'chatty' to SLEEP for 0 seconds", "resuming 'chatty'",
      "yielding 'chatty' to SLEEP for 0 seconds", "resuming 'chatty'", "exiting 'chatty'"]);
    expect(() => copas.debug.start('log' as never)).toThrow("copas.debug.start: argument 'logger' must be a function");
  });

  it('checks its arguments and its state', () => {
    expect(() => copas.trace.start({ file: 3 } as never)).toThrow("copas.trace.start: argument 'options.file' must be a string");
    expect(() => copas.trace.start({ events: 0 })).toThrow(/options\.events/);
    expect(() => copas.trace.start({ ring: 5 } as never)).toThrow("copas.trace.start: unknown option 'options.ring' (known: file, events)");
    expect(() => copas.trace.stop()).toThrow('copas.trace.stop: no trace is recording (call copas.trace.start() first)');
    copas.trace.start();
    expect(() => copas.trace.start()).toThrow(/already recording/);
    expect(copas.trace.active()).toBe(true);
    copas.trace.stop();
    expect(copas.trace.active()).toBe(false);
  });
});
