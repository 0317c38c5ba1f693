// Port of Copas' tests/queue.lua (lua/queue.lua), line by line. coroutine.status(co) == "dead" is task.dead;
// the garbage-collection check has no twin (a JS test cannot force a collection).
import { copas } from '../../../src';
import { assert, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const now = copas.gettime;
  const Queue = copas.queue;

  let test_complete = false;
  await copas.loop(function* () {
    // basic push/pop
    const q = Queue.new();
    q.push('hello');
    assert((yield* q.pop())[0] === 'hello', 'expected the input to be returned');

    // yielding on pop when queue is empty
    const s = now();
    copas.addthread(function* () {
      yield* copas.pause(0.5);
      q.push('delayed');
    });
    assert((yield* q.pop())[0] === 'delayed', 'expected a delayed result');
    assert(now() - s >= 0.5, 'result was not delayed!');

    // pop times out
    let [ok, err]: unknown[] = yield* q.pop(0.5);
    assert(err === 'timeout', 'expected a timeout');
    assert(ok === null);

    // get_size returns queue size
    assert(q.get_size()[0] === 0);
    q.push(1);
    assert(q.get_size()[0] === 1);
    q.push(2);
    assert(q.get_size()[0] === 2);
    q.push(3);
    assert(q.get_size()[0] === 3);

    // queue behaves as fifo
    assert((yield* q.pop())[0] === 1);
    assert((yield* q.pop())[0] === 2);
    assert((yield* q.pop())[0] === 3);

    // handles nil values
    q.push(1);
    q.push(null);
    q.push(3);

    assert((yield* q.pop())[0] === 1);
    const [val, err2] = yield* q.pop();
    assert(val === null);
    assert(err2 === undefined);
    assert((yield* q.pop())[0] === 3);

    // stopping
    q.push(1);
    q.push(2);
    q.push(3);
    assert(q.stop()[0]);
    let count = 0;
    const [coro] = q.add_worker(() => {
      count = count + 1;
    });
    yield* copas.pause(0.1);
    assert(count === 3, 'expected all 3 items handled');
    assert(coro!.dead, 'expected thread to be gone');
    // worker exited, so queue is destroyed now?
    [ok, err] = q.push(undefined);
    assert(err === 'destroyed', 'expected queue to be destroyed');
    assert(ok === null);
    [ok, err] = yield* q.pop();
    assert(err === 'destroyed', 'expected queue to be destroyed');
    assert(ok === null);

    test_complete = true;
  });

  // copas loop exited when here

  assert(test_complete, 'test did not complete!');
  print('test 1 success!');

  // a worker handling nil values
  let count = 0;
  await copas.loop(function* () {
    const q = Queue.new();
    q.push(1);
    q.push(null);
    q.push(3);
    q.add_worker(() => { count = count + 1; });
    yield* copas.pause(0.5); // to activate the worker, which will now be blocked on the q semaphore
    assert((yield* q.finish(5))[0]);
  });
  assert(count === 3, 'expected count to be 3, got ' + tostring(count));
  print('test 2 success!');

  // finish blocks for a timeout
  let passed = false;
  await copas.loop(function* () {
    const q = Queue.new();
    q.push(1); // no workers, so this one will not be handled

    const s = now();
    const [ok, err] = yield* q.finish(1);
    const duration = now() - s;

    assert(!ok, 'expected a falsy value, got: ' + tostring(ok));
    assert(err === 'timeout', "expected error 'timeout', got: " + tostring(err));
    assert(duration > 1 && duration < 1.2, `expected timeout of 1 second, but took: ${duration.toFixed(6)}`);
    passed = true;
  });
  assert(passed, 'test failed!');
  print('test 3 success!');

  // destroying a queue while workers are idle
  await copas.loop(function* () {
    const q = Queue.new();
    q.add_worker(() => undefined);
    yield* copas.pause(0.5); // to activate the worker, which will now be blocked on the q semaphore
    q.stop(); // this should exit the idle workers and exit the copas loop
  });
  print('test 4 success!');

  // finish a queue while workers are idle
  await copas.loop(function* () {
    const q = Queue.new();
    q.add_worker(() => undefined);
    yield* copas.pause(0.5); // to activate the worker, which will now be blocked on the q semaphore
    yield* q.finish(); // this should exit the idle workers and exit the copas loop
  });
  print('test 5 success!');

  // finish doesn't return until all workers are done (finished handling the last queue item)
  const result: string[] = [];
  let passed6 = true;
  await copas.loop(function* () {
    const q = Queue.new<number>();
    q.push(1);
    q.push(2);
    q.push(3);
    for (let i = 1; i <= 2; i++) { // add 2 workers
      q.add_worker(function* (n: number) {
        result.push('start item ' + n);
        yield* copas.pause(0.5);
        result.push('end item ' + n);
      });
    }
    result.push('start queue');
    yield* copas.pause(0.75);
    result.push('start finish');
    const [ok, err] = yield* q.finish();
    result.push('finished ' + tostring(ok) + ' ' + tostring(err));
    yield* copas.pause(1);
    const expected = [
      'start queue',
      'start item 1',
      'start item 2',
      'end item 1',
      'start item 3',
      'end item 2',
      'start finish',
      'end item 3',
      'finished true nil',
    ];
    for (let i = 0; i < Math.max(result.length, expected.length); i++) {
      if (result[i] !== expected[i]) {
        for (let n = 0; n < Math.max(result.length, expected.length); n++) {
          print(n + 1, result[n], expected[n], result[n] === expected[n] ? '' : '  <--- failed');
        }
        passed6 = false;
        break;
      }
    }
  });
  assert(passed6, 'test 6 failed!');
  print('test 6 success!');
}
