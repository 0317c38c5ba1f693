import { copas } from '../../src';
import { runMain, settle } from './helpers';

afterEach(settle);

const future = copas.future;

describe('copas.future (tests/future.lua)', () => {
  it('get, try, cancel with SUCCESS / PENDING / ERROR', async () => {
    await runMain(function* () {
      expect([future.SUCCESS, future.PENDING, future.ERROR]).toEqual([true, false, 'error']);

      let f = future.addthread(function* () { yield* copas.pause(0.02); return ['hello', 'world']; });
      expect(yield* f.get()).toEqual([true, ['hello', 'world']]);

      const fe = future.addthread(function* () { throw new Error('boom'); });
      const [ok, err] = yield* fe.get();
      expect(ok).toBe(false);
      expect(err).toContain('boom');

      const f42 = future.addthread(function* () { return 42; });
      expect(yield* f42.get()).toEqual([true, 42]);
      expect(yield* f42.get()).toEqual([true, 42]); // idempotent

      const shared = future.addthread(function* () { yield* copas.pause(0.05); return 'shared'; });
      const results: unknown[] = [];
      for (let i = 0; i < 5; i++) {
        copas.addthread(function* () { const [o, v] = yield* shared.get(); results[i] = o && v; });
      }
      yield* copas.pause(0.1);
      expect(results).toEqual(['shared', 'shared', 'shared', 'shared', 'shared']);

      f = future.addthread(function* () { yield* copas.pause(0.02); return ['done']; });
      expect(f.try()).toEqual([future.PENDING]);
      yield* f.get();
      expect(f.try()).toEqual([future.SUCCESS, ['done']]);

      const fo = future.addthread(function* () { throw new Error('oh no'); });
      yield* fo.get();
      const [status, msg] = fo.try();
      expect(status).toBe(future.ERROR);
      expect(msg).toContain('oh no');

      let ran = false;
      const fc = future.addthread(function* () { yield* copas.pause(5); ran = true; return 'never'; });
      expect(fc.cancel()).toBe(true);
      expect(yield* fc.get()).toEqual([false, 'cancelled']);
      expect(fc.try()).toEqual([future.ERROR, 'cancelled']);
      yield* copas.pause(0.02);
      expect(ran).toBe(false);

      const fd = future.addthread(function* () { return 'done'; });
      yield* fd.get();
      expect(fd.cancel()).toBe(false);

      const fn = future.addnamedthread('test-task', function* (a: number, b: number) { return [copas.getthreadname(), a + b]; }, 1, 2);
      expect(yield* fn.get()).toEqual([true, ['test-task', 3]]);

      // a running task that is cancelled while others wait on it wakes them
      const long = future.addthread(function* () { yield* copas.pause(10); });
      const waiter = copas.addthread(function* () { return yield* long.get(); });
      yield* copas.pause(0);
      long.cancel();
      expect(yield* waiter.get()).toEqual([true, [false, 'cancelled']]);
    });
  });

  it('a future task\'s error is its result and is not reported to the error handler; copas.addthread\'s is', async () => {
    const reported: string[] = [];
    const prev = copas.geterrorhandler();
    copas.seterrorhandler((e) => { reported.push((e as Error).message); }, true);
    try {
      const f = copas.future.addthread(function* () { throw new Error('quiet'); });
      const t = copas.addthread(function* () { throw new Error('loud'); });
      await copas.loop();
      expect(f.try()).toEqual(['error', 'quiet']);
      expect(t.try()).toEqual(['error', 'loud']);
    } finally {
      copas.seterrorhandler(prev, true);
    }
    expect(reported).toEqual(['loud']);
  });

  it('a waiter in get() that is removed is no longer listed', async () => {
    await runMain(function* () {
      const target = copas.addthread(function* () { yield* copas.pause(0.05); return 1; });
      const waiter = copas.addthread(function* () { yield* target.get(); });
      yield* copas.pause(0);
      copas.removethread(waiter);
      expect(target.waiters ?? []).toEqual([]);
      expect(yield* target.get()).toEqual([true, 1]);
    });
  });

  it('guards against typos and checks its arguments', () => {
    expect(() => (future as unknown as Record<string, unknown>).PNEDING).toThrow("unknown field 'future.PNEDING'");
    expect(() => future.addthread((() => undefined) as never)).toThrow("future.addthread: argument 'fn' must be a generator function");
    expect(() => future.addnamedthread(5 as never, function* () { /* empty */ })).toThrow("future.addnamedthread: argument 'name' must be a string");
  });
});

describe('copas.future: Copas 4.11 details', () => {
  it('a thrown non-Error value comes back as itself (a table stays a table)', async () => {
    await runMain(function* () {
      const value = { code: 42 };
      const f = copas.future.addthread(function* () { throw value; });
      const [ok, err] = yield* f.get();
      expect(ok).toBe(false);
      expect(err).toBe(value);
      expect(f.try()).toEqual(['error', value]);
    });
  });

  it("a future that cancels itself reports 'cancelled' from try() at once", async () => {
    await runMain(function* () {
      let seen: unknown = null;
      const f = copas.future.addthread(function* () {
        f.cancel();
        seen = f.try();
        yield* copas.pause(0);
      });
      yield* copas.pause(0.01);
      expect(seen).toEqual(['error', 'cancelled']);
      expect(yield* f.get()).toEqual([false, 'cancelled']);
    });
  });
});
