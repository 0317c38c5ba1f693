import * as net from 'node:net';
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';
import { copas, socket } from '../../src';
import { listen } from './helpers';

/**
 * Per-operation timeouts (settimeout / settimeouts), accurate to a few milliseconds: copas may add at most
 * SLACK to the deadline, beyond the longest stall of Node's event loop itself during the spec (a busy machine
 * delays every timer, Node's own included; that is not the scheduler's lateness).
 */
const SLACK = 0.015;
let loopDelay: IntervalHistogram;
beforeEach(() => { loopDelay = monitorEventLoopDelay({ resolution: 1 }); loopDelay.enable(); });
afterEach(() => loopDelay.disable());

function within(elapsed: number, t: number): void {
  expect(elapsed).toBeGreaterThanOrEqual(t - 0.001);
  expect(elapsed).toBeLessThan(t + SLACK + loopDelay.max / 1e9);
}

describe('socket timeouts', () => {
  it('read timeout applies to receive patterns and receivepartial, keeping the partial data', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) {
      yield* skt.send('abc');
      yield* skt.receive('*a');
    });
    const got: unknown[] = [];
    const took: number[] = [];
    copas.addthread(function* () {
      const skt = socket.tcp();
      expect(skt.settimeouts(null, null, 0.05)).toBe(1);
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      for (const op of [() => skt.receive(10), () => skt.receive('*l'), () => skt.receivepartial(10), () => skt.receive('*a')]) {
        const t0 = copas.gettime();
        got.push(yield* op());
        took.push(copas.gettime() - t0);
      }
      skt.close();
      copas.removeserver(server);
    });
    await copas.loop();
    expect(got).toEqual([[null, 'timeout', 'abc'], [null, 'timeout', ''], [null, 'timeout', ''], [null, 'timeout', '']]);
    for (const t of took) within(t, 0.05);
  });

  it('send timeout applies to send only; the read timeout to receive only', async () => {
    const peers: net.Socket[] = [];
    const raw = net.createServer((c) => { c.pause(); peers.push(c); }); // never reads, never writes
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as net.AddressInfo).port;
    const chunk = Buffer.alloc(1024 * 1024);
    let sendResult: unknown;
    let sendTook = 0;
    let recvResult: unknown;
    let recvTook = 0;
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      skt.settimeouts(null, 0.08, 0.03);
      let t0 = copas.gettime();
      for (;;) { // the sends that fit in the kernel's buffers return at once; the one that blocks times out
        t0 = copas.gettime();
        const r = yield* skt.send(chunk);
        if (r[0] === null) { sendResult = r; break; }
      }
      sendTook = copas.gettime() - t0;
      t0 = copas.gettime();
      recvResult = yield* skt.receive(1);
      recvTook = copas.gettime() - t0;
      skt.destroy();
    });
    await copas.loop();
    for (const p of peers) p.destroy();
    raw.close();
    expect(sendResult).toEqual([null, 'timeout', chunk.length]);
    within(sendTook, 0.08);
    expect(recvResult).toEqual([null, 'timeout', '']);
    within(recvTook, 0.03);
  });

  it('settimeout(null) waits for ever; the server timeout from addserver applies to accepted clients', async () => {
    const [server, port] = listen();
    const serverSide: unknown[] = [];
    let serverTook = 0;
    copas.addserver(server, function* (skt) {
      const t0 = copas.gettime();
      serverSide.push(yield* skt.receive('*l')); // the client sends after 0.1 s; the server timeout is 0.04
      serverTook = copas.gettime() - t0;
      skt.settimeout(null);
      serverSide.push(yield* skt.receive('*l'));
      copas.removeserver(server);
    }, 0.04);
    let clientSide: unknown;
    let clientTook = 0;
    copas.addthread(function* () {
      const skt = socket.tcp();
      skt.settimeout(0.01);
      skt.settimeout(null);
      yield* skt.connect('127.0.0.1', port);
      copas.addthread(function* () { yield* copas.pause(0.1); yield* skt.send('late\n'); });
      const t0 = copas.gettime();
      clientSide = yield* skt.receive('*l'); // no timeout: the server never writes and closes at the end
      clientTook = copas.gettime() - t0;
    });
    await copas.loop();
    expect(serverSide).toEqual([[null, 'timeout', ''], ['late']]);
    within(serverTook, 0.04);
    expect(clientSide).toEqual([null, 'closed', '']);
    expect(clientTook).toBeGreaterThan(0.09);
  });

  it('keeps 200 concurrent read timeouts accurate', async () => {
    const [server, port] = listen();
    let accepted = 0;
    copas.addserver(server, function* (skt) { accepted++; yield* skt.receive('*a'); });
    const took: number[] = [];
    const nodeLate: number[] = [];
    const results: unknown[] = [];
    let left = 200;
    for (let i = 0; i < 200; i++) {
      copas.addthread(function* () {
        const skt = socket.tcp();
        yield* skt.connect('127.0.0.1', port);
        skt.settimeout(0.05 + (i % 5) * 0.01);
        const t0 = copas.gettime();
        // a Node timer due at the same moment: how late the machine itself makes a timer (see below)
        const t0ms = performance.now();
        setTimeout(() => nodeLate.push((performance.now() - t0ms) / 1000 - (0.05 + (i % 5) * 0.01)), (0.05 + (i % 5) * 0.01) * 1000);
        results.push(yield* skt.receive('*l'));
        took.push(copas.gettime() - t0 - (0.05 + (i % 5) * 0.01));
        skt.close();
        if (--left > 0) return;
        // A connect can complete in the kernel's backlog before the server's handler has run: under load the
        // last timeout may come first, so wait (bounded) for the accepts before the server goes.
        for (let waited = 0; accepted < 200 && waited < 5; waited += 0.01) yield* copas.pause(0.01);
        copas.removeserver(server);
      });
    }
    await copas.loop();
    expect(accepted).toBe(200);
    expect(results).toEqual(Array(200).fill([null, 'timeout', '']));
    expect(Math.min(...took)).toBeGreaterThanOrEqual(-0.001);
    // SLACK on a quiet machine; a loaded one (a spec beside this one, CI) may stall the whole process past a
    // deadline, which makes Node's own timers just as late: that much is not the socket layer's
    expect(nodeLate).toHaveLength(200);
    expect(Math.max(...took)).toBeLessThan(SLACK + Math.max(0, ...nodeLate));
  });
});
