import { copas } from '../../src';
import type { Task } from '../../src';
import { runMain, settle } from './helpers';

afterEach(settle);

// The first Error.stack read under jest loads source maps (~200 ms, blocking the loop): do it before timing.
beforeAll(async () => {
  const prev = copas.geterrorhandler();
  copas.seterrorhandler((e, co) => { void copas.gettraceback(e, co as Task); }, true);
  copas.timer.new({ delay: 0, callback: () => { throw new Error('warm-up'); } });
  await copas.loop();
  copas.seterrorhandler(prev, true);
});

describe('copas.timer (tests/timer.lua)', () => {
  it('recurs, honours initial_delay, refuses re-arming while armed, re-arms one-shots, survives callback errors', async () => {
    let successes = 0;
    const errors: string[] = [];
    await runMain(function* () {
      const gettime = copas.gettime;
      let countT1 = 0;
      // the canceller below runs after t1's 6th run (the Lua test arms it at 0.65 s, which on a loaded machine
      // can come after 5 runs: a recurring timer re-arms from when it ran, so lateness adds up)
      let startCanceller = (): void => undefined;
      const t1 = copas.timer.new({
        delay: 0.1, recurring: true, params: 'hello world',
        callback: (_t, params) => {
          expect(params).toBe('hello world'); successes++; countT1++;
          if (countT1 === 6) startCanceller();
        },
      });
      const t2Start = gettime();
      const t2 = copas.timer.new({
        delay: 0.2, recurring: false, initial_delay: 0.02, params: { start: t2Start },
        callback: (_t, p) => { expect(gettime() - p.start).toBeLessThan(0.19); successes++; },
      });
      startCanceller = () => copas.timer.new({
        delay: 0, // at the next step, long before t1 is due again
        callback: (self) => {
          expect(t1.cancel()).toEqual([t1]);
          expect(t2.cancel()).toEqual([null, 'not armed']);
          successes++;
          expect(countT1).toBe(6);
          successes++;
          expect(self.cancel()).toEqual([null, 'not armed']); // a fired one-shot is no longer armed
          copas.addthread(function* () {
            yield* copas.pause(0.25);
            expect(countT1).toBe(6); // cancelled: it ran no more
          });
        },
      });
      copas.timer.new({
        delay: 0.02, recurring: true,
        callback: (self) => {
          expect(self.arm(1)).toEqual([null, 'already armed']);
          successes++;
          expect(self.cancel()).toEqual([self]);
        },
      });
      let touched = 0;
      copas.timer.new({
        delay: 0.02, recurring: false,
        callback: (self) => {
          if (touched === 0) {
            expect(self.arm(0.3)).toEqual([self]);
            touched = gettime();
            successes++;
          } else {
            successes++;
            expect(gettime() - touched).toBeGreaterThanOrEqual(0.295);
            expect(gettime() - touched).toBeLessThan(0.5);
            successes++;
          }
        },
      });
      let count = 0;
      const paramsIn = {};
      copas.timer.new({
        name: 'error-test', delay: 0.02, recurring: true, params: paramsIn,
        errorhandler: (msg, co, skt) => {
          const text = copas.gettraceback(msg, co as Task, skt);
          expect(text).toContain('error-test');
          errors.push((msg as Error).message);
          successes++;
        },
        callback: (self, params) => {
          expect(params).toBe(paramsIn);
          count++;
          if (count === 2) self.cancel();
          throw new Error(`error ${count}!`);
        },
      });
    });
    expect(errors).toEqual(['error 1!', 'error 2!']);
    expect(successes).toBe(15);
  });

  it('runs a generator callback inside its task; cancel ends it while it is blocked (finally runs)', async () => {
    const log: string[] = [];
    await runMain(function* () {
      const t = copas.timer.new({
        delay: 0.01, recurring: true, name: 'gen-timer',
        *callback(self) {
          log.push(`in ${copas.getthreadname()}`);
          try { yield* copas.pause(10); log.push('not reached'); } finally { log.push('finally'); }
          void self;
        },
      });
      yield* copas.pause(0.05);
      expect(t.co).not.toBeNull();
      expect(t.cancel()).toEqual([t]);
      expect(t.cancel()).toEqual([null, 'not armed']);
      // re-arm a cancelled timer
      expect(t.arm(0)).toEqual([t]);
      yield* copas.pause(0.01);
      t.cancel();
    });
    expect(log).toEqual(['in gen-timer', 'finally', 'in gen-timer', 'finally']);
  });

  it('an armed timer keeps the loop alive; a cancelled one does not', async () => {
    let fired = 0;
    const t = copas.timer.new({ delay: 0.05, callback: () => { fired++; } });
    await copas.loop();
    expect(fired).toBe(1);
    const t2 = copas.timer.new({ delay: 5, callback: () => { fired++; } });
    copas.addthread(function* () { t2.cancel(); });
    const s = Date.now();
    await copas.loop();
    expect(Date.now() - s).toBeLessThan(1000);
    expect(fired).toBe(1);
    void t;
  });

  it('without an errorhandler, a callback error goes to the default handler with the timer name', async () => {
    const seen: string[] = [];
    const prev = copas.geterrorhandler();
    copas.seterrorhandler((e, co) => { seen.push(copas.gettraceback(e, co as Task)); }, true);
    try {
      copas.timer.new({ name: 'tick', delay: 0, callback: () => { throw new Error('boom'); } });
      await copas.loop();
    } finally {
      copas.seterrorhandler(prev, true);
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]).toContain('boom (coroutine: tick, socket: nil)');
  });

  it('checks its arguments', () => {
    expect(() => copas.timer.new({ delay: -1, callback: () => undefined })).toThrow("timer.new: argument 'opts.delay' must be a time in seconds >= 0, got number -1");
    expect(() => copas.timer.new({ callback: () => undefined } as never)).toThrow("timer.new: argument 'opts.delay' must be a time in seconds (a number), got undefined");
    expect(() => copas.timer.new({ delay: 1, callback: 'x' } as never)).toThrow("timer.new: argument 'opts.callback' must be a function or a generator function");
    expect(() => copas.timer.new({ delay: 1, callback: async () => undefined } as never)).toThrow('got an async function');
    expect(() => copas.timer.new({ delay: 1, initial_delay: -2, callback: () => undefined })).toThrow("timer.new: argument 'opts.initial_delay' must be a time in seconds >= 0");
    expect(() => copas.timer.new(undefined as never)).toThrow("timer.new: argument 'opts.delay'");
    const t = copas.timer.new({ delay: 1, callback: () => undefined });
    expect(() => t.arm(-1)).toThrow("timer.arm: argument 'initial_delay' must be a time in seconds >= 0, got number -1");
    t.cancel();
  });
});
