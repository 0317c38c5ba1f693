// Port of Copas' tests/semaphore.lua (lua/semaphore.lua), line by line. copas.setErrorHandler (Copas' old
// casing) is copas.seterrorhandler; collectgarbage() has no twin (the registry holds semaphores weakly anyway).
import { copas } from '../../../src';
import { assert, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const now = copas.gettime;
  const semaphore = copas.semaphore;

  let test_complete = false;
  await copas.loop(function* () {
    let sema = semaphore.new(10, 5, 1);
    assert(sema.get_count()[0] === 5);

    assert((yield* sema.take(3))[0]);
    assert(sema.get_count()[0] === 2);

    let ok: unknown, err: unknown;
    let start = now();
    [, err] = yield* sema.take(3, 0); // 1 too many, immediate timeout
    assert(err === 'timeout', 'expected a timeout');
    assert(now() - start < 0.001, 'expected it not to block with timeout = 0');

    start = now();
    [, err] = yield* sema.take(10, 0); // way too many, immediate timeout
    assert(err === 'timeout', 'expected a timeout');
    assert(now() - start < 0.001, 'expected it not to block with timeout = 0');

    start = now();
    [, err] = yield* sema.take(11); // more than 'max'; "too many" error
    assert(err === 'too many', "expected a 'too many' error");
    assert(now() - start < 0.001, 'expected it not to block');

    start = now();
    [, err] = yield* sema.take(10); // not too many, let's timeout
    assert(err === 'timeout', "expected a 'timeout' error");
    assert(now() - start > 1, 'expected it to block for 1s');

    assert(sema.get_count()[0] === 2);

    // validate async threads
    let state = 0;
    copas.addthread(function* () {
      assert((yield* sema.take(5))[0]);
      print('got the first 5!');
      state = state + 1;
    });
    copas.addthread(function* () {
      assert((yield* sema.take(5))[0]);
      print('got the next 5!');
      state = state + 2;
    });
    yield* copas.pause(0.1);
    assert(state === 0, 'expected state to still be 0');
    assert(sema.get_count()[0] === 2, 'expected count to still have 2 resources');

    assert(sema.give(4)[0]);
    assert(sema.get_count()[0] === 1, 'expected count to now have 1 resource');
    yield* copas.pause(0.1);
    assert(state === 1, 'expected 1 from the first thread to be added to state');

    assert(sema.give(4)[0]);
    assert(sema.get_count()[0] === 0, 'gave 4 more, so 5 in total, releasing 5, leaves 0 as expected');
    yield* copas.pause(0.1);
    assert(state === 3, 'expected 2 from the 2nd thread to be added to state');

    [ok, err] = sema.give(100);
    assert(!ok);
    assert(err === 'too many');
    assert(sema.get_count()[0] === 10);

    // validate destroying
    assert((yield* sema.take(sema.get_count()[0] as number))[0]); // empty the semaphore
    assert(sema.get_count()[0] === 0, 'should be empty now');
    let state2 = 0;
    copas.addthread(function* () {
      const [ok, err] = yield* sema.take(5);
      if (ok) {
        print('got 5, this is unexpected');
      } else if (err === 'destroyed') {
        state2 = state2 + 1;
      }
    });
    copas.addthread(function* () {
      const [ok, err] = yield* sema.take(5);
      if (ok) {
        print('got 5, this is unexpected');
      } else if (err === 'destroyed') {
        state2 = state2 + 1;
      }
    });
    yield* copas.pause(0.1);
    assert(sema.destroy()[0]);
    yield* copas.pause(0.1);
    assert(state2 === 2, "expected 2 threads to error with 'destroyed'");

    // only returns errors from now on, on all methods
    [ok, err] = sema.destroy(); assert(ok === null && err === 'destroyed', 'expected an error');
    [ok, err] = sema.give(1); assert(ok === null && err === 'destroyed', 'expected an error');
    [ok, err] = yield* sema.take(1); assert(ok === null && err === 'destroyed', 'expected an error');
    [ok, err] = sema.get_count(); assert(ok === null && err === 'destroyed', 'expected an error');

    // timeouts get cancelled upon destruction
    // we set a timeout to 0.5 seconds, then destroy the semaphore
    // the timeout should not execute
    // Reproduce https://github.com/lunarmodules/copas/issues/118
    sema = semaphore.new(10, 0, 0.5);
    let state3 = 0;
    copas.addthread(function* () {
      const [ok, err] = yield* sema.take(1);
      if (ok) {
        print('got one, this is unexpected');
      } else if (err === 'destroyed') {
        state3 = state3 + 1;
      }
    });
    yield* copas.pause(0.1);
    assert(sema.destroy()[0]);
    yield* copas.pause(0.1);
    assert(state3 === 1, "expected 1 thread to error with 'destroyed'");

    let errors = 0;
    copas.seterrorhandler((msg) => {
      print('got error: ' + tostring(msg));
      print('--------------------------------------');
      errors = errors + 1;
    }, true);

    yield* copas.pause(0.5); // wait for the timeout to expire if it is still set
    assert(errors === 0, 'expected no errors');

    test_complete = true;
  });
  assert(test_complete, 'test did not complete!');
  print('test success!');
}
