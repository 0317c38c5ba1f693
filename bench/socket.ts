/**
 * bench/socket: line-echo round trips per second, the copas-ts line echo server (examples/line-echo-server.ts)
 * against a plain node:net echo server written with callbacks, over 1 and over 100 connections.
 *
 *   npm run bench:socket        (= npx ts-node --transpile-only bench/socket.ts)
 *
 * Each server runs in its own child process; the load comes from a third process, a plain node:net client
 * (not copas, so the numbers measure the server). Every connection sends a line, waits for its echo, and
 * repeats for RUN_MS after WARM_MS of warm-up. Servers are measured interleaved (copas, net, copas, net, ...)
 * ROUNDS times and each cell is the median. Not a timed test: the table goes in the issue's closing note.
 *
 * Child roles (used by the parent): `socket.ts net-server` and `socket.ts client <port> <connections> <ms>`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUN_MS = Number(process.env.BENCH_MS ?? 3000);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 500);
const CONNECTIONS = [1, 100];
const LINE = 'the quick brown fox jumps over the lazy dog 0123456789\n';
const NODE_ARGS = ['-r', 'ts-node/register/transpile-only'];
const ROOT = path.resolve(__dirname, '..');

// ---- child: the plain node:net echo server -----------------------------------------------------------------

function netServer(): void {
  const server = net.createServer({ noDelay: true }, (c) => {
    let buf = '';
    c.setEncoding('latin1');
    c.on('data', (d: string) => {
      buf += d;
      let at: number;
      while ((at = buf.indexOf('\n')) >= 0) {
        let line = buf.slice(0, at);
        buf = buf.slice(at + 1);
        if (line.endsWith('\r')) line = line.slice(0, -1);
        c.write(line + '\n', 'latin1');
      }
    });
    c.on('error', () => c.destroy());
  });
  server.listen(0, '127.0.0.1', () => {
    console.log(`net echo server listening on tcp://localhost:${(server.address() as net.AddressInfo).port}`);
  });
}

// ---- child: the load generator -------------------------------------------------------------------------

function client(port: number, n: number, ms: number): void {
  let counting = false;
  let trips = 0;
  const sockets: net.Socket[] = [];
  let ready = 0;
  const line = Buffer.from(LINE, 'latin1');
  for (let i = 0; i < n; i++) {
    const s = net.connect({ port, host: '127.0.0.1', noDelay: true });
    sockets.push(s);
    let pending = 0; // bytes of the echo still to come
    s.on('connect', () => {
      if (++ready === n) begin();
    });
    s.on('data', (d: Buffer) => {
      pending -= d.length;
      if (pending <= 0) {
        if (counting) trips++;
        pending = line.length;
        s.write(line);
      }
    });
    s.on('error', (e) => { console.error(`client: ${e.message}`); process.exit(1); });
    const first = (): void => { pending = line.length; s.write(line); };
    s.once('ready', first);
  }
  function begin(): void {
    setTimeout(() => {
      counting = true;
      process.stdout.write('start\n');
      const t0 = process.hrtime.bigint();
      setTimeout(() => {
        counting = false;
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        process.stdout.write(JSON.stringify({ trips, secs }) + '\n');
        for (const s of sockets) s.destroy();
      }, ms);
    }, WARM_MS);
  }
}

// ---- parent ------------------------------------------------------------------------------------------------

function startServer(kind: 'copas' | 'net'): Promise<[ChildProcess, number]> {
  const args = kind === 'copas'
    ? [...NODE_ARGS, path.join(ROOT, 'examples/line-echo-server.ts'), '0']
    : [...NODE_ARGS, __filename, 'net-server'];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /tcp:\/\/localhost:(\d+)/.exec(out);
      if (m) resolve([child, Number(m[1])]);
    });
    child.on('exit', (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

/** CPU seconds (user + system) a process has used so far, from /proc (null where there is none). */
function cpuSeconds(pid: number): number | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return null;
  }
}

interface Sample { rate: number; cpuUs: number | null }

/** Runs the load generator against `port`; the rate, and the server's CPU microseconds per round trip. */
function runClient(port: number, n: number, serverPid: number): Promise<Sample> {
  const child = spawn(process.execPath, [...NODE_ARGS, __filename, 'client', String(port), String(n), String(RUN_MS)],
    { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let cpu0: number | null = null;
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (cpu0 === null && out.startsWith('start\n')) cpu0 = cpuSeconds(serverPid);
    });
    child.on('exit', (code) => {
      const cpu1 = cpuSeconds(serverPid);
      if (code !== 0) { reject(new Error(`client exited with ${code}`)); return; }
      const { trips, secs } = JSON.parse(out.slice('start\n'.length)) as { trips: number; secs: number };
      resolve({ rate: trips / secs, cpuUs: cpu0 === null || cpu1 === null ? null : ((cpu1 - cpu0) * 1e6) / trips });
    });
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const results: Record<string, number[]> = {};
  const cpu: Record<string, number[]> = {};
  for (let round = 1; round <= ROUNDS; round++) {
    for (const n of CONNECTIONS) {
      for (const kind of ['copas', 'net'] as const) {
        const [server, port] = await startServer(kind);
        try {
          const { rate, cpuUs } = await runClient(port, n, server.pid as number);
          (results[`${kind}/${n}`] ??= []).push(rate);
          if (cpuUs !== null) (cpu[`${kind}/${n}`] ??= []).push(cpuUs);
          process.stderr.write(`round ${round}: ${kind} ${n} connection(s): ${fmt(rate)} round trips/s, server CPU ${cpuUs?.toFixed(1) ?? '?'} us/trip\n`);
        } finally {
          server.kill();
        }
      }
    }
  }
  console.log(`\nLine-echo round trips per second (median of ${ROUNDS} interleaved runs of ${RUN_MS / 1000} s; node ${process.version})\n`);
  console.log('| connections | copas-ts | node:net (callbacks) | copas / net | server CPU per trip, copas / net |');
  console.log('|---:|---:|---:|---:|---:|');
  const us = (k: string): string => (cpu[k]?.length ? `${median(cpu[k]).toFixed(1)} us` : '?');
  for (const n of CONNECTIONS) {
    const c = median(results[`copas/${n}`]);
    const m = median(results[`net/${n}`]);
    console.log(`| ${n} | ${fmt(c)} | ${fmt(m)} | ${(c / m).toFixed(2)}x | ${us(`copas/${n}`)} / ${us(`net/${n}`)} |`);
  }
}

const role = process.argv[2];
if (role === 'net-server') netServer();
else if (role === 'client') client(Number(process.argv[3]), Number(process.argv[4]), Number(process.argv[5]));
else main().catch((e) => { console.error(e); process.exit(1); });
