// Port of Copas' tests/future.lua (lua/future.lua), line by line. A Lua function returning several values
// returns one array here, so `ok, a, b = f:get()` is `[ok, [a, b]] = yield* f.get()`; the callable future
// `f()` is `yield* f.get()` (porting guide: "Futures").
import { copas } from '../../../src';
import { assert, pcall, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const future = copas.future;

  let test_complete = false;
  await copas.loop(function* () {
    // get(): waits for task, returns true + results on success (pcall-style)
    {
      const f = future.addthread(function* () {
        yield* copas.pause(0.05);
        return ['hello', 'world'];
      });
      const [ok, [a, b]] = (yield* f.get()) as [boolean, string[]];
      assert(ok === true, 'expected true on success');
      assert(a === 'hello' && b === 'world', 'unexpected results: ' + tostring(a) + ', ' + tostring(b));
      print('ok: get() success');
    }

    // get(): returns false + errmsg when task errors
    {
      const f = future.addthread(function* () {
        throw new Error('boom');
      });
      const [ok, err] = yield* f.get();
      assert(ok === false, 'expected false on error, got: ' + tostring(ok));
      assert(typeof err === 'string' && err.includes('boom'), "expected 'boom' in error, got: " + tostring(err));
      print('ok: get() error propagation');
    }

    // get() can be called multiple times on the same future
    {
      const f = future.addthread(function* () { return 42; });
      const [ok1, v1] = yield* f.get();
      const [ok2, v2] = yield* f.get();
      assert(ok1 === true && v1 === 42, 'first get() failed');
      assert(ok2 === true && v2 === 42, 'second get() failed');
      print('ok: get() idempotent');
    }

    // callable future: f(...) is equivalent to f:get(...)
    {
      const f = future.addthread(function* () { return 'via call'; });
      const [ok, v] = yield* f.get();
      assert(ok === true && v === 'via call', 'callable future failed');
      print('ok: future callable via __call');
    }

    // multiple threads waiting on the same future all receive the result
    {
      const f = future.addthread(function* () {
        yield* copas.pause(0.1);
        return 'shared';
      });
      const results: unknown[] = [];
      for (let i = 1; i <= 5; i++) {
        const idx = i;
        copas.addthread(function* () {
          const [ok, v] = yield* f.get();
          results[idx] = ok && v;
        });
      }
      yield* copas.pause(0.3);
      for (let i = 1; i <= 5; i++) {
        assert(results[i] === 'shared', 'thread ' + i + ' did not get result, got: ' + tostring(results[i]));
      }
      print('ok: multiple waiters on get()');
    }

    // try(): returns PENDING while task is still running
    {
      const f = future.addthread(function* () {
        yield* copas.pause(0.2);
        return 'done';
      });
      const [status] = f.try();
      assert(status === future.PENDING, 'expected PENDING, got: ' + tostring(status));
      yield* f.get(); // wait for completion
      print('ok: try() PENDING');
    }

    // try(): returns SUCCESS + results after task completes
    {
      const f = future.addthread(function* () { return [1, 2, 3]; });
      yield* f.get();
      const [status, abc] = f.try();
      const [a, b, c] = abc as number[];
      assert(status === future.SUCCESS, 'expected SUCCESS, got: ' + tostring(status));
      assert(a === 1 && b === 2 && c === 3, 'unexpected results from try()');
      print('ok: try() SUCCESS');
    }

    // try(): returns ERROR + errmsg after task errors
    {
      const f = future.addthread(function* () {
        throw new Error('oh no');
      });
      yield* f.get();
      const [status, err] = f.try();
      assert(status === future.ERROR, 'expected ERROR, got: ' + tostring(status));
      assert(typeof err === 'string' && err.includes('oh no'), 'unexpected error message: ' + tostring(err));
      print('ok: try() ERROR');
    }

    // cancel(): cancels a pending task, get() returns false + "cancelled"
    {
      let task_ran = false;
      const f = future.addthread(function* () {
        yield* copas.pause(5);
        task_ran = true;
        return 'should not reach';
      });
      const cancelled = f.cancel();
      assert(cancelled === true, 'expected cancel() to return true');
      const [ok, err] = yield* f.get();
      assert(ok === false, 'expected false after cancel, got: ' + tostring(ok));
      assert(err === 'cancelled', "expected 'cancelled', got: " + tostring(err));
      yield* copas.pause(0.1);
      assert(!task_ran, 'task body should not have run after cancel()');
      print('ok: cancel() pending task');
    }

    // cancel(): try() returns ERROR + "cancelled" after cancel
    {
      const f = future.addthread(function* () {
        yield* copas.pause(5);
      });
      f.cancel();
      const [status, err] = f.try();
      assert(status === future.ERROR, 'expected ERROR after cancel, got: ' + tostring(status));
      assert(err === 'cancelled', "expected 'cancelled', got: " + tostring(err));
      print('ok: try() ERROR after cancel()');
    }

    // cancel(): returns false if task already completed
    {
      const f = future.addthread(function* () { return 'done'; });
      yield* f.get();
      const cancelled = f.cancel();
      assert(cancelled === false, 'expected cancel() to return false when already done');
      print('ok: cancel() on completed future returns false');
    }

    // addnamedthread: returns a usable future
    {
      const f = future.addnamedthread('test-task', function* () { return 'named'; });
      const [ok, v] = yield* f.get();
      assert(ok === true && v === 'named', 'addnamedthread() failed');
      print('ok: addnamedthread()');
    }

    // typo guard: accessing an unknown field throws a meaningful error
    {
      const [ok, err] = pcall(() => (future as unknown as Record<string, unknown>).PNEDING);
      assert(!ok, 'expected an error for unknown field');
      assert((err as string).includes('future.PNEDING'), 'expected field name in error message, got: ' + tostring(err));
      print('ok: typo guard on unknown field');
    }

    test_complete = true;
  });
  assert(test_complete, 'test did not complete!');
  print('test success!');
}
