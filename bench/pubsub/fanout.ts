/**
 * bench/pubsub/fanout.ts: fan-out through topics, in one process and across processes through Redis.
 *   npm run bench:fanout      (also the last part of npm run bench)
 *
 * S subscribers (plain node:net clients in one load process) on the topic 'bench'; M messages of SIZE bytes
 * published, each reaching every subscriber: S x M deliveries. Three set-ups on this machine:
 *   1 process          one server, no Redis;
 *   1 process + Redis  the same with pubsub on: every publish also goes to Redis and its echo comes back
 *                      (dropped by its origin), which is the Redis hop's whole cost on the publishing side;
 *   2 workers + Redis  two server processes (as node:cluster workers would be), S/2 subscribers each, each
 *                      publishing M/2: every subscriber gets half its messages from the other process via Redis.
 * Publishing is paced by credit: no publisher runs more than WINDOW messages ahead of the slowest subscriber,
 * so the numbers are of steady flow (no queue grows). Wall time runs from the first credit until every
 * subscriber has all M and Redis has acknowledged every publish. CPU seconds are each process's own (process.cpuUsage; Redis' INFO cpu).
 *
 * Environment: BENCH_ROUNDS (3), BENCH_FANOUT_SUBS (1000), BENCH_FANOUT_MSGS (3000), BENCH_FANOUT_SIZE (100),
 * BENCH_FANOUT_WINDOW (100), BENCH_FANOUT_HOP_MSGS (20000), BENCH_FANOUT_ONLY (comma list of set-up ids: 1p, 1p-redis,
 * 2w-redis, hop-local, hop-redis, hop-local-2t, hop-redis-2t), BENCH_FANOUT_NODE_ARGS (extra node args for the servers, e.g. --cpu-prof), BENCH_OUT (results directory; default bench/results).
 */
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { RedisServer } from '../../spec/support/redis-server';
import { median } from '../websocket/stats';

const ROOT = path.resolve(__dirname, '../..');
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const SUBS = Number(process.env.BENCH_FANOUT_SUBS ?? 1000);
const MSGS = Number(process.env.BENCH_FANOUT_MSGS ?? 3000);
const SIZE = Number(process.env.BENCH_FANOUT_SIZE ?? 100);
const WINDOW = Number(process.env.BENCH_FANOUT_WINDOW ?? 100);
const SERVER_NODE_ARGS = (process.env.BENCH_FANOUT_NODE_ARGS ?? '').split(' ').filter(Boolean);
const OUT_DIR = path.resolve(process.env.BENCH_OUT ?? path.join(ROOT, 'bench/results'));

/** A child driven over IPC: `ask` sends a command and resolves with the next message that has `key`. */
class Proc {
  private waiters: { key: string; resolve: (m: Record<string, unknown>) => void }[] = [];
  onMessage: ((m: Record<string, unknown>) => void) | null = null;
  constructor(readonly child: ChildProcess) {
    child.on('message', (m: Record<string, unknown>) => {
      if (m.error !== undefined) throw new Error(String(m.error));
      this.onMessage?.(m);
      const i = this.waiters.findIndex((w) => m[w.key] !== undefined);
      if (i >= 0) this.waiters.splice(i, 1)[0].resolve(m);
    });
  }
  static start(script: string, args: string[], nodeArgs: string[] = []): Proc {
    return new Proc(fork(path.join(__dirname, script), args, { execArgv: ['-r', 'ts-node/register/transpile-only', ...nodeArgs], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }));
  }
  wait(key: string): Promise<Record<string, unknown>> {
    return new Promise((resolve) => this.waiters.push({ key, resolve }));
  }
  ask(msg: object, key: string): Promise<Record<string, unknown>> {
    const p = this.wait(key);
    this.child.send(msg);
    return p;
  }
  send(msg: object): void { this.child.send(msg); }
  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const gone = new Promise((r) => this.child.once('exit', r));
    this.child.send({ cmd: 'exit' });
    await gone;
  }
}

interface RedisCounters { cpu: number; publishes: number; publishUsec: number }

/** Redis' own CPU seconds and its PUBLISH count and time (INFO cpu, INFO commandstats). */
function redisCounters(port: number): RedisCounters {
  const info = execFileSync('redis-cli', ['-p', String(port), 'INFO', 'all']).toString();
  const get = (re: RegExp): number => Number((re.exec(info) ?? [])[1] ?? 0);
  return {
    cpu: get(/^used_cpu_user:([0-9.]+)/m) + get(/^used_cpu_sys:([0-9.]+)/m),
    publishes: get(/^cmdstat_publish:calls=(\d+)/m),
    publishUsec: get(/^cmdstat_publish:calls=\d+,usec=(\d+)/m),
  };
}

interface Setup { id: string; label: string; servers: number; redis: boolean; subs: number; msgs: number; window: number; topics: number }
/** The hop alone: one subscriber, many messages, so the per-message cost is not hidden by the fan-out's. */
const HOP_MSGS = Number(process.env.BENCH_FANOUT_HOP_MSGS ?? 20000);
const SETUPS: Setup[] = ([
  { id: '1p', label: '1 process', servers: 1, redis: false, subs: SUBS, msgs: MSGS, window: WINDOW, topics: 1 },
  { id: '1p-redis', label: '1 process + Redis', servers: 1, redis: true, subs: SUBS, msgs: MSGS, window: WINDOW, topics: 1 },
  { id: '2w-redis', label: '2 workers + Redis', servers: 2, redis: true, subs: SUBS, msgs: MSGS, window: WINDOW, topics: 1 },
  { id: 'hop-local', label: '1 subscriber, 1 process', servers: 1, redis: false, subs: 1, msgs: HOP_MSGS, window: 1000, topics: 1 },
  { id: 'hop-redis', label: '1 subscriber, 1 process + Redis', servers: 1, redis: true, subs: 1, msgs: HOP_MSGS, window: 1000, topics: 1 },
  // two topics in turn: no two consecutive publishes share an envelope, one PUBLISH per message
  { id: 'hop-local-2t', label: '1 subscriber, 1 process, 2 topics in turn', servers: 1, redis: false, subs: 1, msgs: HOP_MSGS, window: 1000, topics: 2 },
  { id: 'hop-redis-2t', label: '1 subscriber, + Redis, 2 topics in turn', servers: 1, redis: true, subs: 1, msgs: HOP_MSGS, window: 1000, topics: 2 },
] as Setup[]).filter((s) => process.env.BENCH_FANOUT_ONLY === undefined || process.env.BENCH_FANOUT_ONLY.split(',').includes(s.id));

interface Result { wall: number; serverCpu: number; redisCpu: number; publishes: number; publishUsec: number; loadCpu: number; relayed: number }

async function runOnce(setup: Setup, redis: RedisServer): Promise<Result> {
  const servers = Array.from({ length: setup.servers }, () => Proc.start('fanout-server.ts', [String(SIZE), setup.redis ? redis.url : '-', String(setup.topics)], SERVER_NODE_ARGS));
  const ports = (await Promise.all(servers.map((s) => s.wait('port')))).map((m) => m.port as number);
  const load = Proc.start('fanout-load.ts', []);
  await load.ask({ cmd: 'open', ports, n: setup.subs, size: SIZE }, 'opened');
  await Promise.all(servers.map((s) => s.ask({ cmd: 'ready' }, 'ready')));
  for (;;) { // every subscription is in place, locally and in Redis
    const c = await Promise.all(servers.map((s) => s.ask({ cmd: 'cpu' }, 'cpu')));
    if (c.reduce((n, m) => n + (m.clients as number), 0) === setup.subs) break;
  }
  if (setup.redis) await new Promise((r) => setTimeout(r, 200));
  const per = setup.msgs / setup.servers;
  const cpu0 = await Promise.all(servers.map((s) => s.ask({ cmd: 'cpu' }, 'cpu')));
  const load0 = await load.ask({ cmd: 'cpu' }, 'cpu');
  const redis0 = redisCounters(redis.port);
  const t0 = process.hrtime.bigint();
  const done = new Promise<void>((resolve) => {
    load.onMessage = (m) => {
      if (m.min === undefined) return;
      const min = m.min as number;
      if (min >= setup.msgs) { resolve(); return; }
      const upTo = Math.min(per, Math.floor(min / setup.servers) + setup.window);
      for (const s of servers) s.send({ cmd: 'credit', upTo });
    };
  });
  for (const s of servers) s.send({ cmd: 'credit', upTo: Math.min(per, setup.window) });
  await done;
  load.onMessage = null;
  // and every publish has been taken by Redis (local deliveries can run ahead of the Redis hop)
  for (;;) {
    const c = await Promise.all(servers.map((s) => s.ask({ cmd: 'cpu' }, 'cpu')));
    if (c.every((m) => m.pubsub === null || (m.pubsub as { pending: number }).pending === 0)) break;
    await new Promise((r) => setTimeout(r, 5));
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu1 = await Promise.all(servers.map((s) => s.ask({ cmd: 'cpu' }, 'cpu')));
  const load1 = await load.ask({ cmd: 'cpu' }, 'cpu');
  const redis1 = redisCounters(redis.port);
  const relayed = cpu1.reduce((n, m) => n + ((m.pubsub as { received: number } | null)?.received ?? 0), 0);
  await load.stop();
  await Promise.all(servers.map((s) => s.stop()));
  const serverCpu = cpu1.reduce((n, m, i) => n + (m.cpu as number) - (cpu0[i].cpu as number), 0);
  return { wall, serverCpu, redisCpu: redis1.cpu - redis0.cpu, publishes: redis1.publishes - redis0.publishes,
    publishUsec: redis1.publishUsec - redis0.publishUsec, loadCpu: (load1.cpu as number) - (load0.cpu as number), relayed };
}

async function main(): Promise<void> {
  const redis = await RedisServer.start();
  const rows = new Map<string, Result[]>();
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const setup of SETUPS) {
        const res = await runOnce(setup, redis);
        (rows.get(setup.id) ?? rows.set(setup.id, []).get(setup.id) as Result[]).push(res);
        const d = setup.subs * setup.msgs;
        console.log(`  [fanout #${r + 1}] ${setup.label.padEnd(44)} ${(d / res.wall / 1e6).toFixed(2)} M deliveries/s  ${(d / res.serverCpu / 1e6).toFixed(2)} M per server CPU-s`
          + `  server CPU ${res.serverCpu.toFixed(2)} s  Redis CPU ${res.redisCpu.toFixed(3)} s (${res.publishes} PUBLISH, ${(res.publishUsec / Math.max(1, res.publishes)).toFixed(1)} µs each)  load CPU ${res.loadCpu.toFixed(2)} s  wall ${res.wall.toFixed(2)} s  relayed ${res.relayed}`);
      }
    }
  } finally {
    await redis.stop();
  }
  const med = (id: string, f: (r: Result) => number): number => median((rows.get(id) ?? []).map(f));
  const us = (x: number): string => `${(x * 1e6).toFixed(1)} µs`;
  const lines: string[] = [];
  lines.push(`# Fan-out through topics: ${SUBS} subscribers, ${MSGS} messages of ${SIZE} B (${(SUBS * MSGS / 1e6).toFixed(1)} M deliveries)`);
  lines.push('');
  lines.push(`Node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? '?'}), ${execFileSync('redis-server', ['--version']).toString().split(' ').slice(0, 3).join(' ')}; medians of ${ROUNDS} rounds; credit window ${WINDOW} messages.`);
  lines.push('The load process (the subscribers\' sockets) runs on the same cores, so wall-clock rates are shared with it; per CPU-s is the servers\' own cost.');
  lines.push('');
  lines.push('| set-up | subscribers x messages | deliveries/s | deliveries per server CPU-s | server CPU per message | Redis CPU per message | messages per PUBLISH | Redis time per PUBLISH | load CPU-s |');
  lines.push('|---|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const s of SETUPS) {
    const d = s.subs * s.msgs;
    const cpu = med(s.id, (r) => r.serverCpu);
    lines.push(`| ${s.label} | ${s.subs} x ${s.msgs} | ${(d / med(s.id, (r) => r.wall) / 1e6).toFixed(2)} M | ${(d / cpu / 1e6).toFixed(2)} M | ${us(cpu / s.msgs)} | ${s.redis ? us(med(s.id, (r) => r.redisCpu) / s.msgs) : '-'} | ${s.redis ? (s.msgs / med(s.id, (r) => r.publishes)).toFixed(1) : '-'} | ${s.redis ? `${med(s.id, (r) => r.publishUsec / r.publishes).toFixed(1)} µs` : '-'} | ${med(s.id, (r) => r.loadCpu).toFixed(2)} |`);
  }
  lines.push('');
  if (rows.has('hop-local') && rows.has('hop-redis')) {
    const hop = (med('hop-redis', (r) => r.serverCpu) - med('hop-local', (r) => r.serverCpu)) / HOP_MSGS;
    lines.push(`The Redis hop, per message, on the publishing process (publish, and its echo received and dropped), 50 publishes per step (one PUBLISH for about 50): ${us(hop)} of server CPU; in Redis: ${us(med('hop-redis', (r) => r.redisCpu) / HOP_MSGS)}.`);
  }
  if (rows.has('hop-local-2t') && rows.has('hop-redis-2t')) {
    const hop = (med('hop-redis-2t', (r) => r.serverCpu) - med('hop-local-2t', (r) => r.serverCpu)) / HOP_MSGS;
    lines.push(`The same publishing to two topics in turn (one PUBLISH per message): ${us(hop)} of server CPU; in Redis: ${us(med('hop-redis-2t', (r) => r.redisCpu) / HOP_MSGS)}.`);
  }
  if (rows.has('1p')) lines.push(`One delivery (one subscriber, one message) in one process: ${(med('1p', (r) => r.serverCpu) / (SUBS * MSGS) * 1e9).toFixed(0)} ns of server CPU.`);
  lines.push('');
  lines.push(`Rerun: \`BENCH_ROUNDS=${ROUNDS} BENCH_FANOUT_SUBS=${SUBS} BENCH_FANOUT_MSGS=${MSGS} BENCH_FANOUT_SIZE=${SIZE} npm run bench:fanout\``);
  const text = lines.join('\n') + '\n';
  console.log('\n' + text);
  fs.mkdirSync(OUT_DIR, { recursive: true });
  fs.writeFileSync(path.join(OUT_DIR, 'fanout.md'), text);
}

void main().catch((err: Error) => { console.error(err); process.exit(1); });
