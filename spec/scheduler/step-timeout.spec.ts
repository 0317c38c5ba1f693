/**
 * copas.step(timeout) waits up to `timeout` for I/O or a deadline before its step, on real loopback sockets
 * (a Node net client as the peer); copas.loop(init, timeout) wakes the loop at least that often.
 */
import * as net from 'node:net';
import { copas, socket } from '../../src';
import type { TcpServer } from '../../src/socket/tcp-server';
import { settle } from './helpers';

afterEach(async () => {
  copas.status(false);
  await settle();
});

const elapsed = (t0: number): number => copas.gettime() - t0;

function listen(): [TcpServer, number] {
  const [server, err] = socket.bind('127.0.0.1', 0);
  if (server === null) throw new Error(String(err));
  return [server, (server.getsockname() as [string, number, string])[1]];
}

it('waits the whole timeout when nothing is to do, and answers false', async () => {
  const t0 = copas.gettime();
  await expect(copas.step(0.2)).resolves.toBe(false);
  expect(elapsed(t0)).toBeGreaterThanOrEqual(0.19);
  expect(elapsed(t0)).toBeLessThan(0.6);
});

it('ends the wait at a sleeper\'s deadline, runs it, and answers false (no I/O), as Copas', async () => {
  const log: string[] = [];
  copas.addthread(function* () { yield* copas.pause(0.05); log.push('woke'); });
  expect(copas.step()).toBe(true); // the task starts and sleeps
  const t0 = copas.gettime();
  await expect(copas.step(2)).resolves.toBe(false);
  expect(log).toEqual(['woke']);
  expect(elapsed(t0)).toBeGreaterThanOrEqual(0.045);
  expect(elapsed(t0)).toBeLessThan(1);
});

it('runs the sleeper every time the wait ends on its deadline (a Node timer may fire a little early)', async () => {
  // One such wait in 25 missed its sleeper before step() stepped at the deadline it waited for (CI, Node 20).
  let missed = 0;
  for (let i = 0; i < 150; i++) {
    let woke = false;
    copas.addthread(function* () { yield* copas.pause(0.002 + (i % 5) * 0.001); woke = true; });
    expect(copas.step()).toBe(true);
    await expect(copas.step(2)).resolves.toBe(false);
    if (!woke) { missed++; await copas.step(2); }
  }
  expect(missed).toBe(0);
});

it('ends the wait when a socket has data, runs the reader, and answers true', async () => {
  const [server, port] = listen();
  const got: Array<string | null> = [];
  copas.addserver(server, function* (skt) {
    const [line] = yield* copas.receive(skt);
    got.push(line);
  });
  const peer = net.connect(port, '127.0.0.1');
  await new Promise<void>((r) => peer.once('connect', () => r()));
  // the new client: its handler starts and waits to read
  await expect(copas.step(2)).resolves.toBe(true);
  expect(got).toEqual([]);
  setTimeout(() => peer.write('hello\n'), 50);
  const t0 = copas.gettime();
  await expect(copas.step(2)).resolves.toBe(true);
  expect(got).toEqual(['hello']);
  expect(elapsed(t0)).toBeGreaterThanOrEqual(0.04);
  expect(elapsed(t0)).toBeLessThan(1);
  // nothing more arrives: the timeout ends the wait
  await expect(copas.step(0.05)).resolves.toBe(false);
  copas.removeserver(server);
  peer.destroy();
});

it('runs what is ready at once; a plain task is no I/O (false), as in Copas', async () => {
  let ran = false;
  copas.addthread(function* () { ran = true; });
  const t0 = copas.gettime();
  await expect(copas.step(5)).resolves.toBe(false);
  expect(ran).toBe(true);
  expect(elapsed(t0)).toBeLessThan(0.5);
});

it('checks its argument and the state', async () => {
  expect(() => copas.step(-1)).toThrow("copas.step: argument 'timeout' must be a time in seconds >= 0, got number -1");
  expect(() => copas.step('1' as never)).toThrow(/argument 'timeout' must be a time in seconds/);
  const pending = copas.step(0.05);
  expect(() => copas.step(0.05)).toThrow('copas.step: another copas.step(timeout) is still waiting');
  expect(() => copas.loop()).toThrow('copas.loop: a copas.step(timeout) is still waiting');
  await pending;
  copas.addthread(function* () {
    expect(() => copas.step(0.1)).toThrow(/the loop is running/);
  });
  await copas.loop();
});

it("copas.loop(init, timeout) wakes the loop at least every timeout: idle steps, counted in the statistics", async () => {
  const sleepy = function* () { yield* copas.pause(0.3); };
  copas.status(true);
  await copas.loop(sleepy);
  const plain = copas.status().steps ?? 0;
  await copas.loop(sleepy, 0.02);
  const woken = copas.status().steps ?? 0;
  expect(plain).toBeLessThan(8);
  expect(woken).toBeGreaterThanOrEqual(plain + 8); // about 0.3 / 0.02 idle steps more
  await copas.loop(0.02); // a number alone is the timeout, as in Copas
  expect(() => copas.loop(-1)).toThrow("copas.loop: argument 'timeout' must be a time in seconds >= 0, got number -1");
});
