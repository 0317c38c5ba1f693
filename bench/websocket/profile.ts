/**
 * bench/websocket/profile.ts: where each server spends its CPU per message in one of run.ts's scenarios (default
 * text-1x1, the latency-bound one; BENCH_SCENARIO picks another).   npm run bench:profile   (needs Linux `perf`)
 *
 * Every server (BENCH_SERVERS, default copas and ws) runs with --perf-basic-prof, pinned as in run.ts; the load
 * generator runs the scenario, and `perf record -g` samples the server during the measured window. perf-breakdown.ts sorts the samples into buckets (system calls, sleeping, GC, and the JavaScript of
 * copas-ts, ws, Node and the handler); the table gives microseconds of server CPU per message for each, and is
 * written to bench/results/websocket-profile[-<scenario>].md. Environment: BENCH_MS (4000), BENCH_WARM_MS (500),
 * BENCH_ROUNDS (2, interleaved; the table shows the mean), BENCH_PERF_HZ (4999), BENCH_PERF_KEEP (a directory to
 * keep the perf.data files in, for `perf report -i`).
 */
import { execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ALL_SERVERS, Child, LOAD_CPU, ROOT, startServer, THROUGHPUT, type Running } from './children';
import { breakdown, BUCKETS, type Bucket } from './perf-breakdown';

const RUN_MS = Number(process.env.BENCH_MS ?? 4000);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 500);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 2);
const HZ = Number(process.env.BENCH_PERF_HZ ?? 4999);
const found = THROUGHPUT.find((s) => s.id === (process.env.BENCH_SCENARIO ?? 'text-1x1'));
if (found === undefined) throw new Error(`BENCH_SCENARIO: one of ${THROUGHPUT.map((s) => s.id).join(', ')}`);
const SCENARIO = found;
/** A directory to keep the perf.data files in (for `perf report`), else they are deleted. */
const KEEP = process.env.BENCH_PERF_KEEP;
const OUT = path.resolve(process.env.BENCH_OUT ?? path.join(ROOT, 'bench/results'),
  SCENARIO.id === 'text-1x1' ? 'websocket-profile.md' : `websocket-profile-${SCENARIO.id}.md`);
const WANT = (process.env.BENCH_SERVERS ?? 'copas,ws').split(',');

function perfRecord(pid: number, file: string, delayMs: number, ms: number): Promise<void> {
  const p = spawn('sh', ['-c', `sleep ${delayMs / 1000}; exec perf record -q -F ${HZ} -g -p ${pid} -o ${file} -- sleep ${ms / 1000}`], { stdio: 'ignore' });
  return new Promise((resolve, reject) => p.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`perf record exited with ${code}`)))));
}

async function main(): Promise<void> {
  try { execFileSync('perf', ['--version'], { stdio: 'ignore' }); } catch { throw new Error('bench:profile needs Linux perf (apt-get install linux-perf)'); }
  const defs = ALL_SERVERS.filter((d) => WANT.includes(d.id) && d.kind !== 'net');
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-profile-'));
  const load = new Child('bench-load', 'bench/websocket/load.js', [], {}, [], LOAD_CPU);
  if (!(await load.next()).ready) throw new Error('load generator did not start');
  const servers: Running[] = [];
  for (const d of defs) servers.push(await startServer({ ...d, nodeArgs: [...d.nodeArgs, '--perf-basic-prof'] }));
  const sums = new Map<string, Map<Bucket, number>>();
  const rates = new Map<string, number[]>();
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const s of servers) {
        const file = path.join(tmp, `${s.def.id}-${r}.data`);
        const recording = perfRecord(s.pid, file, WARM_MS, RUN_MS);
        const res = await load.request('run', { kind: s.def.load, port: s.port, serverPid: s.pid, conns: SCENARIO.conns, inflight: SCENARIO.inflight, size: SCENARIO.size, binary: SCENARIO.binary, warmMs: WARM_MS, runMs: RUN_MS });
        await recording;
        const text = execFileSync('perf', ['script', '-i', file], { maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'ignore'] }).toString('latin1');
        const b = breakdown(text, HZ, res.msgs * (RUN_MS / (res.seconds * 1000)));
        const sum = sums.get(s.def.id) ?? new Map<Bucket, number>();
        for (const [k, v] of b) sum.set(k, (sum.get(k) ?? 0) + v / ROUNDS);
        sums.set(s.def.id, sum);
        rates.set(s.def.id, [...(rates.get(s.def.id) ?? []), res.msgs / res.seconds]);
        console.log(`  [#${r + 1}] ${s.def.label.padEnd(14)} ${(res.msgs / res.seconds).toFixed(0)} msg/s under perf`);
      }
    }
  } finally {
    for (const s of servers) await s.child.stop();
    await load.stop();
    if (KEEP !== undefined) { fs.mkdirSync(KEEP, { recursive: true }); for (const f of fs.readdirSync(tmp)) fs.copyFileSync(path.join(tmp, f), path.join(KEEP, f)); }
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  const cols = servers.map((s) => s.def);
  const f = (v: number): string => v.toFixed(2);
  const lines = [
    `# Where the server CPU goes: ${SCENARIO.title} (issue 7)`,
    '',
    `- ${new Date().toISOString()}, node ${process.version}, ${os.cpus().length} cores; perf record -g at ${HZ} Hz over ${RUN_MS} ms, ${ROUNDS} interleaved rounds (mean)`,
    '- microseconds of server CPU per echoed message; natives called from JavaScript count with the function that called them',
    '',
    `| bucket | ${cols.map((c) => c.label).join(' | ')} |`,
    `|---|${cols.map(() => '---:').join('|')}|`,
    ...BUCKETS.map((b) => `| ${b} | ${cols.map((c) => f(sums.get(c.id)?.get(b) ?? 0)).join(' | ')} |`),
    `| **all** | ${cols.map((c) => `**${f([...(sums.get(c.id)?.values() ?? [])].reduce((a, x) => a + x, 0))}**`).join(' | ')} |`,
    `| msg/s while profiled | ${cols.map((c) => (rates.get(c.id) ?? []).map((x) => x.toFixed(0)).join(', ')).join(' | ')} |`,
    '',
  ];
  const md = lines.join('\n');
  console.log('\n' + md);
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, md);
  console.log(`written ${path.relative(process.cwd(), OUT)}`);
}

main().catch((e) => { console.error(e); process.exit(1); });
