/**
 * copas.status(true): a row per task saying what it is doing, on real loopback sockets for read/write/connect,
 * and the holders and waiters of locks, semaphores and queues in order.
 */
import * as net from 'node:net';
import { copas, socket } from '../../src';
import type { TaskRow } from '../../src/scheduler';
import { runMain, settle } from './helpers';

afterEach(settle);

const rowOf = (name: string): TaskRow => {
  const row = copas.status(true).tasks.find((r) => r.name === name);
  if (row === undefined) throw new Error(`no row for ${name}`);
  return row;
};

describe('copas.status(true)', () => {
  it('keeps Copas counts and adds task and resource rows', async () => {
    await runMain(function* () {
      const s = copas.status(true);
      expect(s.running).toBe(true);
      expect(typeof s.active).toBe('number');
      expect(Array.isArray(s.tasks)).toBe(true);
      expect(Array.isArray(s.resources)).toBe(true);
      const me = s.tasks.find((r) => r.name === 'copas_initializer');
      expect(me).toMatchObject({ state: 'running', waiting: null });
      expect(copas.status()).not.toHaveProperty('tasks');
      expect(() => copas.status('yes' as never)).toThrow("copas.status: argument 'stats' must be a boolean");
    });
  });

  it('says what every primitive waits on: lock, semaphore, queue, future, promise, exit, sleep, ready', async () => {
    await runMain(function* () {
      copas.status(true); // the first call turns accounting on (resumes, wokenBy)
      const lock = copas.lock.new(Infinity);
      const sema = copas.semaphore.new(5, 1, Infinity);
      const q = copas.queue.new({ name: 'jobs' });
      let release!: () => void;
      const promise = new Promise<void>((r) => { release = r; });
      copas.addnamedthread('owner', function* () { yield* lock.get(); yield* copas.pause(0.3); lock.release(); });
      copas.addnamedthread('locker', function* () { yield* copas.pause(0.01); yield* lock.get(); lock.release(); });
      copas.addnamedthread('locker2', function* () { yield* copas.pause(0.02); yield* lock.get(); lock.release(); });
      copas.addnamedthread('taker', function* () { yield* sema.take(3); sema.give(3); });
      copas.addnamedthread('popper', function* () { yield* q.pop(5); });
      const slow = copas.addnamedthread('slow', function* () { yield* copas.pause(0.2); return 1; });
      copas.addnamedthread('getter', function* () { yield* slow.get(); });
      copas.addnamedthread('awaiter', function* () { yield* copas.await(promise); });
      copas.addnamedthread('exiter', function* () { yield* copas.waitforexit(); });
      const lazy = copas.addnamedthread('lazy', function* () { yield* copas.pauseforever(); });
      let spin = true;
      copas.addnamedthread('spinner', function* () { while (spin) yield* copas.pause(0); });
      yield* copas.pause(0.05);
      try {
      expect(rowOf('owner')).toMatchObject({ state: 'sleeping', waiting: null });
      expect(rowOf('owner').deadline).toBeGreaterThan(copas.gettime());
      expect(rowOf('locker')).toMatchObject({ state: 'waiting', waiting: { on: 'lock', target: expect.stringMatching(/^lock: #\d+$/) }, deadline: null });
      expect(rowOf('locker').wokenBy).toBe('timer');
      expect(rowOf('taker')).toMatchObject({ state: 'waiting', waiting: { on: 'semaphore', target: expect.stringMatching(/^semaphore: #/) } });
      expect(rowOf('popper')).toMatchObject({ state: 'waiting', waiting: { on: 'queue', target: 'jobs' } });
      expect(rowOf('popper').deadline).toBeGreaterThan(copas.gettime() + 4);
      expect(rowOf('getter')).toMatchObject({ state: 'waiting', waiting: { on: 'future', target: 'slow' } });
      expect(rowOf('awaiter')).toMatchObject({ state: 'waiting', waiting: { on: 'promise', target: 'a Promise' } });
      expect(rowOf('exiter')).toMatchObject({ state: 'waiting', waiting: { on: 'exit' } });
      expect(rowOf('lazy')).toMatchObject({ state: 'sleeping', deadline: null });
      expect(rowOf('spinner').state).toBe('ready');
      expect(rowOf('spinner').resumes).toBeGreaterThan(1);

      const rows = copas.status(true).resources;
      const l = rows.find((r) => r.kind === 'lock');
      expect(l).toMatchObject({ holder: { name: 'owner' }, waiters: [{ name: 'locker' }, { name: 'locker2' }] });
      expect(rows.find((r) => r.kind === 'semaphore')).toMatchObject({ count: 1, max: 5, waiters: [{ name: 'taker', requested: 3 }] });
      expect(rows.find((r) => r.kind === 'queue' && r.name === 'jobs')).toMatchObject({ count: 0, waiters: [{ name: 'popper' }] });

      yield* copas.pause(0.3);
      q.push(1);
      release();
      yield* copas.pause(0.02);
      expect(copas.status(true).tasks.find((r) => r.name === 'locker')).toBeUndefined(); // it ended
      } finally {
        // whatever failed above, nothing is left waiting
        spin = false;
        release();
        copas.exit();
        lock.destroy(); sema.destroy(); q.destroy();
        copas.removethread(lazy);
      }
    });
  });

  it('names the woken task\'s waker and counts resumes and busy time', async () => {
    await runMain(function* () {
      copas.status(true); // accounting on
      const sleeper = copas.addnamedthread('sleeper', function* () { yield* copas.pauseforever(); yield* copas.pauseforever(); });
      copas.addnamedthread('waker', function* () {
        yield* copas.pause(0.01);
        const t0 = Date.now();
        while (Date.now() - t0 < 20) { /* busy on purpose */ }
        copas.wakeup(sleeper);
      });
      yield* copas.pause(0.1);
      const s = rowOf('sleeper');
      expect(s.wokenBy).toBe('waker');
      expect(s.resumes).toBe(2);
      expect(rowOf('sleeper').state).toBe('sleeping');
      copas.removethread(sleeper);
    });
  });

  it('says read or write on a named socket', async () => {
    const peers: net.Socket[] = [];
    const sink = net.createServer((c) => { c.pause(); peers.push(c); }); // accepts, never reads, never writes
    await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
    const port = (sink.address() as net.AddressInfo).port;
    try {
      await runMain(function* () {
        const reader = copas.wrap(socket.tcp());
        const writer = copas.wrap(socket.tcp());
        copas.setsocketname('reader-socket', reader);
        copas.setsocketname('writer-socket', writer);
        copas.addnamedthread('reading', function* () {
          yield* reader.connect('127.0.0.1', port);
          yield* reader.receive('*l');
        });
        copas.addnamedthread('writing', function* () {
          yield* writer.connect('127.0.0.1', port);
          const big = Buffer.alloc(1 << 20, 120);
          for (let i = 0; i < 64; i++) yield* writer.send(big);
        });
        for (let i = 0; i < 100 && (rowOf('reading').waiting?.on !== 'read' || rowOf('writing').waiting?.on !== 'write'); i++) {
          yield* copas.pause(0.02);
        }
        expect(rowOf('reading')).toMatchObject({ state: 'waiting', waiting: { on: 'read', target: 'reader-socket' } });
        expect(rowOf('writing')).toMatchObject({ state: 'waiting', waiting: { on: 'write', target: 'writer-socket' } });
        reader.close();
        writer.close();
      });
    } finally {
      for (const c of peers) c.destroy();
      sink.close();
    }
  });
});
