/**
 * bench/websocket: the fair WebSocket benchmark (issue 7).   npm run bench
 *
 * Servers, each in its own process (bench/websocket/server.ts): copas-ts (the README's generator echo handler),
 * `ws` without bufferutil (WS_NO_BUFFER_UTIL=1), `ws` with bufferutil, and a length-prefixed node:net echo that
 * writes once per message (the floor). One load generator (bench/websocket/load.ts, plain node:net) in its own
 * process; with taskset the servers run on one core and the load on another. Every server child is started
 * through `sh -c 'ulimit -n ...; exec ...'` so 10,000 connections fit.
 *
 * Scenarios: 32-byte TEXT with 1 connection x 1 in flight (latency p50/p99), 1 x 100, 50 x 100; 64 KiB BINARY
 * 1 x 16 (MB/s); 10,000 idle connections (RSS and heap per connection after GC, connections opened per second;
 * a fresh server process per measurement). Each scenario runs ROUNDS times interleaved, each round starting at
 * the next server (A B C D, B C D A, ...); cells are medians with min-max, and a round-by-round table gives the
 * ratios of servers that ran side by side. Throughput is also given per second of the server's CPU.
 *
 * Output: a markdown table of ratios against ws and against node:net, printed and written to
 * bench/results/websocket.md, and an SVG bar chart of the same in bench/results/websocket.svg. The broadcast
 * scenarios (bcast-*: 1,000 subscribers, one publisher, 100 B / 1 KB, with 1% stalled) go to
 * bench/results/broadcast.md (BENCH_BROADCAST_MS per run, default 5000).
 *
 * Environment: BENCH_ROUNDS (5), BENCH_MS (2000), BENCH_WARM_MS (300), BENCH_IDLE (10000), BENCH_ONLY (comma
 * list of scenario ids), BENCH_SERVERS (comma list of server ids), COPAS_LIB (copas-ts build the copas server
 * loads, already built, e.g. dist; default: src/ transpiled), COPAS_SRC (TypeScript sources to transpile instead of
 * src/, e.g. a scratch copy's), COPAS_ALT_SRC (a second source tree, measured as the extra server 'copasalt'
 * for an A/B of a change), BENCH_COPAS_NODE_ARGS (extra node args for the copas server, e.g. --cpu-prof),
 * BENCH_OUT (results directory; default bench/results), BENCH_SERVER_CPU / BENCH_LOAD_CPU (cores for taskset).
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { median, pairedRatios, rotated } from './stats';
import { Child, cores, IDLE_ID, LOAD_CPU, pin, ROOT, SERVER_CPU, SERVERS, startServer, THROUGHPUT, type Running, type Scenario, type ServerDef } from './children';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 5);
const RUN_MS = Number(process.env.BENCH_MS ?? 2000);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 300);
const IDLE_N = Number(process.env.BENCH_IDLE ?? 10000);
const OUT_DIR = path.resolve(process.env.BENCH_OUT ?? path.join(ROOT, 'bench/results'));
const ONLY = process.env.BENCH_ONLY ? process.env.BENCH_ONLY.split(',') : null;

// ---- measuring ---------------------------------------------------------------------------------------------

interface RunResult { serverRun: number; serverWait: number; loadRun: number; loadWait: number; msgsPerRead: number; msgs: number; seconds: number; cpuSeconds: number; bytes: number; p50: number; p99: number; errors: number; firstError: string; lost: number }
interface IdleResult { rssPerConn: number; heapPerConn: number; externalPerConn: number; connsPerSec: number }

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

const results = new Map<string, Map<string, number[]>>(); // metric -> server -> values
function record(metric: string, server: string, v: number): void {
  let m = results.get(metric);
  if (m === undefined) { m = new Map(); results.set(metric, m); }
  let a = m.get(server);
  if (a === undefined) { a = []; m.set(server, a); }
  a.push(v);
}

async function throughput(load: Child, servers: Running[], sc: Scenario): Promise<void> {
  for (let r = 0; r < ROUNDS; r++) {
    for (const s of rotated(servers, r)) {
      const res: RunResult = await load.request('run', {
        kind: s.def.load, port: s.port, serverPid: s.pid, conns: sc.conns, inflight: sc.inflight, size: sc.size,
        binary: sc.binary, warmMs: WARM_MS, runMs: RUN_MS,
      });
      if (res.errors > 0 || res.msgs === 0) throw new Error(`${sc.id} on ${s.def.label}: ${res.errors} errors, ${res.msgs} echoes: ${res.firstError}`);
      const rate = res.msgs / res.seconds;
      const perCpu = res.msgs / res.cpuSeconds;
      if (sc.binary) {
        record(`${sc.id}:MB/s`, s.def.id, res.bytes / res.seconds / 1e6);
        record(`${sc.id}:MB/cpu-s`, s.def.id, res.bytes / res.cpuSeconds / 1e6);
      } else {
        record(`${sc.id}:msgs/s`, s.def.id, rate);
        record(`${sc.id}:msgs/cpu-s`, s.def.id, perCpu);
      }
      if (sc.id === 'text-1x1' || sc.id === 'text-50x100') {
        record(`${sc.id}:p50`, s.def.id, res.p50);
        record(`${sc.id}:p99`, s.def.id, res.p99);
      }
      const shown = sc.binary ? `${(res.bytes / res.seconds / 1e6).toFixed(0)} MB/s` : `${rate.toFixed(0)} msg/s`;
      record(`${sc.id}:diag:server-cpu`, s.def.id, res.serverRun * 100);
      record(`${sc.id}:diag:server-wait`, s.def.id, res.serverWait * 100);
      record(`${sc.id}:diag:load-cpu`, s.def.id, res.loadRun * 100);
      record(`${sc.id}:diag:load-wait`, s.def.id, res.loadWait * 100);
      const pc = (x: number): string => `${(x * 100).toFixed(0).padStart(3)}%`;
      console.log(`  [${sc.id} #${r + 1}] ${s.def.label.padEnd(14)} ${shown.padStart(14)}  p50 ${res.p50.toFixed(0).padStart(6)} us  p99 ${res.p99.toFixed(0).padStart(6)} us`
        + `  server cpu ${pc(res.serverRun)} runq ${pc(res.serverWait)}  load cpu ${pc(res.loadRun)} runq ${pc(res.loadWait)}  echoes/read ${res.msgsPerRead.toFixed(1)}`);
    }
  }
}

async function idleScenario(load: Child, defs: ServerDef[]): Promise<void> {
  for (let r = 0; r < ROUNDS; r++) {
    for (const def of rotated(defs, r)) {
      const s = await startServer(def); // a fresh process, so memory is that of the connections alone
      // Warm-up: 200 connections opened and closed, so code compiled for the first ones is not counted.
      await load.request('idle', { kind: def.load, port: s.port, n: 200, concurrency: 50 });
      await load.request('closeIdle');
      for (let i = 0; i < 50 && (await s.child.mem()).conns > 0; i++) await sleep(100);
      await sleep(200);
      const before = await s.child.mem();
      const opened = await load.request('idle', { kind: def.load, port: s.port, n: IDLE_N, concurrency: 200, serverPid: s.pid });
      if (opened.errors > 0 || opened.opened !== IDLE_N) throw new Error(`idle on ${def.label}: opened ${opened.opened} of ${IDLE_N}: ${opened.firstError}`);
      let after = await s.child.mem();
      for (let i = 0; i < 50 && after.conns < IDLE_N; i++) { await sleep(100); after = await s.child.mem(); }
      await sleep(300);
      after = await s.child.mem();
      if (after.conns !== IDLE_N) throw new Error(`idle on ${def.label}: the server holds ${after.conns} connections, expected ${IDLE_N}`);
      const res: IdleResult = {
        rssPerConn: (after.mem.rss - before.mem.rss) / IDLE_N,
        heapPerConn: (after.mem.heapUsed - before.mem.heapUsed) / IDLE_N,
        externalPerConn: (after.mem.external - before.mem.external) / IDLE_N,
        connsPerSec: IDLE_N / opened.seconds,
      };
      record(`${IDLE_ID}:rss`, def.id, res.rssPerConn / 1024);
      record(`${IDLE_ID}:heap`, def.id, res.heapPerConn / 1024);
      record(`${IDLE_ID}:conns/s`, def.id, res.connsPerSec);
      record(`${IDLE_ID}:conns/cpu-s`, def.id, IDLE_N / opened.cpuSeconds);
      record(`${IDLE_ID}:diag:server-cpu`, def.id, opened.serverRun * 100);
      record(`${IDLE_ID}:diag:server-wait`, def.id, opened.serverWait * 100);
      record(`${IDLE_ID}:diag:load-cpu`, def.id, opened.loadRun * 100);
      record(`${IDLE_ID}:diag:load-wait`, def.id, opened.loadWait * 100);
      const pc = (x: number): string => `${(x * 100).toFixed(0).padStart(3)}%`;
      console.log(`  [idle #${r + 1}] ${def.label.padEnd(14)} ${res.connsPerSec.toFixed(0).padStart(6)} conn/s  ${(IDLE_N / opened.cpuSeconds).toFixed(0).padStart(6)} conn/CPU-s  server cpu ${pc(opened.serverRun)} load cpu ${pc(opened.loadRun)}  RSS ${(res.rssPerConn / 1024).toFixed(2)} KiB/conn  heap ${(res.heapPerConn / 1024).toFixed(2)} KiB/conn  external ${(res.externalPerConn / 1024).toFixed(2)} KiB/conn`);
      await s.child.stop(); // the server closes first: TIME_WAIT stays on its side, not on our source ports
      await load.request('closeIdle');
      await sleep(300);
    }
  }
}

// ---- broadcast ---------------------------------------------------------------------------------------------

/** Broadcast scenarios (ids for BENCH_ONLY): subscribers, stalled among them, message size. */
const BROADCAST = [
  { id: 'bcast-1000-100', title: '1,000 subscribers, 100 B text', subs: 1000, stalled: 0, size: 100 },
  { id: 'bcast-1000-1k', title: '1,000 subscribers, 1 KB text', subs: 1000, stalled: 0, size: 1024 },
  { id: 'bcast-1000-100-stall', title: '1,000 subscribers (10 stalled), 100 B text', subs: 1000, stalled: 10, size: 100 },
  { id: 'bcast-1000-1k-stall', title: '1,000 subscribers (10 stalled), 1 KB text', subs: 1000, stalled: 10, size: 1024 },
];
const BROADCAST_MS = Number(process.env.BENCH_BROADCAST_MS ?? 5000);

/**
 * One publisher, `subs` subscribers on one server (a fresh process per run, so its memory is that run's):
 * deliveries per second and per server CPU-s, readers the server closed, and the server's RSS growth.
 */
async function broadcastScenario(load: Child, defs: ServerDef[], lines: string[]): Promise<void> {
  const bdefs = defs.filter((d) => d.kind === 'copas' || d.kind === 'ws');
  for (const sc of BROADCAST.filter((b) => ONLY === null || ONLY.includes(b.id))) {
    console.log(`${sc.title}:`);
    for (let r = 0; r < ROUNDS; r++) {
      for (const def of rotated(bdefs, r)) {
        const s = await startServer(def);
        const before = await s.child.mem();
        const res = await load.request('broadcast', { port: s.port, serverPid: s.pid, subs: sc.subs, stalled: sc.stalled, size: sc.size, binary: false,
          window: 64, warmMs: WARM_MS * 3, runMs: BROADCAST_MS });
        const after = await s.child.mem();
        await s.child.stop();
        if (res.errors > 0 && res.deliveries === 0) throw new Error(`${sc.id} on ${def.label}: ${res.firstError}`);
        record(`${sc.id}:deliveries/s`, def.id, res.deliveries / res.seconds);
        record(`${sc.id}:deliveries/cpu-s`, def.id, res.deliveries / res.cpuSeconds);
        record(`${sc.id}:rss`, def.id, (after.mem.rss - before.mem.rss) / 1048576);
        record(`${sc.id}:closed`, def.id, res.closedReaders);
        console.log(`  [${sc.id} #${r + 1}] ${def.label.padEnd(14)} ${(res.deliveries / res.seconds).toFixed(0).padStart(9)} deliveries/s  ${(res.deliveries / res.cpuSeconds).toFixed(0).padStart(9)} /CPU-s`
          + `  readers closed ${res.closedReaders}  server RSS +${((after.mem.rss - before.mem.rss) / 1048576).toFixed(0)} MiB`);
        await sleep(300);
      }
    }
  }
  if (!BROADCAST.some((b) => results.has(`${b.id}:deliveries/s`))) return;
  lines.push(`| scenario | unit | ${bdefs.map((d) => d.label).join(' | ')} | copas-ts / ws |`);
  lines.push(`|---|---|${bdefs.map(() => '---:').join('|')}|---:|`);
  for (const sc of BROADCAST) {
    for (const [metric, unit] of [['deliveries/s', 'deliveries/s'], ['deliveries/cpu-s', 'deliveries/CPU-s'], ['rss', 'server RSS growth, MiB'], ['closed', 'readers closed']] as const) {
      const m = `${sc.id}:${metric}`;
      if (!results.has(m)) continue;
      const ratioCell = metric === 'closed' ? '' : ratio(m, 'copas', 'ws');
      lines.push(`| ${sc.title} | ${unit} | ${bdefs.map((d) => cell(m, d.id)).join(' | ')} | ${ratioCell} |`);
    }
  }
}

// ---- output ------------------------------------------------------------------------------------------------

interface Row { metric: string; label: string; unit: string; lowerBetter: boolean }

function rows(): Row[] {
  const out: Row[] = [];
  const add = (metric: string, label: string, unit: string, lowerBetter = false): void => { if (results.has(metric)) out.push({ metric, label, unit, lowerBetter }); };
  for (const sc of THROUGHPUT) {
    if (sc.binary) {
      add(`${sc.id}:MB/s`, `${sc.title}`, 'MB/s');
      add(`${sc.id}:MB/cpu-s`, `${sc.title}, per server CPU-s`, 'MB/CPU-s');
    } else {
      add(`${sc.id}:msgs/s`, `${sc.title}`, 'msg/s');
      add(`${sc.id}:msgs/cpu-s`, `${sc.title}, per server CPU-s`, 'msg/CPU-s');
    }
    add(`${sc.id}:p50`, `${sc.title}, latency p50`, 'us', true);
    add(`${sc.id}:p99`, `${sc.title}, latency p99`, 'us', true);
  }
  add(`${IDLE_ID}:rss`, `${IDLE_N} idle conns, RSS per conn`, 'KiB', true);
  add(`${IDLE_ID}:heap`, `${IDLE_N} idle conns, heap per conn`, 'KiB', true);
  add(`${IDLE_ID}:conns/s`, `${IDLE_N} idle conns, opened per second`, 'conn/s');
  add(`${IDLE_ID}:conns/cpu-s`, `${IDLE_N} idle conns, opened per server CPU-s (all its threads)`, 'conn/CPU-s');
  return out;
}

function fmt(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  const a = Math.abs(v);
  return a >= 1000 ? Math.round(v).toLocaleString('en-US') : a >= 100 ? v.toFixed(0) : a >= 10 ? v.toFixed(1) : v.toFixed(2);
}
const med = (metric: string, server: string): number => median(results.get(metric)?.get(server) ?? []);
const cell = (metric: string, server: string): string => {
  const xs = results.get(metric)?.get(server);
  if (!xs || xs.length === 0) return '-';
  return `${fmt(median(xs))} (${fmt(Math.min(...xs))}-${fmt(Math.max(...xs))})`;
};
const ratio = (metric: string, a: string, b: string): string => {
  const x = med(metric, a) / med(metric, b);
  return Number.isFinite(x) ? `${x.toFixed(2)}x` : '-';
};

/** A cell of the round-by-round table: median (min-max) of the per-round ratios, rounds where `a` did better. */
const paired = (metric: string, a: string, b: string, lowerBetter: boolean): string => {
  const p = pairedRatios(results.get(metric)?.get(a) ?? [], results.get(metric)?.get(b) ?? [], lowerBetter);
  return p === null ? '-' : `${p.median.toFixed(2)}x (${p.min.toFixed(2)}-${p.max.toFixed(2)}), ${p.better}/${p.rounds}`;
};

function markdown(meta: string[]): string {
  const lines: string[] = [];
  lines.push('# WebSocket echo benchmark (issue 7)', '', ...meta.map((m) => `- ${m}`), '');
  lines.push('## Ratios (medians; copas-ts / other). Higher is better for rates, lower for latency and memory (marked *)', '');
  lines.push('| scenario | unit | copas-ts / ws | copas-ts / ws+bufferutil | copas-ts / node:net | ws / node:net |');
  lines.push('|---|---|---:|---:|---:|---:|');
  for (const r of rows()) {
    lines.push(`| ${r.label}${r.lowerBetter ? ' *' : ''} | ${r.unit} | ${ratio(r.metric, 'copas', 'ws')} | ${ratio(r.metric, 'copas', 'wsbu')} | ${ratio(r.metric, 'copas', 'net')} | ${ratio(r.metric, 'ws', 'net')} |`);
  }
  const others = SERVERS.filter((o) => o.id !== 'copas' && o.id !== 'net');
  if (results.size > 0 && SERVERS.some((o) => o.id === 'copas') && others.length > 0) {
    lines.push('', '## Round by round: copas-ts / other in the same round', '',
      'Median (min-max) of the per-round ratios, then the rounds in which copas-ts did better. With COPAS_ALT_SRC=src',
      'the column "copas-ts (alt)" measures the same code twice: how far apart two equal servers land (the noise).', '');
    lines.push(`| scenario | unit | ${others.map((o) => `copas-ts / ${o.label}`).join(' | ')} |`);
    lines.push(`|---|---|${others.map(() => '---:').join('|')}|`);
    for (const r of rows()) lines.push(`| ${r.label}${r.lowerBetter ? ' *' : ''} | ${r.unit} | ${others.map((o) => paired(r.metric, 'copas', o.id, r.lowerBetter)).join(' | ')} |`);
  }
  lines.push('', `## Values: median (min-max) of ${ROUNDS} interleaved runs`, '');
  lines.push(`| scenario | unit | ${SERVERS.map((s) => s.label).join(' | ')} |`);
  lines.push(`|---|---|${SERVERS.map(() => '---:').join('|')}|`);
  for (const r of rows()) lines.push(`| ${r.label}${r.lowerBetter ? ' *' : ''} | ${r.unit} | ${SERVERS.map((s) => cell(r.metric, s.id)).join(' | ')} |`);
  lines.push('', '## Diagnostics: was the server the side saturated? Median % of one core during the measured window', '',
    'server cpu / server runq = the server process on a CPU / runnable but waiting for one (/proc/<pid>/schedstat);',
    'load cpu / load runq = the same for the load generator. A server well under 100% cpu with a low runq was',
    'waiting for the load (or for the network); a high runq means other processes on the machine took its core.', '');
  lines.push(`| scenario | ${SERVERS.map((s) => s.label).join(' | ')} |`);
  lines.push(`|---|${SERVERS.map(() => '---').join('|')}|`);
  for (const sc of [...THROUGHPUT, { id: IDLE_ID, title: `${IDLE_N} idle conns, while opening them` }]) {
    if (!results.has(`${sc.id}:diag:server-cpu`)) continue;
    const d = (k: string, id: string): string => fmt(med(`${sc.id}:diag:${k}`, id)).replace(/\.\d+$/, '');
    lines.push(`| ${sc.title} | ${SERVERS.map((s) => `server ${d('server-cpu', s.id)}/${d('server-wait', s.id)}, load ${d('load-cpu', s.id)}/${d('load-wait', s.id)}`).join(' | ')} |`);
  }
  return lines.join('\n') + '\n';
}

function esc(s: string): string { return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;'); }

/** Grouped horizontal bars: each server's median relative to ws (ws = 1.0). */
function svg(meta: string): string {
  const rs = rows();
  const colors: Record<string, string> = { copas: '#d9480f', copasalt: '#f59f00', core: '#e599f7', ws: '#1c7ed6', wsbu: '#74c0fc', net: '#868e96' };
  const barH = 11;
  const groupGap = 14;
  const labelW = 330;
  const plotW = 470;
  const top = 62;
  const groupH = SERVERS.length * barH + groupGap;
  const height = top + rs.length * groupH + 30;
  const width = labelW + plotW + 90;
  let maxR = 1;
  for (const r of rs) for (const s of SERVERS) { const x = med(r.metric, s.id) / med(r.metric, 'ws'); if (Number.isFinite(x)) maxR = Math.max(maxR, x); }
  maxR = Math.min(Math.ceil(maxR * 2) / 2, 4);
  const X = (v: number): number => labelW + (Math.min(v, maxR) / maxR) * plotW;
  const o: string[] = [];
  o.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="11">`);
  o.push(`<rect width="100%" height="100%" fill="white"/>`);
  o.push(`<text x="10" y="18" font-size="14" font-weight="bold">WebSocket echo: median relative to ws (= 1.0); * lower is better</text>`);
  o.push(`<text x="10" y="34" fill="#555">${esc(meta)}</text>`);
  let lx = 10;
  for (const s of SERVERS) {
    o.push(`<rect x="${lx}" y="42" width="10" height="10" fill="${colors[s.id]}"/><text x="${lx + 14}" y="51">${esc(s.label)}</text>`);
    lx += 24 + s.label.length * 7;
  }
  for (let t = 0; t <= maxR + 1e-9; t += 0.5) {
    const x = X(t);
    o.push(`<line x1="${x}" y1="${top - 4}" x2="${x}" y2="${height - 24}" stroke="${t === 1 ? '#000' : '#ddd'}" stroke-width="${t === 1 ? 1.2 : 1}"/>`);
    o.push(`<text x="${x}" y="${height - 10}" text-anchor="middle" fill="#555">${t.toFixed(1)}x</text>`);
  }
  rs.forEach((r, gi) => {
    const y0 = top + gi * groupH;
    o.push(`<text x="${labelW - 8}" y="${y0 + (SERVERS.length * barH) / 2 + 4}" text-anchor="end">${esc(r.label)}${r.lowerBetter ? ' *' : ''}</text>`);
    SERVERS.forEach((s, si) => {
      const v = med(r.metric, s.id) / med(r.metric, 'ws');
      if (!Number.isFinite(v)) return;
      const y = y0 + si * barH;
      o.push(`<rect x="${labelW}" y="${y}" width="${(X(v) - labelW).toFixed(1)}" height="${barH - 2}" fill="${colors[s.id]}"><title>${esc(`${s.label}: ${fmt(med(r.metric, s.id))} ${r.unit}`)}</title></rect>`);
      o.push(`<text x="${X(v) + 4}" y="${y + barH - 3}" font-size="9" fill="#333">${v.toFixed(2)}${v > maxR ? ' (clipped)' : ''}</text>`);
    });
  });
  o.push('</svg>');
  return o.join('\n') + '\n';
}

// ---- main --------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const started = Date.now();
  const broadcastLines: string[] = [];
  const load0 = os.loadavg();
  let hard = 'unknown';
  try { hard = execFileSync('sh', ['-c', 'ulimit -Hn']).toString().trim(); } catch { /* ignore */ }
  console.log(`node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? '?'}), load average ${load0.map((x) => x.toFixed(2)).join(' ')}`);
  console.log(pin ? `taskset: servers on core ${SERVER_CPU}, load generator on core ${LOAD_CPU}` : 'taskset: not used (absent or one core)');
  console.log(`fd hard limit ${hard}; ${ROUNDS} rounds, ${RUN_MS} ms runs after ${WARM_MS} ms warm-up`);
  const load = new Child('bench-load', 'bench/websocket/load.js', [], {}, [], LOAD_CPU);
  const lr = await load.next();
  if (!lr.ready) throw new Error('load generator did not start');
  try {
    const wanted = THROUGHPUT.filter((s) => ONLY === null || ONLY.includes(s.id));
    if (wanted.length > 0) {
      const servers: Running[] = [];
      for (const d of SERVERS) servers.push(await startServer(d));
      for (const sc of wanted) {
        console.log(`${sc.title}:`);
        await throughput(load, servers, sc);
      }
      for (const s of servers) await s.child.stop();
    }
    if (ONLY === null || ONLY.includes(IDLE_ID)) {
      console.log(`${IDLE_N} idle connections:`);
      await idleScenario(load, SERVERS);
    }
    await broadcastScenario(load, SERVERS, broadcastLines);
  } finally {
    await load.stop();
  }
  const load1 = os.loadavg();
  const meta = [
    `${new Date().toISOString()}, node ${process.version}, ${cores} cores (${os.cpus()[0]?.model ?? '?'}), ${((Date.now() - started) / 1000).toFixed(0)} s in all`,
    `load average (1/5/15 min) at start ${load0.map((x) => x.toFixed(2)).join(' ')}, at end ${load1.map((x) => x.toFixed(2)).join(' ')}`,
    pin ? `servers pinned to core ${SERVER_CPU}, load generator to core ${LOAD_CPU} (taskset)` : 'no CPU pinning (taskset absent or one core)',
    `${ROUNDS} interleaved rounds per scenario (each round starts at the next server), ${RUN_MS} ms measured after ${WARM_MS} ms warm-up; CPU-s = the server process's utime+stime`,
    `copas-ts: README generator echo handler (compression off)${process.env.COPAS_LIB ?  `, COPAS_LIB=${process.env.COPAS_LIB}` : ` from ${process.env.COPAS_SRC ?? 'src/'}`}${process.env.COPAS_ALT_SRC ? `; copas-ts (alt) from COPAS_ALT_SRC=${process.env.COPAS_ALT_SRC}` : ''}; ws ${require('ws/package.json').version} perMessageDeflate false; node:net: length-prefixed, one write per message`,
  ];
  fs.mkdirSync(OUT_DIR, { recursive: true });
  if (broadcastLines.length > 0) {
    const bmd = ['# Broadcast benchmark (issue 13)', '', ...meta.map((m) => `- ${m}`),
      `- one publisher among the subscribers; the server relays each message to every client of the protocol (copas-ts: \`yield* ws.broadcast(m)\`, default maxBufferedAmount 1 MiB and slowClient 'close'; ws: its documented \`wss.clients.forEach\`); the publisher keeps the readers' average backlog under 64 messages; stalled subscribers never read; ${BROADCAST_MS} ms measured per run, a fresh server process per run`,
      '', ...broadcastLines, ''].join('\n');
    console.log('\n' + bmd);
    fs.writeFileSync(path.join(OUT_DIR, 'broadcast.md'), bmd);
    if (THROUGHPUT.every((t) => !results.has(`${t.id}:msgs/s`) && !results.has(`${t.id}:MB/s`)) && !results.has(`${IDLE_ID}:rss`)) return; // only broadcast ran
  }
  const md = markdown(meta);
  console.log('\n' + md);
  fs.writeFileSync(path.join(OUT_DIR, 'websocket.md'), md);
  fs.writeFileSync(path.join(OUT_DIR, 'websocket.svg'), svg(`load avg ${load0[0].toFixed(1)} -> ${load1[0].toFixed(1)} on ${cores} cores; ${ROUNDS} rounds; node ${process.version}`));
  console.log(`written ${path.relative(process.cwd(), path.join(OUT_DIR, 'websocket.md'))} and websocket.svg`);
}

main().catch((e) => { console.error(e); process.exit(1); });
