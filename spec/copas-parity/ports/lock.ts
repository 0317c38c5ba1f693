// Port of Copas' tests/lock.lua (lua/lock.lua), line by line.
import { copas } from '../../../src';
import { assert, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const Lock = copas.lock;
  const gettime = copas.gettime;

  let test_complete = false;
  await copas.loop(function* () {
    let lock1 = Lock.new(null, true); // not re-entrant
    assert((yield* lock1.get())[0]);
    const s = gettime();
    const [, err1] = yield* lock1.get(1);
    const duration = gettime() - s;
    assert(err1 === 'timeout', 'got errror: ' + tostring(err1));
    assert(duration > 1 && duration < 1.2, `expected timeout of 1 second, but took: ${duration.toFixed(6)}`);

    // let go and reacquire
    assert(lock1.release()[0]);
    const [, err2] = lock1.release();
    assert(err2 === 'cannot release a lock not owned', 'got error: ' + tostring(err2));

    assert((yield* lock1.get())[0]);
    lock1.destroy();
    const [, err3] = lock1.release();
    assert(err3 === 'destroyed', 'got errror: ' + tostring(err3));

    // let's scale, go grab a lock
    lock1 = assert(Lock.new(10));
    assert((yield* lock1.get())[0]);

    let success_count = 0;
    let timeout_count = 0;
    let destroyed_count = 0;
    // now add another bunch of threads for the same lock
    const size = 750; // must be multiple of 3 !!
    print('creating ' + size + ' threads hitting the lock...', gettime());
    const tracker = new Map<number, boolean>();
    for (let i = 1; i <= size; i++) {
      tracker.set(i, true);
      copas.addthread(function* () {
        let timeout;
        if (i > (size * 2) / 3) {
          timeout = 60; // the ones to hit "destroyed"
        } else if (i > size / 3 && i <= (size * 2) / 3) {
          timeout = 2; // the ones to hit "timeout"
        } else {
          timeout = 1; // the ones to succeed
        }
        const [ok, err] = yield* lock1.get(timeout);
        if (ok !== null) {
          success_count = success_count + 1;
          if (i === size / 3) {
            yield* copas.pause(3); // keep it long enough for the next 500 to timeout
            assert(lock1.release()[0]); // by now the 2nd 500 timed out
            assert(lock1.destroy()[0]); // make the last 500 fail on "destroyed"
          } else {
            assert(lock1.release()[0]);
          }
          tracker.delete(i);
        } else if (err === 'timeout') {
          timeout_count = timeout_count + 1;
          tracker.delete(i);
        } else if (err === 'destroyed') {
          destroyed_count = destroyed_count + 1;
          tracker.delete(i);
        } else {
          tracker.delete(i);
          throw new Error("didn't expect error: '" + tostring(err) + "' thread " + i);
        }
      }); // added thread function
    } // for loop
    print('releasing ' + size + ' threads...', gettime());
    assert(lock1.release()[0]);
    print('waiting to finish...');
    while (tracker.size > 0) yield* copas.pause(0.1);
    // check results
    print('success: ', success_count);
    print('timeout: ', timeout_count);
    print('destroyed: ', destroyed_count);
    assert(success_count === size / 3);
    assert(timeout_count === size / 3);
    assert(destroyed_count === size / 3);

    test_complete = true;
  });
  assert(test_complete, 'test did not complete!');

  print('test success!');
}
