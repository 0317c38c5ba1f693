/**
 * Broadcast without head-of-line blocking, on real sockets: 100 clients of one protocol, one of them stops
 * reading, another sends 20,000 1 KB messages that the handler relays with `yield* ws.broadcast(m)`. The 99
 * readers get every message at >= 0.8x the rate of a run with nobody stalled, the server's memory
 * grows by less than maxBufferedAmount per stalled client plus a few MB, and the stalled client is closed
 * with 1008 (the default policy) or, with slowClient 'skip', stays open and misses messages.
 *
 * The clients are raw node:net sockets that count bytes (each relayed frame is exactly 4 + 1024 bytes), so the
 * test process spends its time in the server, not in parsing.
 */
import { RawClient, frame, MiB, OP, textOf } from '../support/raw-websocket';
import { liveMemory } from '../support/gc';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';
import type { SlowClientPolicy } from '../../src';

installCleanup();

const MESSAGES = 20000;
const SIZE = 1024;
const FRAME = 4 + SIZE; // a server frame: 2-byte header + 2-byte length + payload

interface Run {
  seconds: number;
  /** The peak of the bytes the server had queued for its clients, all of them together (sampled every 5 ms). */
  queuedPeak: number;
  /** Buffers alive at the end (after a full collection), above those alive at the start. */
  liveGrowth: number;
  stalledOpen: boolean;
  stalledBytes: number;
  counts: number[];
}

/**
 * Relays MESSAGES messages to `clients` clients, `stalled` of which never read; returns what was seen. The
 * memory is read two ways: the server's queues (what maxBufferedAmount bounds), and the Buffers still alive
 * once everything is delivered. Peaks of live Buffers during the run are not asserted: after a full
 * collection they still swing by 5-40 MiB with the chunks in flight at that instant, stall or not.
 */
async function relay(clients: number, stalled: number, slowClient: SlowClientPolicy): Promise<Run> {
  const server = listen({ port: 0, interface: '127.0.0.1', closeTimeout: 0.5, slowClient, pingInterval: null, protocols: { relay: function* (ws) {
    for (;;) {
      const [m] = yield* ws.receive();
      if (m === null) return;
      yield* ws.broadcast(m);
    }
  } } });
  const loop = startLoop();
  const readers: RawClient[] = [];
  const counts: number[] = [];
  const expected = MESSAGES * FRAME;
  let complete = 0;
  let closedEarly = 0; // readers the server closed before they had everything (its slow-client policy)
  let allDone: () => void = () => undefined;
  const done = new Promise<void>((r) => { allDone = r; });
  for (let i = 0; i < clients - stalled; i++) {
    const c = await RawClient.open(server.port, { protocol: 'relay' });
    const k = counts.push(0) - 1;
    c.sock.removeAllListeners('data'); // count bytes only: no buffering in the test process
    c.sock.on('data', (d: Buffer) => {
      counts[k] += d.length;
      if (counts[k] === expected && ++complete === clients - stalled) allDone();
    });
    c.sock.once('close', () => { if (counts[k] !== expected) closedEarly++; });
    readers.push(c);
  }
  const stuck: RawClient[] = [];
  for (let i = 0; i < stalled; i++) {
    const c = await RawClient.open(server.port, { protocol: 'relay' });
    c.sock.removeAllListeners('data');
    c.sock.pause(); // reads nothing from here on
    stuck.push(c);
  }
  const publisher = readers[0]; // one of the readers sends; it gets its own messages back too
  const message = frame(OP.TEXT, textOf(SIZE, 7));
  const batch = Buffer.concat(Array.from({ length: 100 }, () => message));
  const before = (await liveMemory()).arrayBuffers;
  let queuedPeak = 0;
  const sampler = setInterval(() => {
    let queued = 0;
    for (const c of server.clients) queued += c.bufferedAmount;
    queuedPeak = Math.max(queuedPeak, queued);
  }, 5);
  let deadline: NodeJS.Timeout | undefined;
  let failed = true;
  try {
    const t0 = performance.now();
    for (let sent = 0; sent < MESSAGES; sent += 100) {
      if (!publisher.sock.write(batch)) await new Promise((r) => publisher.sock.once('drain', r));
    }
    await Promise.race([done, new Promise((_r, reject) => {
      deadline = setTimeout(() => {
        const short = counts.filter((n) => n !== expected);
        reject(new Error(`not delivered in 60 s: ${short.length} clients short, ${closedEarly} of them closed by the server; `
          + `frames they got: ${short.map((n) => Math.floor(n / FRAME)).join(', ')} of ${MESSAGES}`));
      }, 60000);
    })]);
    const seconds = (performance.now() - t0) / 1000;
    await new Promise((r) => setTimeout(r, 700)); // past closeTimeout: a closed client is dropped
    clearInterval(sampler);
    const liveGrowth = (await liveMemory()).arrayBuffers - before;
    const stalledOpen = server.clients.length === clients;
    let stalledBytes = 0; // what the stalled client gets once it reads again
    if (stuck.length > 0) {
      stuck[0].sock.on('data', (d: Buffer) => { stalledBytes += d.length; });
      stuck[0].sock.resume();
      await new Promise((r) => setTimeout(r, 500));
    }
    failed = false;
    return { seconds, queuedPeak, liveGrowth, stalledOpen, stalledBytes, counts };
  } finally {
    // also on a failure: an open socket or the sampler would keep Jest from exiting
    clearTimeout(deadline);
    clearInterval(sampler);
    for (const c of [...readers, ...stuck]) c.destroy();
    server.close();
    const ended = loopEnds(loop, 10000);
    await (failed ? ended.catch(() => undefined) : ended); // a failure's own error is the one to report
  }
}

describe('broadcast with a stalled client', () => {
  it('100 clients, one stalled: the 99 readers get all 20,000 messages at >= 0.8x the rate; memory stays bounded; the stalled one is closed', async () => {
    // a first run in a process is faster than the ones after it (less garbage to collect), so one run warms
    // up; then the two alternate and the best of each is kept: runs of the same kind vary by up to 1.5x
    // (2.5-3.8 s on Node 24) and a burst of load from a spec running beside this one must not decide. Three
    // rounds, up to five while the bests say < 0.8x: more rounds bring each best closer to that kind's
    // unloaded time, so a real cost of the stall still fails
    await relay(100, 0, 'close');
    const free: Run[] = [];
    const stall: Run[] = [];
    const best = (runs: Run[]): number => Math.min(...runs.map((r) => r.seconds));
    for (let round = 0; round < 5; round++) {
      if (round >= 3 && best(free) / best(stall) >= 0.8) break;
      stall.push(await relay(100, 1, 'close'));
      free.push(await relay(100, 0, 'close'));
    }
    const most = (runs: Run[], of: (r: Run) => number): number => Math.max(...runs.map(of));
    const ratio = best(free) / best(stall);
    console.log(`relay of ${MESSAGES} x ${SIZE} B to 99 readers, ${free.length} rounds: best ${best(free).toFixed(2)} s with none stalled, ${best(stall).toFixed(2)} s `
      + `with one (${ratio.toFixed(2)}x the rate); server queues peak ${(most(free, (r) => r.queuedPeak) / MiB).toFixed(2)} / `
      + `${(most(stall, (r) => r.queuedPeak) / MiB).toFixed(2)} MiB; live Buffers after ${(most(free, (r) => r.liveGrowth) / MiB).toFixed(2)} / `
      + `${(most(stall, (r) => r.liveGrowth) / MiB).toFixed(2)} MiB; every run (s): none stalled ${free.map((r) => r.seconds.toFixed(2)).join(' ')}, `
      + `one ${stall.map((r) => r.seconds.toFixed(2)).join(' ')}`);
    for (const run of stall) {
      expect(run.counts.every((n) => n === MESSAGES * FRAME)).toBe(true);
      // what the server queues grows by the bound (1 MiB, the default) for the one stalled client, plus a few
      // MB of whatever else is in flight
      expect(run.queuedPeak - most(free, (r) => r.queuedPeak)).toBeLessThan(1 * MiB + 4 * MiB);
      expect(run.liveGrowth).toBeLessThan(4 * MiB); // nothing kept once the stalled one is dropped
      expect(run.stalledOpen).toBe(false); // closed by the policy (1008), then dropped at its close deadline
    }
    expect(ratio).toBeGreaterThanOrEqual(0.8);
  }, 420000);

  it("slowClient 'skip': the stalled client stays open and misses what did not fit, the others get everything", async () => {
    const run = await relay(10, 1, 'skip');
    expect(run.counts.every((n) => n === MESSAGES * FRAME)).toBe(true);
    expect(run.stalledOpen).toBe(true);
    // what it holds for the stalled client, still open: at most the bound (`ws` would hold all 20 MB)
    expect(run.liveGrowth).toBeLessThan(1 * MiB + 4 * MiB);
    expect(run.queuedPeak).toBeLessThanOrEqual(1 * MiB + FRAME);
    expect(run.stalledBytes).toBeGreaterThan(0); // what was queued before it stalled, then what fit
    expect(run.stalledBytes).toBeLessThan(MESSAGES * FRAME);
    expect(run.stalledBytes % FRAME).toBe(0); // whole frames only: a skipped message is skipped entirely
  }, 120000);
});
