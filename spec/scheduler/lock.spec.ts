import { copas } from '../../src';
import { runMain, settle } from './helpers';

afterEach(settle);

describe('copas.lock (tests/lock.lua)', () => {
  it('times out a non-re-entrant second get, releases, reports not owned and destroyed', async () => {
    await runMain(function* () {
      const lock1 = copas.lock.new(null, true);
      expect(yield* lock1.get()).toEqual([0]);
      const s = copas.gettime();
      const [, err, waited] = yield* lock1.get(0.2);
      const duration = copas.gettime() - s;
      expect(err).toBe('timeout');
      expect(duration).toBeGreaterThanOrEqual(0.19);
      expect(duration).toBeLessThan(0.4);
      expect(waited).toBeCloseTo(duration, 1);

      expect(lock1.release()).toEqual([true]);
      expect(lock1.release()).toEqual([null, 'cannot release a lock not owned']);

      expect((yield* lock1.get())[0]).toBe(0);
      expect(lock1.destroy()).toEqual([true]);
      expect(lock1.release()).toEqual([null, 'destroyed']);
      expect(lock1.destroy()).toEqual([null, 'destroyed']);
      expect(yield* lock1.get()).toEqual([null, 'destroyed']); // exactly nil, "destroyed", as Copas
    });
  });

  it('is re-entrant by default: the owner gets it again and must release as often', async () => {
    await runMain(function* () {
      const l = copas.lock.new();
      expect(yield* l.get()).toEqual([0]);
      expect(yield* l.get()).toEqual([0]);
      let got = false;
      copas.addthread(function* () { const [w] = yield* l.get(); got = w !== null; l.release(); });
      expect(l.release()).toEqual([true]);
      yield* copas.pause(0.05);
      expect(got).toBe(false); // still held once
      expect(l.release()).toEqual([true]);
      yield* copas.pause(0.05);
      expect(got).toBe(true);
      expect(yield* l.get(0)).toEqual([0]);
    });
  });

  it('get(0) fails at once without queueing', async () => {
    await runMain(function* () {
      const l = copas.lock.new();
      yield* l.get();
      const other = copas.addthread(function* () { return yield* l.get(0); });
      yield* copas.pause(0);
      expect(other.try()).toEqual([true, [null, 'timeout', 0]]);
      l.release();
      expect(l.owner).toBeNull(); // the failed get(0) did not queue
    });
  });

  it('750 tasks contend: a third succeed, a third time out, a third see destroyed', async () => {
    await runMain(function* () {
      const lock1 = copas.lock.new(10);
      expect((yield* lock1.get())[0]).toBe(0);
      let success = 0;
      let timeouts = 0;
      let destroyed = 0;
      const order: number[] = [];
      const size = 750;
      const tracker = new Set<number>();
      for (let i = 1; i <= size; i++) {
        tracker.add(i);
        copas.addthread(function* () {
          const timeout = i > (size * 2) / 3 ? 60 : i > size / 3 ? 0.4 : 0.2;
          const [ok, err] = yield* lock1.get(timeout);
          if (ok !== null) {
            success++;
            order.push(i);
            if (i === size / 3) {
              yield* copas.pause(0.6); // long enough for the next 250 to time out
              expect(lock1.release()).toEqual([true]);
              expect(lock1.destroy()).toEqual([true]);
            } else {
              expect(lock1.release()).toEqual([true]);
            }
          } else if (err === 'timeout') {
            timeouts++;
          } else if (err === 'destroyed') {
            destroyed++;
          } else {
            throw new Error(`unexpected error ${String(err)} in ${i}`);
          }
          tracker.delete(i);
        });
      }
      yield* copas.pause(0); // let them all queue up
      expect(lock1.release()).toEqual([true]);
      while (tracker.size > 0) yield* copas.pause(0.05);
      expect([success, timeouts, destroyed]).toEqual([250, 250, 250]);
      expect(order).toEqual(Array.from({ length: 250 }, (_, k) => k + 1)); // FIFO
    });
  });

  it('a waiter removed with removethread leaves the line; one removed after being handed the lock passes it on', async () => {
    await runMain(function* () {
      const l = copas.lock.new(Infinity);
      yield* l.get();
      const a = copas.addthread(function* () { yield* l.get(); l.release(); });
      const b = copas.addthread(function* () { yield* l.get(); l.release(); return 'b'; });
      const c = copas.addthread(function* () { yield* l.get(); l.release(); return 'c'; });
      yield* copas.pause(0);
      copas.removethread(a); // waiting: leaves the line
      l.release(); // hands it to b
      copas.removethread(b); // b is ready with the lock but never runs: it must pass it on
      const [ok, v] = yield* c.get();
      expect([ok, v]).toEqual([true, 'c']);
      expect(l.owner).toBeNull();
    });
  });

  it('a wait with a deadline keeps the loop alive; one without does not', async () => {
    const l = copas.lock.new(Infinity);
    let result: unknown = 'not run';
    copas.addthread(function* () { yield* l.get(); yield* copas.pauseforever(); });
    copas.addthread(function* () { yield* copas.pause(0); result = yield* l.get(); });
    await copas.loop(); // both tasks wait forever: the loop ends
    expect(result).toBe('not run');
    copas.cancelall();
  });
});
