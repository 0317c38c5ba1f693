import { copas } from '../../src';
import { runMain, settle } from './helpers';

afterEach(settle);

describe('copas.semaphore (tests/semaphore.lua)', () => {
  it('counts, times out, refuses too many, serves waiters FIFO, and is destroyed', async () => {
    await runMain(function* () {
      const now = copas.gettime;
      const sema = copas.semaphore.new(10, 5, 0.2);
      expect(sema.get_count()).toEqual([5]);
      expect(yield* sema.take(3)).toEqual([true]);
      expect(sema.get_count()).toEqual([2]);

      // immediate: they return without suspending, so a task made ready before them has not run yet (the Lua
      // test checks < 10 ms of wall clock, which a loaded machine can pass without any wait)
      let other = false;
      copas.addthread(function* () { other = true; });
      expect(yield* sema.take(3, 0)).toEqual([null, 'timeout']); // one too many, immediate
      expect(yield* sema.take(10, 0)).toEqual([null, 'timeout']);
      expect(yield* sema.take(11)).toEqual([null, 'too many']); // more than max
      expect(other).toBe(false);

      const start = now();
      expect(yield* sema.take(10)).toEqual([null, 'timeout']); // the semaphore's default timeout
      expect(now() - start).toBeGreaterThanOrEqual(0.19);
      expect(sema.get_count()).toEqual([2]);

      let state = 0;
      copas.addthread(function* () { expect(yield* sema.take(5, 5)).toEqual([true]); state += 1; });
      copas.addthread(function* () { expect(yield* sema.take(5, 5)).toEqual([true]); state += 2; });
      yield* copas.pause(0.05);
      expect(state).toBe(0);
      expect(sema.get_count()).toEqual([2]);
      expect(sema.get_wait()).toEqual([8]);

      expect(sema.give(4)).toEqual([true]);
      expect(sema.get_count()).toEqual([1]);
      yield* copas.pause(0.05);
      expect(state).toBe(1);

      expect(sema.give(4)).toEqual([true]);
      expect(sema.get_count()).toEqual([0]);
      yield* copas.pause(0.05);
      expect(state).toBe(3);

      expect(sema.give(100)).toEqual([null, 'too many']);
      expect(sema.get_count()).toEqual([10]);

      // destroying
      expect(yield* sema.take(10)).toEqual([true]);
      expect(sema.get_count()).toEqual([0]);
      let destroyed = 0;
      for (let i = 0; i < 2; i++) {
        copas.addthread(function* () {
          const [ok, err] = yield* sema.take(5);
          if (ok === null && err === 'destroyed') destroyed++;
        });
      }
      yield* copas.pause(0.05);
      expect(sema.destroy()).toEqual([true]);
      yield* copas.pause(0.05);
      expect(destroyed).toBe(2);

      expect(sema.destroy()).toEqual([null, 'destroyed']);
      expect(sema.give(1)).toEqual([null, 'destroyed']);
      expect(yield* sema.take(1)).toEqual([null, 'destroyed']);
      expect(sema.get_count()).toEqual([null, 'destroyed']);
      expect(sema.get_wait()).toEqual([null, 'destroyed']);
    });
  });

  it('a destroyed semaphore leaves no pending timeout behind (copas issue #118)', async () => {
    let state = 0;
    await runMain(function* () {
      const sema = copas.semaphore.new(10, 0, 0.3);
      copas.addthread(function* () {
        const [, err] = yield* sema.take(1);
        if (err === 'destroyed') state++;
      });
      yield* copas.pause(0.05);
      expect(copas.status().timer).toBeGreaterThan(0);
      sema.destroy();
      yield* copas.pause(0.05);
      expect(state).toBe(1);
      expect(copas.status().timer).toBe(0); // the waiter's deadline left the heap
    });
  });

  it('a large request at the head is not overtaken; when it times out those behind it are served', async () => {
    await runMain(function* () {
      const sema = copas.semaphore.new(10, 2, Infinity);
      const log: string[] = [];
      copas.addthread(function* () { log.push(`big ${(yield* sema.take(5, 0.1)).join()}`); });
      copas.addthread(function* () { log.push(`small ${(yield* sema.take(1)).join()}`); });
      yield* copas.pause(0.02);
      expect(log).toEqual([]);
      yield* copas.pause(0.2);
      expect(log).toEqual([',timeout', 'small true'].map((s, i) => (i === 0 ? `big ${s}` : s)));
      expect(sema.get_count()).toEqual([1]);
      // and with no one waiting, take succeeds at once again
      expect(yield* sema.take(1, 0)).toEqual([true]);
    });
  });

  it('resources handed to a task that is removed before it runs go back', async () => {
    await runMain(function* () {
      const sema = copas.semaphore.new(5, 0, Infinity);
      const t = copas.addthread(function* () { yield* sema.take(3); });
      yield* copas.pause(0);
      sema.give(3);
      copas.removethread(t);
      expect(sema.get_count()).toEqual([3]);
      expect(sema.get_wait()).toEqual([-3]);
    });
  });

  it('checks its arguments', () => {
    expect(() => copas.semaphore.new(0)).toThrow("semaphore.new: argument 'max' must be a number of resources >= 1, got number 0");
    expect(() => copas.semaphore.new(5, 0, -1)).toThrow("semaphore.new: argument 'timeout' must be a time in seconds >= 0, got number -1");
    expect(() => copas.semaphore.new(5, 0, '1' as never)).toThrow("argument 'timeout' must be a time in seconds (a number), got '1'");
    const s = copas.semaphore.new(5);
    expect(() => s.give(-1)).toThrow("semaphore.give: argument 'given' must be a number of resources >= 0, got number -1");
    expect(() => s.take(1, -1).next()).toThrow("semaphore.take: argument 'timeout' must be a time in seconds >= 0, got number -1");
    expect(() => s.take(NaN).next()).toThrow("semaphore.take: argument 'requested'");
  });
});
