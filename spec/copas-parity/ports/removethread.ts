// Port of Copas' tests/removethread.lua (lua/removethread.lua), line by line. The garbage-collection check
// of test 1 has no twin (a JS test cannot force a collection; spec/scheduler covers the leak).
import { copas } from '../../../src';
import { assert, print } from '../lua-shim';
import { nodeTimerLateness } from '../../support/timer-lateness';

export default async function main(): Promise<void> {
  const now = copas.gettime;

  // Test 1: basic test

  const t1 = copas.addthread(function* () {
    print('endless thread start');
    let n = 0;
    for (;;) {
      n = n + 1;
      print('endless thread:', n);
      yield* copas.pause(0.5);
    }
  });

  copas.addthread(function* () {
    for (let i = 1; i <= 5; i++) {
      yield* copas.pause(0.59); // Copas has 0.6: a tie with 6 x 0.5 (see lua/removethread.lua)
    }
    print('stopping endless thread externally');
    copas.removethread(t1);
  });

  // start test
  await copas.loop();

  print('test 1: success!');

  // Test 2: ensure a waiting thread leaves in a timely manner

  const coro = copas.addthread(function* () {
    yield* copas.pause(2);
  });

  const start_time = now();
  const late = nodeTimerLateness(0.5); // not in the Lua: see spec/support/timer-lateness.ts
  await copas(function* () {
    yield* copas.pause(0.5);
    copas.removethread(coro);
  });
  const duration = now() - start_time;

  assert(duration < 0.6 + late(), `Expected immediate exit, after removal of thread, took: ${duration.toFixed(2)}`);
  print('test 2: success!');
}
