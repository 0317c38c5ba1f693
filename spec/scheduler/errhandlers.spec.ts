import { copas } from '../../src';
import type { Task } from '../../src';
import { settle } from './helpers';

afterEach(settle);

let defaultHandler = copas.geterrorhandler();
beforeAll(() => { defaultHandler = copas.geterrorhandler(); });
afterEach(() => { copas.seterrorhandler(defaultHandler, true); });

/** Captures console.log (Lua's print, where Copas' default handler writes) while `fn` runs. */
async function captureStdout(fn: () => Promise<void>): Promise<string[]> {
  const lines: string[] = [];
  const spy = jest.spyOn(console, 'log').mockImplementation((...a: unknown[]) => { lines.push(a.join(' ')); });
  try { await fn(); } finally { spy.mockRestore(); }
  return lines;
}

describe('error handlers (tests/errhandlers.lua)', () => {
  it('the default handler prints the message, (coroutine: <name>, socket: nil) and the stack', async () => {
    copas.seterrorhandler(defaultHandler, true); // the kernel's own default (spec/setup-task-errors.ts replaces it)
    const out = await captureStdout(async () => {
      await copas.loop(function* () {
        const f = (): never => { throw new Error('hi there!'); };
        f();
      });
    });
    expect(out).toHaveLength(1);
    expect(out[0]).toMatch(/^hi there! \(coroutine: copas_initializer, socket: nil\)\nstack traceback:\n/);
    expect(out[0]).toMatch(/errhandlers\.spec\.ts/);
  });

  it('names an unnamed task by its toString', async () => {
    const t = copas.addthread(function* () { /* empty */ });
    // a string message gets the stack where gettraceback was called, as Lua's debug.traceback adds it
    expect(copas.gettraceback('oops', t, null)).toMatch(new RegExp(`^oops \\(coroutine: ${String(t)}, socket: nil\\)\nstack traceback:\n.*errhandlers\\.spec\\.ts`, 's'));
    await copas.loop();
  });

  it('errors in copas.timeout callbacks go to the default handler', async () => {
    let calls = 0;
    copas.seterrorhandler(() => { calls -= 10; }, true);
    await copas.loop(function* () {
      copas.timeout(0.01, () => { throw new Error('hi there!'); });
      yield* copas.pause(0.05);
    });
    expect(calls).toBe(-10);
  });

  it('a task handler is called if set', async () => {
    let calls = 0;
    await copas.loop(function* () {
      copas.seterrorhandler(() => { calls += 1; });
      throw new Error('end of the world!');
    });
    expect(calls).toBe(1);
  });

  it('the default handler is called if set, and not when the task set its own', async () => {
    let calls = 0;
    copas.seterrorhandler(() => { calls += 10; }, true);
    await copas.loop(function* () { throw new Error('end of the world!'); });
    expect(calls).toBe(10);
    await copas.loop(function* () {
      copas.seterrorhandler(() => { calls += 1; });
      throw new Error('end of the world!');
    });
    expect(calls).toBe(11);
  });

  it('handlers get (err, task, skt); geterrorhandler returns the one in force; a throwing handler is not fatal', async () => {
    const seen: unknown[] = [];
    const h = (err: unknown, task: Task | null, skt: unknown): void => { seen.push((err as Error).message, task, skt); };
    let t: Task | undefined;
    const out = await captureStdout(async () => {
      t = copas.addnamedthread('named', function* () {
        copas.seterrorhandler(h);
        expect(copas.geterrorhandler()).toBe(h);
        throw new Error('x');
      });
      copas.addthread(function* () {
        copas.seterrorhandler(() => { throw new Error('handler broke'); });
        throw new Error('y');
      });
      let after = false;
      copas.addthread(function* () { yield* copas.pause(0.01); after = true; });
      await copas.loop();
      expect(after).toBe(true); // the loop went on
    });
    expect(seen).toEqual(['x', t, undefined]);
    expect(out).toEqual(['Failed executing error handler: handler broke']);
  });

  it('yielding to the scheduler directly is an error in that task, with an explanation', async () => {
    const msgs: string[] = [];
    copas.seterrorhandler((e) => { msgs.push((e as Error).message); }, true);
    await copas.loop(function* () {
      yield* copas.pause(0.01);
      yield 42 as never;
    });
    expect(msgs).toEqual(['copas: a task yielded number 42; tasks may only yield* copas operations (write `yield* copas.pause()` to give the turn)']);
  });

  it('seterrorhandler checks its arguments', () => {
    expect(() => copas.seterrorhandler('x' as never)).toThrow("copas.seterrorhandler: argument 'handler' must be a function");
    expect(() => copas.seterrorhandler(undefined, true)).toThrow('must be a function when setting the default');
  });
});
