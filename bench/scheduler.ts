/**
 * bench/scheduler: task switches per second and memory per idle task, copas-ts against the same program
 * written with async/await and with Effection 4.
 *
 *   npm run bench:scheduler        (= npx ts-node --transpile-only bench/scheduler.ts)
 *   env: BENCH_RUNS (5), BENCH_MS (200), BENCH_ONLY=copas (row (a) only, for --cpu-prof), COPAS_SRC, BENCH_VERBOSE,
 *   BENCH_ONLY=trace (row (a) with copas.trace off and on, interleaved: the cost of tracing per switch),
 *   COPAS_ALT_SRC=/path/to/src with BENCH_ONLY=copas: row (a) of both trees, interleaved in one process (an A/B)
 *
 * Every shape is N tasks that each give the turn in a loop and count one hop per turn, for a fixed time
 * (RUN_MS); the rate is hops / elapsed. Each cell is the median of RUNS runs. Memory: 100,000 idle tasks,
 * heapUsed after a full GC before and after, divided; then the tasks are removed and the heap measured again.
 * Not a timed test: the numbers go in the issue's closing note.
 */
import { performance } from 'node:perf_hooks';
import * as v8 from 'node:v8';
import * as vm from 'node:vm';
import { action, run, sleep, spawn, suspend, type Operation, type Task as EffTask } from 'effection';
import type { Task } from '../src/scheduler';

/** COPAS_SRC=/path/to/src measures another copy of the sources (a scratch kernel) with the same bench. */
const COPAS_SRC = process.env.COPAS_SRC;
const { copas } = require(COPAS_SRC ?? '../src') as typeof import('../src');

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const RUN_MS = Number(process.env.BENCH_MS ?? 200);
const IDLE_TASKS = 100_000;
/** Effection tasks weigh ~10 KiB each and spawn/halt slowly: 2,000 give a stable per-task figure. */
const EFFECTION_IDLE_TASKS = 2_000;
const SIZES = [2, 10_000] as const;

interface Sample { hops: number; ms: number }
type Shape = (n: number, ms: number) => Promise<Sample>;

const now = (): number => performance.now();
const noop = (): void => {};
const nextMacrotask = (): Promise<void> => new Promise((r) => setImmediate(r));

// ---- (a) copas-ts ------------------------------------------------------------------------------------------

/** Row (a) for a copas object (COPAS_ALT_SRC loads a second source tree beside the first, in this process). */
const copasPauseOf = (copas: typeof import('../src').copas): Shape => async (n, ms) => {
  if (copas.running) throw new Error('bench: copas.loop() from the previous run is still running');
  let hops = 0;
  let stop = false;
  let end = Infinity;
  const body = function* () {
    while (!stop) {
      yield* copas.pause(0);
      if ((++hops & 1023) === 0 && now() > end) stop = true;
    }
  };
  for (let i = 0; i < n; i++) copas.addthread(body);
  const t0 = now();
  end = t0 + ms;
  await copas.loop();
  const t1 = now();
  if (copas.running) throw new Error('bench: copas.loop() resolved while still running');
  return { hops, ms: t1 - t0 };
};
const copasPause = copasPauseOf(copas);

// ---- (b) async/await, a Promise per hop, FIFO round-robin ----------------------------------------------------

const asyncFifo: Shape = async (n, ms) => {
  let ready: Array<() => void> = [];
  let spare: Array<() => void> = [];
  let hops = 0;
  let stop = false;
  let end = Infinity;
  const turn = (): Promise<void> => new Promise<void>((r) => { ready.push(r); });
  const worker = async (): Promise<void> => {
    while (!stop) {
      await turn();
      if ((++hops & 1023) === 0 && now() > end) stop = true;
    }
  };
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) all.push(worker());
  const t0 = now();
  end = t0 + ms;
  // The driver: resolve the ready snapshot in order, let the resumed tasks run (one microtask turn), repeat;
  // hand the thread to Node every 2 ms as copas' loop does.
  let slice = now();
  while (ready.length > 0) {
    const batch = ready;
    ready = spare;
    for (let i = 0; i < batch.length; i++) batch[i]();
    batch.length = 0;
    spare = batch;
    await null; // queued after every resumed task's continuation: they have all run up to their next turn()
    if (now() - slice > 2) { await nextMacrotask(); slice = now(); }
  }
  await Promise.all(all);
  return { hops, ms: now() - t0 };
};

/** Reference only: `await Promise.resolve()` per hop, no scheduler, no fairness control, never yields to I/O. */
const asyncMicrotask: Shape = async (n, ms) => {
  let hops = 0;
  let stop = false;
  let end = Infinity;
  const worker = async (): Promise<void> => {
    while (!stop) {
      await Promise.resolve();
      if ((++hops & 1023) === 0 && now() > end) stop = true;
    }
  };
  const t0 = now();
  end = t0 + ms;
  const all: Promise<void>[] = [];
  for (let i = 0; i < n; i++) all.push(worker());
  await Promise.all(all);
  return { hops, ms: now() - t0 };
};

// ---- (c) Effection 4 -----------------------------------------------------------------------------------------

/**
 * Effection 4 has no "give the turn" operation; the same shape is an `action` whose resolver a FIFO driver
 * calls in turn (Effection's reducer resumes the task synchronously inside resolve()).
 */
const effectionAction: Shape = async (n, ms) => {
  let ready: Array<(v: void) => void> = [];
  let spare: Array<(v: void) => void> = [];
  let hops = 0;
  let stop = false;
  let end = Infinity;
  const turn = (): Operation<void> => action<void>((resolve) => { ready.push(resolve); return noop; });
  const worker = function* (): Operation<void> {
    while (!stop) {
      yield* turn();
      if ((++hops & 1023) === 0 && now() > end) stop = true;
    }
  };
  const main = run(function* () {
    const kids: EffTask<void>[] = [];
    for (let i = 0; i < n; i++) kids.push(yield* spawn(worker));
    for (const k of kids) yield* k;
  });
  await nextMacrotask(); // the children have started and wait in turn()
  const t0 = now();
  end = t0 + ms;
  await new Promise<void>((resolve) => {
    const tick = (): void => {
      const start = now();
      do {
        const batch = ready;
        ready = spare;
        for (let i = 0; i < batch.length; i++) batch[i]();
        batch.length = 0;
        spare = batch;
      } while (ready.length > 0 && now() - start < 2);
      if (ready.length > 0) setImmediate(tick);
      else resolve();
    };
    tick();
  });
  await main;
  return { hops, ms: now() - t0 };
};

/** Effection's own primitive: `yield* sleep(0)` (a setTimeout(0), so Node's 1 ms timer floor applies). */
const effectionSleep0: Shape = async (n, ms) => {
  let hops = 0;
  let stop = false;
  let end = Infinity;
  const worker = function* (): Operation<void> {
    while (!stop) {
      yield* sleep(0);
      hops++;
      if (now() > end) stop = true;
    }
  };
  const t0 = now();
  end = t0 + ms;
  await run(function* () {
    const kids: EffTask<void>[] = [];
    for (let i = 0; i < n; i++) kids.push(yield* spawn(worker));
    for (const k of kids) yield* k;
  });
  return { hops, ms: now() - t0 };
};

// ---- memory per idle task ------------------------------------------------------------------------------------

function heap(): number {
  gc(); gc();
  return process.memoryUsage().heapUsed;
}

interface MemSample { perTask: number; leftover: number }

async function copasIdle(count: number): Promise<MemSample> {
  const tasks: Array<Task | undefined> = new Array(count).fill(undefined);
  const body = function* () { yield* copas.pauseforever(); };
  const h0 = heap();
  for (let i = 0; i < count; i++) tasks[i] = copas.addthread(body);
  await copas.loop(); // each task runs into pauseforever; such tasks keep no loop alive, so loop() returns
  const h1 = heap();
  if (copas.status().inactive !== count) throw new Error(`bench: expected ${count} idle copas tasks, status says ${copas.status().inactive}`);
  for (let i = 0; i < count; i++) { copas.removethread(tasks[i] as Task); tasks[i] = undefined; }
  const h2 = heap();
  return { perTask: (h1 - h0) / count, leftover: (h2 - h0) / count };
}

async function asyncIdle(count: number): Promise<MemSample> {
  const wake: Array<(() => void) | undefined> = new Array(count).fill(undefined);
  const done: Array<Promise<void> | undefined> = new Array(count).fill(undefined);
  const h0 = heap();
  for (let i = 0; i < count; i++) {
    done[i] = (async () => { await new Promise<void>((r) => { wake[i] = r; }); })();
  }
  const h1 = heap();
  for (let i = 0; i < count; i++) (wake[i] as () => void)();
  await Promise.all(done);
  wake.fill(undefined);
  done.fill(undefined);
  const h2 = heap();
  return { perTask: (h1 - h0) / count, leftover: (h2 - h0) / count };
}

async function effectionIdle(count: number): Promise<MemSample> {
  let main: EffTask<void> | undefined;
  const h0 = heap();
  main = run(function* () {
    for (let i = 0; i < count; i++) yield* spawn(function* () { yield* suspend(); });
    yield* suspend();
  });
  await nextMacrotask();
  const h1 = heap();
  await main.halt();
  main = undefined;
  await nextMacrotask();
  const h2 = heap();
  return { perTask: (h1 - h0) / count, leftover: (h2 - h0) / count };
}

// ---- driver --------------------------------------------------------------------------------------------------

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs every shape in turn, RUNS times (interleaved, so a noisy neighbour hits all shapes alike); medians. */
async function rates(shapes: Array<{ shape: Shape; runs: number }>, n: number): Promise<number[]> {
  for (const { shape } of shapes) await shape(Math.min(n, 1000), 50); // warm-up (JIT), not counted
  const samples: number[][] = shapes.map(() => []);
  const wall: number[] = shapes.map(() => 0);
  for (let r = 0; r < RUNS; r++) {
    for (let i = 0; i < shapes.length; i++) {
      if (r >= shapes[i].runs) continue;
      gc();
      const w = now();
      const s = await shapes[i].shape(n, RUN_MS);
      samples[i].push(s.hops / (s.ms / 1000));
      wall[i] += now() - w;
    }
  }
  if (process.env.BENCH_VERBOSE) console.error(`n=${n} wall per shape (s): ${wall.map((x) => (x / 1000).toFixed(1)).join(' ')}`);
  return samples.map(median);
}

const fmt = (x: number): string => {
  if (x >= 1e6) return `${(x / 1e6).toFixed(2)} M`;
  if (x >= 1e3) return `${(x / 1e3).toFixed(1)} k`;
  return x.toFixed(0);
};
const ratio = (a: number, b: number): string => `${(a / b).toFixed(1)}x`;
const mark = (ok: boolean): string => (ok ? 'met' : '**missed**');

/** A shape's rate per second of this process's CPU time, not of wall time: other processes on a shared machine
 * then slow it less. */
const perCpuSecond = (shape: Shape): Shape => async (n, ms) => {
  const c0 = process.cpuUsage();
  const s = await shape(n, ms);
  const c = process.cpuUsage(c0);
  return { hops: s.hops, ms: (c.user + c.system) / 1000 };
};

/** Row (a) with tracing off and on, interleaved; the difference of the times per switch is tracing's cost. */
async function traceOverhead(): Promise<void> {
  const traced: Shape = async (n, ms) => {
    copas.trace.start({ events: 100_000 });
    try { return await copasPause(n, ms); } finally { copas.trace.stop(); }
  };
  const out = ['| tasks | tracing off, switches per CPU-s | copas.trace on, switches per CPU-s | cost per switch |', '|---:|---:|---:|---:|'];
  for (const n of SIZES) {
    const [off, on] = await rates([{ shape: perCpuSecond(copasPause), runs: RUNS }, { shape: perCpuSecond(traced), runs: RUNS }], n);
    out.push(`| ${n.toLocaleString('en-US')} | ${fmt(off)} | ${fmt(on)} | ${(1e9 / on - 1e9 / off).toFixed(0)} ns |`);
  }
  console.log(out.join('\n'));
}

async function main(): Promise<void> {
  const started = now();
  const rows: Array<{ label: string; shape: Shape; runs?: number }> = [
    { label: `(a) copas-ts: \`yield* copas.pause(0)\`${COPAS_SRC ? ` (${COPAS_SRC})` : ''}`, shape: copasPause },
    { label: '(b) async/await: `await new Promise(r => ready.push(r))` + FIFO driver', shape: asyncFifo },
    { label: '(b\') reference only: bare `await Promise.resolve()` (no scheduler, starves I/O)', shape: asyncMicrotask },
    { label: '(c) Effection 4: `yield* action(r => ready.push(r))` + FIFO driver', shape: effectionAction, runs: 3 },
    { label: '(c\') Effection 4: `yield* sleep(0)` (setTimeout, 1 ms floor)', shape: effectionSleep0, runs: 3 },
  ];
  const only = process.env.BENCH_ONLY; // e.g. BENCH_ONLY=copas for profiling: only row (a), no memory part
  if (only === 'trace') { await traceOverhead(); return; }
  const alt = process.env.COPAS_ALT_SRC;
  if (only === 'copas' && alt) {
    const altPause = copasPauseOf((require(alt) as typeof import('../src')).copas);
    for (const n of SIZES) {
      const [a, b] = await rates([{ shape: perCpuSecond(copasPause), runs: RUNS }, { shape: perCpuSecond(altPause), runs: RUNS }], n);
      console.log(`copas pause(0), ${n} tasks, switches per CPU-s: ${fmt(a)} (${COPAS_SRC ?? 'src'}), ${fmt(b)} (${alt}), ratio ${(a / b).toFixed(3)}`);
    }
    return;
  }
  const active = only === 'copas' ? rows.slice(0, 1) : rows;
  const results = new Map<Shape, number[]>(active.map((r) => [r.shape, []]));
  for (const n of SIZES) {
    const t = now();
    const med = await rates(active.map((r) => ({ shape: r.shape, runs: r.runs ?? RUNS })), n);
    active.forEach((r, i) => (results.get(r.shape) as number[]).push(med[i]));
    if (process.env.BENCH_VERBOSE) console.error(`speed n=${n}: ${((now() - t) / 1000).toFixed(1)} s`);
  }
  if (only === 'copas') {
    const [a, b] = results.get(copasPause) as number[];
    console.log(`copas pause(0): 2 tasks ${fmt(a)}/s, 10,000 tasks ${fmt(b)}/s`);
    return;
  }

  const mem = async (f: (c: number) => Promise<MemSample>, count = IDLE_TASKS): Promise<MemSample> => {
    await f(Math.min(count, 1_000)); // warm-up
    const s: MemSample[] = [];
    for (let i = 0; i < 3; i++) s.push(await f(count));
    return { perTask: median(s.map((x) => x.perTask)), leftover: median(s.map((x) => x.leftover)) };
  };
  let t = now();
  const memCopas = await mem(copasIdle);
  const memAsync = await mem(asyncIdle);
  if (process.env.BENCH_VERBOSE) console.error(`memory copas+async: ${((now() - t) / 1000).toFixed(1)} s`);
  t = now();
  const memEff = await mem(effectionIdle, EFFECTION_IDLE_TASKS);
  if (process.env.BENCH_VERBOSE) console.error(`memory effection: ${((now() - t) / 1000).toFixed(1)} s`);

  const out: string[] = [];
  out.push(`### copas-ts scheduler bench (node ${process.version}; median of ${RUNS} runs x ${RUN_MS} ms, Effection rows ${Math.min(3, RUNS)})`);
  out.push('');
  out.push('| shape | 2 tasks, switches/s | 10,000 tasks, switches/s |');
  out.push('|---|---:|---:|');
  for (const row of rows) {
    const [a, b] = results.get(row.shape) as number[];
    out.push(`| ${row.label} | ${fmt(a)} | ${fmt(b)} |`);
  }
  const [c2, c10k] = results.get(copasPause) as number[];
  const [a2, a10k] = results.get(asyncFifo) as number[];
  const [e2, e10k] = results.get(effectionAction) as number[];
  const [s2, s10k] = results.get(effectionSleep0) as number[];
  const eBest2 = Math.max(e2, s2);
  const eBest10k = Math.max(e10k, s10k);
  out.push(`| **copas / async-await (b)** (goal >= 2x) | ${ratio(c2, a2)} ${mark(c2 >= 2 * a2)} | ${ratio(c10k, a10k)} ${mark(c10k >= 2 * a10k)} |`);
  out.push(`| **copas / Effection, faster of (c), (c')** (goal >= 10x) | ${ratio(c2, eBest2)} ${mark(c2 >= 10 * eBest2)} | ${ratio(c10k, eBest10k)} ${mark(c10k >= 10 * eBest10k)} |`);
  out.push('');
  out.push(`| idle tasks (${IDLE_TASKS.toLocaleString('en-US')}) | heap per idle task | heap left per task after removal |`);
  out.push('|---|---:|---:|');
  out.push(`| copas-ts: \`yield* copas.pauseforever()\`, then \`copas.removethread\` (goal < 1 KiB) | ${memCopas.perTask.toFixed(0)} B ${mark(memCopas.perTask < 1024)} | ${memCopas.leftover.toFixed(1)} B |`);
  out.push(`| async/await: a pending \`new Promise\` per task, then resolved | ${memAsync.perTask.toFixed(0)} B | ${memAsync.leftover.toFixed(1)} B |`);
  out.push(`| Effection 4: \`spawn\` + \`yield* suspend()\`, then \`halt()\` | ${memEff.perTask.toFixed(0)} B | ${memEff.leftover.toFixed(1)} B |`);
  out.push('');
  out.push('Notes: a switch is one task giving the turn and being resumed. (b) and (c) use the same FIFO round-robin as');
  out.push('copas (a snapshot of the ready list per step, a macrotask break every 2 ms). Effection 4 has no cooperative');
  out.push('"yield the turn" operation: (c) builds one from `action`, (c\') is its idiomatic `sleep(0)` (a setTimeout).');
  out.push(`Total bench time: ${((now() - started) / 1000).toFixed(1)} s.`);
  console.log(out.join('\n'));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
