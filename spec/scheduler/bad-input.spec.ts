import { copas } from '../../src';
import { settle } from './helpers';

afterEach(settle);

/** Runs `fn` as a task and returns the message of what it threw (or null). */
async function thrownIn(fn: () => Generator<unknown, unknown, unknown>): Promise<string | null> {
  let msg: string | null = null;
  copas.seterrorhandler((e) => { msg = e instanceof Error ? e.message : String(e); }, true);
  copas.addthread(fn as never);
  await copas.loop();
  return msg;
}

describe('bad input gets a clear error', () => {
  it('addthread refuses a plain function, an async function, and non-functions', () => {
    expect(() => copas.addthread((() => undefined) as never)).toThrow("copas.addthread: argument 'fn' must be a generator function (function* () { ... }), got a plain function (write function* instead of function)");
    expect(() => copas.addthread((async () => undefined) as never)).toThrow('an async function cannot be a task: write function* and use yield* copas.await(promise) where you awaited');
    expect(() => copas.addthread((function* () { /* empty */ })() as never)).toThrow("copas.addthread: argument 'fn' must be a generator function (function* () { ... }), got a generator object: pass the function itself, not its call (copas.addthread(fn, ...args), not copas.addthread(fn(...args)))");
    expect(() => copas.addthread(42 as never)).toThrow("copas.addthread: argument 'fn' must be a generator function (function* () { ... }), got number 42");
    expect(() => copas.addnamedthread(1 as never, function* () { /* empty */ })).toThrow("copas.addnamedthread: argument 'name' must be a string, got number 1");
  });

  it('`yield` without `*` is caught and explained in the task', async () => {
    expect(await thrownIn(function* () { yield copas.pause(1); })).toBe('copas: a task yielded an operation without `*`; write `yield* op` (for example `yield* copas.pause(1)`), not `yield op`');
  });

  it('yielding a Promise is caught and points at copas.await', async () => {
    expect(await thrownIn(function* () { yield Promise.resolve(1); })).toBe('copas: a task yielded a Promise; use `yield* copas.await(promise)` to wait for a Promise inside a task');
  });

  it('a task that catches the explanation goes on', async () => {
    let after = false;
    await copas.loop(function* () {
      try { yield 'x' as never; } catch (e) { expect((e as Error).message).toContain("yielded 'x'"); }
      yield* copas.pause(0);
      after = true;
    });
    expect(after).toBe(true);
  });

  it('negative or non-number times are refused where a time is expected', async () => {
    expect(() => copas.lock.new(-1)).toThrow("lock.new: argument 'timeout' must be a time in seconds >= 0, got number -1");
    expect(() => copas.lock.new('10' as never)).toThrow("lock.new: argument 'timeout' must be a time in seconds (a number), got '10'");
    expect(() => copas.lock.new(NaN)).toThrow("lock.new: argument 'timeout' must be a time in seconds (a number), got number NaN");
    expect(() => copas.semaphore.new(1, 0, -0.5)).toThrow("semaphore.new: argument 'timeout' must be a time in seconds >= 0, got number -0.5");
    expect(() => copas.timer.new({ delay: -1, callback: () => undefined })).toThrow("timer.new: argument 'opts.delay' must be a time in seconds >= 0, got number -1");
    expect(() => copas.timer.new({ delay: '1' as never, callback: () => undefined })).toThrow("timer.new: argument 'opts.delay' must be a time in seconds (a number), got '1'");
    expect(await thrownIn(function* () { yield* copas.lock.new().get(-1); })).toBe("lock.get: argument 'timeout' must be a time in seconds >= 0, got number -1");
    expect(await thrownIn(function* () { yield* copas.semaphore.new(2).take(1, '1' as never); })).toBe("semaphore.take: argument 'timeout' must be a time in seconds (a number), got '1'");
    expect(await thrownIn(function* () { yield* copas.queue.new().pop(-3); })).toBe("queue.pop: argument 'timeout' must be a time in seconds >= 0, got number -3");
    expect(await thrownIn(function* () { yield* copas.pause('1' as never); })).toBe("copas.pause: argument 'seconds' must be a number, got '1'");
    expect(await thrownIn(function* () { copas.timeout(-1, () => undefined); })).toBe('copas.timeout: timeout value must be greater than or equal to 0, got: -1');
  });

  it('blocking operations outside a task say so', () => {
    const l = copas.lock.new();
    expect(() => l.get().next()).toThrow('lock.get: must be called inside a copas task with yield*');
    expect(() => copas.pause(1)[Symbol.iterator]().next()).toThrow('copas.pause: must be called inside a copas task with yield*');
  });

  it('wakeup and removethread refuse what is not a task', () => {
    expect(() => copas.wakeup({} as never)).toThrow("copas.wakeup: argument 'task' must be a task (what copas.addthread returned), got a object");
    expect(() => copas.removethread(null as never)).toThrow("copas.removethread: argument 'task' must be a task (what copas.addthread returned), got null");
  });
});
