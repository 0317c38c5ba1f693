/**
 * bench/sync-client: WebSocket echo round trips per second of the sync client (blocking calls; a worker thread
 * runs the copas client) against the copas client (in a task, same thread), on one connection to the same
 * copas echo server running in another process. The gap is the cost of the thread hop (two per round trip:
 * send, receive). Goal: the sync round trip stays under 2x the copas one.
 *
 *   npm run bench:sync        (= npm run build && npx ts-node --transpile-only bench/sync-client.ts)
 *
 * The two clients are measured interleaved (copas, sync, copas, sync, ...) ROUNDS times for RUN_MS each after
 * WARM_MS of warm-up, for a few message sizes; each cell is the median. Not a timed test.
 *
 * Child role (used by the parent): `sync-client.ts server`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import type { ServerConnection } from '../src';

/**
 * The library under test: the build (dist/, `npm run bench:sync` builds it first), as a user's compiled program
 * runs it. Under ts-node the sync client's worker would load the TypeScript compiler too, and its collector,
 * busy with that heap, would be what the 64 KiB row measures. COPAS_LIB=src measures the sources instead.
 */
const LIB = path.resolve(__dirname, '..', process.env.COPAS_LIB ?? 'dist');
const { copas, websocket } = require(LIB) as typeof import('../src');

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const RUN_MS = Number(process.env.BENCH_MS ?? 2000);
const WARM_MS = Number(process.env.BENCH_WARM_MS ?? 300);
const SIZES = [16, 4096, 65536];
const NODE_ARGS = ['-r', 'ts-node/register/transpile-only'];
const ROOT = path.resolve(__dirname, '..');

// ---- child: the copas echo server ------------------------------------------------------------------------

function server(): void {
  const s = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: {
    echo: function* (ws: ServerConnection) {
      for (;;) {
        const [message, opcode] = yield* ws.receive();
        if (message === null) return;
        const [ok] = yield* ws.send(message, opcode);
        if (ok === null) return;
      }
    },
  } });
  console.log(`echo server on ws://127.0.0.1:${s.port}`);
  process.stdin.on('end', () => process.exit(0)); // ends with its parent
  process.stdin.resume();
  void copas.loop();
}

// ---- parent ------------------------------------------------------------------------------------------------

function startServer(): Promise<[ChildProcess, string]> {
  const child = spawn(process.execPath, [...NODE_ARGS, __filename, 'server'], { cwd: ROOT, stdio: ['pipe', 'pipe', 'inherit'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /(ws:\/\/[\d.]+:\d+)/.exec(out);
      if (m) resolve([child, m[1]]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
}

/** Round trips per second of the sync client: send, receive, repeat. */
function syncRate(url: string, message: Buffer): number {
  const c = websocket.client.sync({ timeout: 10, compression: false });
  const [ok, err] = c.connect(url, 'echo');
  if (ok === null) throw new Error(`sync connect: ${err}`);
  const once = (): void => {
    c.send(message, websocket.BINARY);
    const [m] = c.receive();
    if (m === null || (m as Buffer).length !== message.length) throw new Error('sync: bad echo');
  };
  const warmEnd = Date.now() + WARM_MS;
  while (Date.now() < warmEnd) once();
  let trips = 0;
  const t0 = process.hrtime.bigint();
  const end = Date.now() + RUN_MS;
  while (Date.now() < end) { once(); trips++; }
  const secs = Number(process.hrtime.bigint() - t0) / 1e9;
  c.close();
  return trips / secs;
}

/** Round trips per second of the copas client, in a task. */
function copasRate(url: string, message: Buffer): Promise<number> {
  return copas.run(function* () {
    const c = websocket.client.copas({ timeout: 10, compression: false });
    const [ok, err] = yield* c.connect(url, 'echo');
    if (ok === null) throw new Error(`copas connect: ${err}`);
    function* once() {
      yield* c.send(message, websocket.BINARY);
      const [m] = yield* c.receive();
      if (m === null || (m as Buffer).length !== message.length) throw new Error('copas: bad echo');
    }
    const warmEnd = Date.now() + WARM_MS;
    while (Date.now() < warmEnd) yield* once();
    let trips = 0;
    const t0 = process.hrtime.bigint();
    const end = Date.now() + RUN_MS;
    while (Date.now() < end) { yield* once(); trips++; }
    const secs = Number(process.hrtime.bigint() - t0) / 1e9;
    yield* c.close();
    return trips / secs;
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const [srv, url] = await startServer();
  try {
    // start the sync client's worker before measuring (its first call loads the code)
    const t0 = Date.now();
    const warm = websocket.client.sync({ timeout: 60 });
    warm.connect(url, 'echo');
    warm.close();
    process.stderr.write(`sync worker started in ${Date.now() - t0} ms\n`);
    const results: Record<string, number[]> = {};
    for (let round = 1; round <= ROUNDS; round++) {
      for (const size of SIZES) {
        const message = Buffer.alloc(size, 0x61);
        const c = await copasRate(url, message);
        const s = syncRate(url, message);
        (results[`copas/${size}`] ??= []).push(c);
        (results[`sync/${size}`] ??= []).push(s);
        process.stderr.write(`round ${round}: ${size} B: copas ${fmt(c)}/s, sync ${fmt(s)}/s\n`);
      }
    }
    console.log(`\nWebSocket echo round trips per second, one connection (median of ${ROUNDS} interleaved runs of ${RUN_MS / 1000} s; node ${process.version}; library ${path.relative(ROOT, LIB)})\n`);
    console.log('| message | copas client | sync client | sync round trip / copas round trip |');
    console.log('|---:|---:|---:|---:|');
    for (const size of SIZES) {
      const c = median(results[`copas/${size}`]);
      const s = median(results[`sync/${size}`]);
      console.log(`| ${size} B | ${fmt(c)} | ${fmt(s)} | ${(c / s).toFixed(2)}x |`);
    }
  } finally {
    srv.kill();
  }
}

if (process.argv[2] === 'server') server();
else main().catch((e) => { console.error(e); process.exit(1); });
