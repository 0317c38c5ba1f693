import { copas } from '../../src';
import { settle } from './helpers';

afterEach(settle);

describe('copas.removethread (tests/removethread.lua)', () => {
  it('stops an endless task from another one', async () => {
    let n = 0;
    const t1 = copas.addthread(function* () { for (;;) { n++; yield* copas.pause(0.02); } });
    copas.addthread(function* () {
      for (let i = 0; i < 5; i++) yield* copas.pause(0.025);
      copas.removethread(t1);
    });
    await copas.loop();
    expect(t1.dead).toBe(true);
    expect(n).toBeGreaterThanOrEqual(5);
    expect(t1.try()).toEqual(['error', 'cancelled']);
  });

  it('a sleeping task leaves in a timely manner: the loop does not wait for its deadline', async () => {
    const coro = copas.addthread(function* () { yield* copas.pause(2); });
    const start = copas.gettime();
    await copas.loop(function* () { yield* copas.pause(0.05); copas.removethread(coro); });
    expect(copas.gettime() - start).toBeLessThan(0.5);
  });

  it('runs finally blocks of sleeping, lethargic, waiting and ready tasks', async () => {
    const log: string[] = [];
    const sleeping = copas.addthread(function* () { try { yield* copas.pause(10); } finally { log.push('sleeping'); } });
    const lethargic = copas.addthread(function* () { try { yield* copas.pauseforever(); } finally { log.push('lethargic'); } });
    const l = copas.lock.new(Infinity);
    const q = copas.queue.new();
    const s = copas.semaphore.new(1, 0, 10);
    const waitingLock = copas.addthread(function* () {
      try { yield* l.get(); yield* l.get(5); } finally { log.push('lock'); }
    });
    const waitingQueue = copas.addthread(function* () { try { yield* q.pop(10); } finally { log.push('queue'); } });
    const waitingSema = copas.addthread(function* () { try { yield* s.take(1); } finally { log.push('sema'); } });
    const waitingAwait = copas.addthread(function* () {
      try { yield* copas.await(new Promise(() => undefined)); } finally { log.push('await'); }
    });
    copas.addthread(function* () {
      yield* copas.pause(0.02);
      const ready = copas.addthread(function* () { try { yield* copas.pause(0); } finally { log.push('never started'); } });
      for (const t of [sleeping, lethargic, waitingLock, waitingQueue, waitingSema, waitingAwait, ready]) copas.removethread(t);
      copas.removethread(sleeping); // twice is harmless
      expect(copas.status()).toMatchObject({ timer: 0, inactive: 0, read: 0 });
      // nothing is left registered anywhere: the objects work as new
      expect(s.get_wait()).toEqual([0]);
      q.push('x');
      expect(yield* q.pop(0)).toEqual(['x']);
    });
    await copas.loop();
    expect(log.sort()).toEqual(['await', 'lethargic', 'lock', 'queue', 'sema', 'sleeping']);
  });

  it('a task removing itself ends at its next suspension, its finally runs', async () => {
    const log: string[] = [];
    const t = copas.addthread(function* () {
      try {
        copas.removethread(copas.current()!);
        log.push('still running until it yields');
        yield* copas.pause(0);
        log.push('not reached');
      } finally {
        log.push('finally');
      }
    });
    await copas.loop();
    expect(log).toEqual(['still running until it yields', 'finally']);
    expect(t.try()).toEqual(['error', 'cancelled']);
  });

  it('cancelall ends every task and leaves the scheduler clean', async () => {
    const log: string[] = [];
    for (let i = 0; i < 3; i++) copas.addthread(function* () { try { yield* copas.pause(10); } finally { log.push(`t${i}`); } });
    copas.addthread(function* () { yield* copas.pause(0.01); copas.cancelall(); });
    await copas.loop();
    expect(log).toEqual(['t0', 't1', 't2']);
    expect(copas.status()).toMatchObject({ timer: 0, inactive: 0, read: 0, active: 0 });
  });
});

describe('cancelall and tasks sleeping forever', () => {
  it('ends a task in pauseforever with return(), so its finally runs, though the dispatcher holds it only weakly', async () => {
    let cleaned = false;
    copas.addthread(function* () {
      try { yield* copas.pauseforever(); } finally { cleaned = true; }
    });
    copas.addthread(function* () { yield* copas.pause(0.01); copas.cancelall(); });
    await copas.loop();
    expect(cleaned).toBe(true);
  });
});
