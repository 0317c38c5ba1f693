/**
 * bench/websocket/load.ts: the one load generator, in its own process, on plain node:net (not copas, not ws),
 * driven by run.ts over IPC. Kept cheap so that the server is the side saturated:
 *  - the frames are built (and masked) once; a connection keeps `inflight` messages outstanding and, per read,
 *    writes as many frames as echoes completed in ONE write (a subarray of a pre-built run of frames);
 *  - every echoed byte is checked: the received stream is compared (memcmp, Buffer.compare) against a pre-built
 *    run of the expected echo frames, so the header and every payload byte must match, with no per-frame parsing;
 *  - send times sit in a ring per connection, so each echo gives a round-trip latency.
 * The server's CPU time is read from /proc/<pid>/stat at the start and end of the measured window.
 */
import * as fs from 'node:fs';
import * as net from 'node:net';
import { createHash } from 'node:crypto';

type Kind = 'ws' | 'net';

interface RunParams {
  kind: Kind; port: number; serverPid: number; conns: number; inflight: number; size: number; binary: boolean;
  warmMs: number; runMs: number;
}

const WS_KEY = 'dGhlIHNhbXBsZSBub25jZQ==';
const WS_ACCEPT = createHash('sha1').update(WS_KEY + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
const MASK = Buffer.from([0x37, 0xfa, 0x21, 0x3d]);
const CLK_TCK = 100;
const LAT_CAP = 4_000_000;

function send(msg: object): void { (process.send as (m: object) => void)(msg); }

function cpuSeconds(pid: number): number {
  try {
    const s = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / CLK_TCK; // utime + stime (fields 14, 15)
  } catch { return NaN; }
}

/** [ns on CPU, ns waiting on a run queue] of a process (/proc/<pid>/schedstat). */
function schedstat(pid: number | 'self'): [number, number] {
  try {
    const f = fs.readFileSync(`/proc/${pid}/schedstat`, 'latin1').split(' ');
    return [Number(f[0]) / 1e9, Number(f[1]) / 1e9];
  } catch { return [NaN, NaN]; }
}

/** Seconds on a CPU of all of a process's threads (summed /proc/<pid>/task/<tid>/schedstat): ns resolution, unlike CLK_TCK. */
function threadsCpuSeconds(pid: number): number {
  try {
    let ns = 0;
    for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
      try { ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'latin1').split(' ')[0]); } catch { /* a thread that ended */ }
    }
    return ns / 1e9;
  } catch { return NaN; }
}

function payloadOf(size: number, binary: boolean): Buffer {
  const p = Buffer.allocUnsafe(size);
  let x = 0x9e3779b9;
  for (let i = 0; i < size; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5;
    p[i] = binary ? x & 0xff : 0x20 + ((x >>> 0) % 95); // printable ASCII for TEXT
  }
  return p;
}

function wsHeader(opcode: number, length: number, masked: boolean): Buffer {
  const ext = length < 126 ? 0 : length < 0x10000 ? 2 : 8;
  const h = Buffer.alloc(2 + ext + (masked ? 4 : 0));
  h[0] = 0x80 | opcode;
  const m = masked ? 0x80 : 0;
  if (ext === 0) h[1] = m | length;
  else if (ext === 2) { h[1] = m | 126; h.writeUInt16BE(length, 2); }
  else { h[1] = m | 127; h.writeUInt32BE(Math.floor(length / 2 ** 32), 2); h.writeUInt32BE(length >>> 0, 6); }
  if (masked) MASK.copy(h, 2 + ext);
  return h;
}

/** The bytes the client sends for one message, and the bytes the echo must be. */
function frames(kind: Kind, size: number, binary: boolean): { out: Buffer; echo: Buffer } {
  const payload = payloadOf(size, binary);
  if (kind === 'net') {
    const f = Buffer.allocUnsafe(4 + size);
    f.writeUInt32BE(size, 0);
    payload.copy(f, 4);
    return { out: f, echo: f };
  }
  const opcode = binary ? 2 : 1;
  const masked = Buffer.from(payload);
  for (let i = 0; i < size; i++) masked[i] ^= MASK[i & 3];
  return { out: Buffer.concat([wsHeader(opcode, size, true), masked]), echo: Buffer.concat([wsHeader(opcode, size, false), payload]) };
}

function repeat(b: Buffer, n: number): Buffer {
  return Buffer.concat(Array.from({ length: n }, () => b));
}

/** Connects and (for ws) completes the opening handshake; resolves with the ready socket. */
function connect(kind: Kind, port: number, localAddress?: string, protocol = 'echo'): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: '127.0.0.1', port, localAddress, noDelay: true });
    s.once('error', reject);
    s.once('connect', () => {
      if (kind === 'net') { s.off('error', reject); resolve(s); return; }
      s.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n`
        + `Sec-WebSocket-Key: ${WS_KEY}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
      let head = '';
      const onData = (d: Buffer): void => {
        head += d.toString('latin1');
        const end = head.indexOf('\r\n\r\n');
        if (end < 0) return;
        s.off('data', onData);
        s.off('error', reject);
        if (!head.startsWith('HTTP/1.1 101') || !head.includes(WS_ACCEPT) || end + 4 !== head.length) {
          s.destroy();
          reject(new Error(`bad handshake response: ${JSON.stringify(head.slice(0, 200))}`));
          return;
        }
        resolve(s);
      };
      s.on('data', onData);
    });
  });
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function run(p: RunParams): Promise<object> {
  const { out, echo } = frames(p.kind, p.size, p.binary);
  const flen = out.length;
  const elen = echo.length;
  const sendRun = repeat(out, p.inflight);
  const expectRun = repeat(echo, Math.max(p.inflight, Math.ceil(65536 / elen) + 1));
  const socks = await Promise.all(Array.from({ length: p.conns }, () => connect(p.kind, p.port)));
  let measuring = false;
  let stopping = false;
  let msgs = 0;
  let errors = 0;
  let firstError = '';
  let outstandingTotal = 0;
  let drained: (() => void) | null = null;
  const lat = new Float64Array(LAT_CAP);
  let latN = 0;
  let reads = 0;
  const K = p.inflight;
  for (const s of socks) {
    let pos = 0; // offset inside the current expected echo frame
    const times = new Float64Array(K);
    let head = 0;
    let tail = 0;
    let outstanding = 0;
    s.on('error', (e) => { errors++; firstError ||= String(e); });
    s.on('data', (chunk: Buffer) => {
      reads++;
      let off = 0;
      let done = 0;
      const len = chunk.length;
      while (off < len) {
        const n = Math.min(len - off, expectRun.length - pos);
        if (chunk.compare(expectRun, pos, pos + n, off, off + n) !== 0) {
          errors++;
          firstError ||= `echo mismatch (${p.kind}, ${p.size} B) at frame offset ${pos}`;
          s.destroy();
          return;
        }
        off += n;
        const total = pos + n;
        done += Math.floor(total / elen);
        pos = total % elen;
      }
      if (done === 0) return;
      const now = performance.now();
      for (let k = 0; k < done; k++) {
        if (measuring && latN < LAT_CAP) lat[latN++] = now - times[head];
        head = head + 1 === K ? 0 : head + 1;
      }
      if (measuring) msgs += done;
      outstanding -= done;
      outstandingTotal -= done;
      if (!stopping) {
        s.write(done === K ? sendRun : sendRun.subarray(0, done * flen)); // one write per read
        for (let k = 0; k < done; k++) { times[tail] = now; tail = tail + 1 === K ? 0 : tail + 1; }
        outstanding += done;
        outstandingTotal += done;
      } else if (outstandingTotal === 0 && drained !== null) {
        drained();
      }
    });
    const now = performance.now();
    for (let k = 0; k < K; k++) times[k] = now;
    outstanding = K;
    outstandingTotal += K;
    s.write(sendRun);
  }
  await sleep(p.warmMs);
  measuring = true;
  const cpu0 = cpuSeconds(p.serverPid);
  const ss0 = schedstat(p.serverPid);
  const ls0 = schedstat('self');
  const reads0 = reads;
  const t0 = performance.now();
  await sleep(p.runMs);
  const t1 = performance.now();
  const cpu1 = cpuSeconds(p.serverPid);
  const ss1 = schedstat(p.serverPid);
  const ls1 = schedstat('self');
  const readsIn = reads - reads0;
  measuring = false;
  stopping = true;
  if (outstandingTotal > 0 && errors === 0) {
    await Promise.race([new Promise<void>((r) => { drained = r; }), sleep(3000)]);
  }
  const lost = outstandingTotal;
  for (const s of socks) s.end();
  await sleep(50);
  for (const s of socks) s.destroy();
  const l = lat.subarray(0, latN).sort();
  const pct = (q: number): number => (latN === 0 ? NaN : l[Math.min(latN - 1, Math.floor(q * latN))]);
  return {
    msgs, seconds: (t1 - t0) / 1000, cpuSeconds: cpu1 - cpu0, bytes: msgs * p.size,
    p50: pct(0.5) * 1000, p99: pct(0.99) * 1000, errors, firstError, lost,
    // diagnostics: is the server the side saturated? (seconds on CPU / waiting for a CPU, per second of run)
    serverRun: (ss1[0] - ss0[0]) / ((t1 - t0) / 1000), serverWait: (ss1[1] - ss0[1]) / ((t1 - t0) / 1000),
    loadRun: (ls1[0] - ls0[0]) / ((t1 - t0) / 1000), loadWait: (ls1[1] - ls0[1]) / ((t1 - t0) / 1000),
    msgsPerRead: msgs / Math.max(1, readsIn),
  };
}

interface BroadcastParams { port: number; serverPid: number; subs: number; stalled: number; size: number; binary: boolean; window: number; warmMs: number; runMs: number }

/**
 * The broadcast scenario: `subs` clients of the protocol 'broadcast' (the last `stalled` of them never read),
 * one of them the publisher. The server relays each message to every client; the readers count the bytes
 * (every relayed frame has the same size). The publisher keeps the readers' average backlog under `window`
 * messages, so the rate measured is the server's fan-out, not a queue filling up.
 */
async function broadcast(p: BroadcastParams): Promise<object> {
  const { out, echo } = frames('ws', p.size, p.binary);
  const elen = echo.length;
  const socks: net.Socket[] = new Array(p.subs);
  let next = 0;
  const opener = async (): Promise<void> => {
    while (next < p.subs) {
      const k = next++;
      socks[k] = await connect('ws', p.port, `127.0.0.${2 + (k % 100)}`, 'broadcast');
    }
  };
  await Promise.all(Array.from({ length: 50 }, opener));
  const readers = p.subs - p.stalled;
  let bytes = 0;
  let sent = 0;
  let closed = 0;
  let errors = 0;
  let firstError = '';
  let stopping = false;
  const batch = repeat(out, 16);
  const publisher = socks[0];
  const pump = (): void => {
    while (!stopping && sent - bytes / elen / readers < p.window) {
      publisher.write(batch);
      sent += 16;
    }
  };
  socks.forEach((s, k) => {
    s.on('error', (e) => { errors++; firstError ||= String(e); });
    if (k >= readers) { s.pause(); return; }
    s.on('close', () => { closed++; });
    s.on('data', (chunk: Buffer) => { bytes += chunk.length; pump(); });
  });
  pump();
  await sleep(p.warmMs);
  const b0 = bytes;
  const cpu0 = cpuSeconds(p.serverPid);
  const t0 = performance.now();
  await sleep(p.runMs);
  const t1 = performance.now();
  const cpu1 = cpuSeconds(p.serverPid);
  const b1 = bytes;
  stopping = true;
  await sleep(200);
  const closedReaders = closed;
  for (const s of socks) s.destroy();
  return { deliveries: (b1 - b0) / elen, seconds: (t1 - t0) / 1000, cpuSeconds: cpu1 - cpu0, closedReaders, errors, firstError };
}

let idleSocks: net.Socket[] = [];

async function idle(p: { kind: Kind; port: number; n: number; concurrency: number; serverPid?: number }): Promise<object> {
  const socks: net.Socket[] = new Array(p.n);
  let next = 0;
  let errors = 0;
  let firstError = '';
  const ss0 = p.serverPid === undefined ? [0, 0] : schedstat(p.serverPid);
  const cpu0 = p.serverPid === undefined ? NaN : threadsCpuSeconds(p.serverPid);
  const ls0 = schedstat('self');
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (next < p.n) {
      const k = next++;
      // Spread source addresses over 127.0.0.2-101 so ephemeral ports (and TIME_WAIT) never run out.
      try { socks[k] = await connect(p.kind, p.port, `127.0.0.${2 + (k % 100)}`); } catch (e) { errors++; firstError ||= String(e); }
    }
  };
  await Promise.all(Array.from({ length: p.concurrency }, worker));
  const seconds = (performance.now() - t0) / 1000;
  const ss1 = p.serverPid === undefined ? [0, 0] : schedstat(p.serverPid);
  const cpu1 = p.serverPid === undefined ? NaN : threadsCpuSeconds(p.serverPid);
  const ls1 = schedstat('self');
  idleSocks = socks.filter((s) => s !== undefined);
  for (const s of idleSocks) s.on('error', () => { /* the server is killed first */ });
  return {
    opened: idleSocks.length, seconds, cpuSeconds: cpu1 - cpu0, errors, firstError,
    serverRun: (ss1[0] - ss0[0]) / seconds, serverWait: (ss1[1] - ss0[1]) / seconds,
    loadRun: (ls1[0] - ls0[0]) / seconds, loadWait: (ls1[1] - ls0[1]) / seconds,
  };
}

process.on('message', (msg: { cmd: string; id: number; params: any }) => {
  const reply = (r: Promise<object>): void => {
    r.then((result) => send({ id: msg.id, result }), (e) => send({ id: msg.id, error: String(e && e.stack || e) }));
  };
  if (msg.cmd === 'run') reply(run(msg.params));
  else if (msg.cmd === 'idle') reply(idle(msg.params));
  else if (msg.cmd === 'broadcast') reply(broadcast(msg.params));
  else if (msg.cmd === 'closeIdle') {
    for (const s of idleSocks) s.destroy();
    const n = idleSocks.length;
    idleSocks = [];
    reply(Promise.resolve({ closed: n }));
  } else if (msg.cmd === 'exit') process.exit(0);
});
process.on('disconnect', () => process.exit(0));
send({ ready: true, pid: process.pid });
