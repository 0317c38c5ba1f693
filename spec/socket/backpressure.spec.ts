import * as net from 'node:net';
import { copas, socket, type TcpSocket } from '../../src';
import { listen } from './helpers';
import { collectGarbage } from '../support/gc';

const MB = 1024 * 1024;


/** What the Node stream under a TcpSocket holds (internal; read only to show the backpressure). */
function streamOf(skt: TcpSocket): net.Socket {
  return (skt as unknown as { stream: net.Socket }).stream;
}

describe('backpressure', () => {
  it('keeps memory bounded while 100 MB are pushed at a reader that reads slowly', async () => {
    const TOTAL = 100 * MB;
    const chunk = Buffer.alloc(MB, 0x61);
    const [server, port] = listen();
    let sent = 0;
    copas.addserver(server, function* (skt) {
      while (sent < TOTAL) {
        const [last, err] = yield* skt.send(chunk);
        if (last === null) throw new Error(`server send failed: ${err}`);
        sent += last;
      }
      copas.removeserver(server);
    });
    collectGarbage();
    const base = process.memoryUsage();
    let peakRss = 0;
    let peakBuffers = 0;
    let peakBuffered = 0;
    let sawPaused = false;
    let received = 0;
    let lagSent = 0;
    const sample = (skt: TcpSocket): void => {
      peakBuffered = Math.max(peakBuffered, skt.buffered);
      if (streamOf(skt).isPaused()) sawPaused = true;
      lagSent = Math.max(lagSent, sent - received);
      if (received % (4 * MB) !== 0) return;
      collectGarbage(); // every 4 MB read: what is still alive then (25 samples)
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss - base.rss);
      peakBuffers = Math.max(peakBuffers, m.arrayBuffers + m.external - base.arrayBuffers - base.external);
    };
    copas.addthread(function* () {
      const skt = socket.tcp();
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      for (;;) {
        const [data, err, partial] = yield* skt.receive(64 * 1024);
        if (data === null) {
          expect(err).toBe('closed');
          received += partial.length;
          break;
        }
        expect(data.length).toBe(64 * 1024);
        received += data.length;
        sample(skt);
        yield* copas.pause(0.001);
      }
      skt.close();
    });
    await copas.loop();
    expect(received).toBe(TOTAL);
    expect(sent).toBe(TOTAL);
    // the reader's queue never grows past the high-water mark plus one read from the kernel
    expect(peakBuffered).toBeLessThan(512 * 1024);
    expect(sawPaused).toBe(true);
    // the writer ran ahead of the reader by at most the kernel's buffers and one chunk, not by the 100 MB
    expect(lagSent).toBeLessThan(32 * MB);
    expect(peakBuffers).toBeLessThan(64 * MB);
    expect(peakRss).toBeLessThan(64 * MB);
    if (process.env.SPEC_VERBOSE) console.log(`backpressure: peak rss +${(peakRss / MB).toFixed(1)} MB, buffers +${(peakBuffers / MB).toFixed(1)} MB, rx ${peakBuffered} B, writer ahead ${(lagSent / MB).toFixed(1)} MB`);
  });

  it('blocks a writer in send when the peer never reads; a send timeout returns [null, timeout, n]', async () => {
    const peers: net.Socket[] = [];
    const raw = net.createServer((c) => { c.pause(); peers.push(c); }); // accepts, never reads
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as net.AddressInfo).port;
    const chunk = Buffer.alloc(MB, 0x62);
    const results: unknown[] = [];
    let accepted = 0;
    let blockedFor = 0;
    let maxQueued = 0;
    copas.addthread(function* () {
      const skt = socket.tcp();
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      skt.settimeouts(null, 0.2, null);
      // fill the kernel's buffers until a send blocks
      for (;;) {
        const t0 = copas.gettime();
        const r = yield* skt.send(chunk);
        if (r[0] === null) {
          blockedFor = copas.gettime() - t0;
          results.push(r);
          break;
        }
        expect(r).toEqual([MB]);
        accepted += MB;
        expect(accepted).toBeLessThan(200 * MB); // never true when send blocks
      }
      // retrying keeps timing out and does not pile chunks up in Node's write buffer
      for (let k = 0; k < 5; k++) {
        const r = yield* skt.send(chunk, 1, -1);
        results.push(r);
        maxQueued = Math.max(maxQueued, streamOf(skt).writableLength);
      }
      skt.close();
    });
    await copas.loop();
    for (const p of peers) p.destroy();
    raw.close();
    expect(accepted).toBeLessThan(64 * MB);
    expect(results[0]).toEqual([null, 'timeout', MB]);
    expect(results.slice(1)).toEqual(Array(5).fill([null, 'timeout', 0]));
    expect(blockedFor).toBeGreaterThanOrEqual(0.199);
    expect(blockedFor).toBeLessThan(0.23);
    expect(maxQueued).toBeLessThanOrEqual(MB);
  });
});
