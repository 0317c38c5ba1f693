/**
 * bench/scheduler-ab.ts: an A/B of `yield* copas.pause(0)` between source trees, in one process.
 *
 * bench/scheduler.ts runs each shape for a fixed time and reports medians. On a VM that loses its core to
 * neighbours now and then, those medians move by ±10% between equal trees. Here every run does a fixed number
 * of switches and is timed in CPU time. The trees take turns, in alternating order, and the minimum over the
 * runs is the figure to compare: time stolen by the machine only ever adds.
 *
 *   npx ts-node --transpile-only bench/scheduler-ab.ts [src ...]     (default: src and COPAS_ALT_SRC)
 *   env: BENCH_TASKS (2,10000), BENCH_REPS (25 runs of each tree), BENCH_SWITCHES (2,000,000 per run)
 */
import * as path from 'node:path';

type Copas = typeof import('../src').copas;

const ROOT = path.resolve(__dirname, '..');
const given = process.argv.slice(2);
const dirs = given.length > 0 ? given : [path.join(ROOT, 'src'), ...(process.env.COPAS_ALT_SRC ? [process.env.COPAS_ALT_SRC] : [])];
const TASKS = (process.env.BENCH_TASKS ?? '2,10000').split(',').map(Number);
const REPS = Number(process.env.BENCH_REPS ?? 25);
const SWITCHES = Number(process.env.BENCH_SWITCHES ?? 2_000_000);

for (const [name, v] of [['BENCH_REPS', REPS], ['BENCH_SWITCHES', SWITCHES], ...TASKS.map((t) => ['BENCH_TASKS', t] as const)] as const) {
  if (!Number.isInteger(v) || v < 1) throw new Error(`bench/scheduler-ab: ${name} must be positive integers, got ${String(v)}`);
}

interface Tree { label: string; copas: Copas }
const labelOf = (d: string): string => { const r = path.relative(ROOT, path.resolve(d)); return r.startsWith('..') ? path.resolve(d) : r || '.'; };
const trees: Tree[] = dirs.map((d) => ({ label: labelOf(d), copas: (require(path.resolve(d)) as { copas: Copas }).copas }));

/** CPU nanoseconds per switch for one run of `tasks` tasks giving the turn SWITCHES times in all. */
async function run(copas: Copas, tasks: number): Promise<number> {
  const each = Math.ceil(SWITCHES / tasks);
  const body = function* () { for (let i = 0; i < each; i++) yield* copas.pause(0); };
  for (let i = 0; i < tasks; i++) copas.addthread(body);
  const c0 = process.cpuUsage();
  await copas.loop();
  const c = process.cpuUsage(c0);
  return ((c.user + c.system) * 1000) / (each * tasks);
}

const at = (sorted: number[], q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))];

async function main(): Promise<void> {
  console.log(`node ${process.version}; ${REPS} runs of ${SWITCHES.toLocaleString('en-US')} switches per tree and task count, trees alternating\n`);
  console.log('| tasks | tree | ns/switch min | p25 | median | min / first tree\'s min |');
  console.log('|---:|---|---:|---:|---:|---:|');
  for (const tasks of TASKS) {
    const times = trees.map((): number[] => []);
    for (let r = 0; r < REPS; r++) {
      const order = r % 2 === 0 ? trees.map((_, i) => i) : trees.map((_, i) => trees.length - 1 - i);
      for (const i of order) times[i].push(await run(trees[i].copas, tasks));
    }
    const sorted = times.map((t) => [...t].sort((a, b) => a - b));
    trees.forEach((tree, i) => {
      const s = sorted[i];
      console.log(`| ${tasks.toLocaleString('en-US')} | ${tree.label} | ${s[0].toFixed(1)} | ${at(s, 0.25).toFixed(1)} | ${at(s, 0.5).toFixed(1)} | ${(s[0] / sorted[0][0]).toFixed(3)} |`);
    });
  }
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
