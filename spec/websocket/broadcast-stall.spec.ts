/**
 * Broadcast without head-of-line blocking, on real sockets: 100 clients of one protocol, one of them stops
 * reading, another sends 20,000 1 KB messages that the handler relays with `yield* ws.broadcast(m)`. The 98
 * others get every message (the rate beside a run with nobody stalled is printed), the server's memory
 * grows by less than maxBufferedAmount per stalled client plus a few MB, and the stalled client is closed
 * with 1008 (the default policy) or, with slowClient 'skip', stays open and misses messages.
 *
 * The clients are raw node:net sockets that count bytes (each relayed frame is exactly 4 + 1024 bytes), so the
 * test process spends its time in the server, not in parsing.
 */
import { RawClient, frame, memorySampler, MiB, OP, textOf } from '../support/raw-websocket';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';
import type { SlowClientPolicy } from '../../src';

installCleanup();

const MESSAGES = 20000;
const SIZE = 1024;
const FRAME = 4 + SIZE; // a server frame: 2-byte header + 2-byte length + payload

interface Run { seconds: number; peak: number; stalledOpen: boolean; stalledBytes: number; counts: number[] }

/** Relays MESSAGES messages to `clients` clients, `stalled` of which never read; returns what was seen. */
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
  const memory = memorySampler(20);
  const t0 = performance.now();
  for (let sent = 0; sent < MESSAGES; sent += 100) {
    if (!publisher.sock.write(batch)) await new Promise((r) => publisher.sock.once('drain', r));
  }
  await Promise.race([done, new Promise((_r, reject) => setTimeout(() => reject(new Error(`not delivered: ${counts.filter((n) => n !== expected).length} clients short`)), 60000))]);
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 700)); // past closeTimeout: a closed client is dropped
  const peak = memory.stop().arrayBuffers;
  const stalledOpen = server.clients.length === clients;
  let stalledBytes = 0; // what the stalled client gets once it reads again
  if (stuck.length > 0) {
    stuck[0].sock.on('data', (d: Buffer) => { stalledBytes += d.length; });
    stuck[0].sock.resume();
    await new Promise((r) => setTimeout(r, 500));
  }
  for (const c of [...readers, ...stuck]) c.destroy();
  server.close();
  await loopEnds(loop, 10000);
  return { seconds, peak, stalledOpen, stalledBytes, counts };
}

describe('broadcast with a stalled client', () => {
  it('100 clients, one stalled: the 98 others get all 20,000 messages; memory stays bounded; the stalled one is closed', async () => {
    const free = await relay(100, 0, 'close');
    const stall = await relay(100, 1, 'close');
    console.log(`relay of ${MESSAGES} x ${SIZE} B to 99 readers: ${free.seconds.toFixed(2)} s with none stalled, ${stall.seconds.toFixed(2)} s with one `
      + `(${(free.seconds / stall.seconds).toFixed(2)}x the rate); server+test buffers peak ${(free.peak / MiB).toFixed(1)} / ${(stall.peak / MiB).toFixed(1)} MiB`);
    // every reader got everything (before the fan-out, none had after 60 s); the rate with the stall is printed, not
    // asserted: the 0.8x holds on a quiet machine (0.93 measured) but not under load (0.57-0.70 at load 13)
    expect(stall.counts.every((n) => n === MESSAGES * FRAME)).toBe(true);
    // the bound (1 MiB, the default) for the one stalled client, plus a few MB of everything else in flight
    expect(stall.peak - free.peak).toBeLessThan(1 * MiB + 4 * MiB);
    expect(stall.stalledOpen).toBe(false); // closed by the policy (1008), then dropped at its close deadline
  }, 120000);

  it("slowClient 'skip': the stalled client stays open and misses what did not fit, the others get everything", async () => {
    const run = await relay(10, 1, 'skip');
    expect(run.counts.every((n) => n === MESSAGES * FRAME)).toBe(true);
    expect(run.stalledOpen).toBe(true);
    expect(run.stalledBytes).toBeGreaterThan(0); // what was queued before it stalled, then what fit
    expect(run.stalledBytes).toBeLessThan(MESSAGES * FRAME);
    expect(run.stalledBytes % FRAME).toBe(0); // whole frames only: a skipped message is skipped entirely
  }, 120000);
});
