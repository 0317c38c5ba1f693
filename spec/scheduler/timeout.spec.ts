import { copas } from '../../src';
import type { Task } from '../../src';
import { settle } from './helpers';

afterEach(settle);

describe('copas.timeout (tests/timeout_errors.lua)', () => {
  it('an error in a timeout callback goes to the default handler; the task goes on', async () => {
    let received: unknown;
    let after = false;
    await copas.loop(function* () {
      copas.seterrorhandler((err) => { received = err; }, true);
      copas.timeout(0.02, () => { throw new Error('oops...'); });
      yield* copas.pause(0.1);
      after = true;
    });
    expect((received as Error).message).toBe('oops...');
    expect(after).toBe(true);
  });

  it('fires the callback with the task, which may wake it; 0 cancels; a new call replaces the old', async () => {
    const log: string[] = [];
    await copas.loop(function* () {
      const me = copas.current() as Task;
      copas.timeout(0.02, (t) => { log.push(t === me ? 'fired for me' : 'fired for other'); copas.wakeup(t); });
      const slept = yield* copas.pause(10);
      expect(slept).toBeLessThan(1);
      copas.timeout(0.02, () => log.push('cancelled one'));
      copas.timeout(0);
      copas.timeout(0.05, () => log.push('replaced'));
      copas.timeout(0.01, () => log.push('replacement'));
      yield* copas.pause(0.1);
    });
    expect(log).toEqual(['fired for me', 'replacement']);
  });

  it('a pending timeout plus a task sleeping forever keeps the loop alive (Copas liveness rule)', async () => {
    let woke = false;
    await copas.loop(function* () {
      copas.timeout(0.05, (t) => copas.wakeup(t));
      yield* copas.pauseforever();
      woke = true;
    });
    expect(woke).toBe(true);
  });

  it('must run inside a task and checks its arguments', () => {
    expect(() => copas.timeout(1, () => undefined)).toThrow('copas.timeout: must be called inside a copas task');
  });
});

describe('Promise bridge: copas.await and copas.run', () => {
  it('copas.await returns a resolved value and throws a rejection inside the task', async () => {
    const log: unknown[] = [];
    await copas.loop(function* () {
      log.push(yield* copas.await(new Promise((r) => setTimeout(() => r('resolved'), 20))));
      try {
        yield* copas.await(Promise.reject(new Error('rejected')));
      } catch (e) {
        log.push((e as Error).message);
      }
      log.push(yield* copas.await(7)); // a plain value passes through
    });
    expect(log).toEqual(['resolved', 'rejected', 7]);
  });

  it('a pending Promise keeps the loop alive', async () => {
    let done = false;
    copas.addthread(function* () { yield* copas.await(new Promise((r) => setTimeout(r, 50))); done = true; });
    await copas.loop();
    expect(done).toBe(true);
  });

  it('copas.run resolves with the task result and rejects with what it threw', async () => {
    await expect(copas.run(function* (a: number) { yield* copas.pause(0.01); return a * 2; }, 21)).resolves.toBe(42);
    const reported: string[] = [];
    copas.seterrorhandler((e) => { reported.push((e as Error).message); }, true);
    const err = copas.run(function* () { yield* copas.pause(0); throw new Error('nope'); });
    await expect(err).rejects.toThrow('nope');
    while (copas.running) await new Promise<void>((r) => setImmediate(r));
    await copas.loop();
    expect(reported).toEqual([]); // the rejected Promise carries the error: it is not also printed
  });

  it('copas.await refuses an async function that was not called', async () => {
    let msg = '';
    await copas.loop(function* () {
      try { yield* copas.await((async () => 1) as never); } catch (e) { msg = (e as Error).message; }
    });
    expect(msg).toBe("copas.await: argument 'promise' must be a Promise (call the async function first), got a function");
  });
});
