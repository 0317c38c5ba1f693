/**
 * 10,000 connections opened and dropped abruptly (mid-frame, mid-message, mid-handshake; FIN and RST) leave
 * no file descriptor (/proc/self/fd), timer (copas.status()) or task (kernel.tasks) behind, while a
 * well-behaved client keeps getting its echoes. Opened in batches (p-queue) to stay within the fd limit.
 */
import { readdirSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import PQueue from 'p-queue';
import { kernel } from '../../src/scheduler';
import { EchoServer, OP, RawClient, copas, frame, keepEchoing, sleep, stillServes, within } from '../support/raw-websocket';

const fdCount = (): number => readdirSync('/proc/self/fd').length;

let srv: EchoServer;
beforeEach(() => { srv = EchoServer.start(); });
afterEach(async () => { await srv.stop(); });

/** Polls until `test()` holds, up to `ms`. */
async function until(test: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) return false;
    await sleep(20);
  }
  return true;
}

async function hostile(port: number, i: number): Promise<void> {
  const c = await RawClient.connect(port);
  const request = RawClient.request(port, randomBytes(16).toString('base64'));
  const kind = i % 5;
  if (kind === 4) {
    c.write(request.slice(0, 60)); // mid-handshake
  } else {
    c.write(request);
    const head = await c.readHead(10000);
    if (!head.startsWith('HTTP/1.1 101 ')) throw new Error(`handshake refused: ${head}`);
    if (kind === 2) {
      // mid-message: one complete fragment, then half of the next
      c.write(frame(OP.TEXT, 'first fragment', { fin: false }));
      c.write(frame(OP.CONT, Buffer.alloc(200, 0x61), { fin: false }).subarray(0, 100));
    } else {
      // mid-frame: a header announcing 1000 bytes and 10 of them
      c.write(frame(OP.BINARY, Buffer.alloc(1000)).subarray(0, 18));
    }
  }
  if (kind !== 3) await new Promise((r) => setImmediate(r));
  if (kind % 2 === 1) c.sock.resetAndDestroy(); // RST
  else c.destroy(); // FIN
}

it('10,000 connections dropped abruptly leave no fd, timer or task behind', async () => {
  await sleep(50);
  const fds0 = fdCount();
  const tasks0 = kernel.tasks.size;
  const status0 = copas.status();
  const good = keepEchoing(srv.port, 20);
  const queue = new PQueue({ concurrency: 64 });
  const t0 = Date.now();
  let failures = 0;
  let maxFds = 0;
  for (let i = 0; i < 10000; i++) {
    queue.add(() => hostile(srv.port, i).catch(() => { failures++; }));
    if (i % 500 === 0) await queue.onEmpty();
    maxFds = Math.max(maxFds, fdCount());
  }
  await within(queue.onIdle(), 60000, 'the 10,000 connections');
  const elapsed = Date.now() - t0;
  const echoes = await good.stop();
  const clean = await until(() => fdCount() <= fds0 && kernel.tasks.size <= tasks0, 10000);
  const status = copas.status();
  console.log(`churn: 10,000 connections in ${elapsed} ms (${failures} failed to open); fds ${fds0} before, ` +
    `peak ${maxFds}, ${fdCount()} after; tasks ${tasks0} -> ${kernel.tasks.size}; timers ${status0.timer}/${status0.timeout} -> ` +
    `${status.timer}/${status.timeout}; ${echoes} echoes for the well-behaved client meanwhile`);
  expect(failures).toBe(0);
  expect(clean).toBe(true);
  expect(fdCount()).toBeLessThanOrEqual(fds0);
  expect(kernel.tasks.size).toBeLessThanOrEqual(tasks0);
  expect(status.timer).toBeLessThanOrEqual(status0.timer);
  expect(status.timeout).toBeLessThanOrEqual(status0.timeout);
  expect(status.read).toBeLessThanOrEqual(status0.read);
  expect(srv.server.clients.length).toBe(0);
  expect(echoes).toBeGreaterThan(5);
  await stillServes(srv.port);
  expect(fdCount()).toBeLessThanOrEqual(fds0 + 1); // stillServes' connection may still be closing
}, 90000);
