// Port of Copas' tests/timer.lua (lua/timer.lua), line by line.
import { copas } from '../../../src';
import type { Timer } from '../../../src';
import { assert, print } from '../lua-shim';
import { nodeTimerLateness } from '../../support/timer-lateness';

export default async function main(): Promise<void> {
  const gettime = copas.gettime;
  const timer = copas.timer;

  let successes = 0;

  await copas.loop(function* () {
    let count_t1 = 0;
    const t1 = timer.new({
      delay: 0.5,
      recurring: true,
      params: 'hello world',
      callback: (timer_obj, params) => {
        // let's ensure parameters get passed
        assert(params === 'hello world', 'expected: hello world');
        successes = successes + 1; // 6 to come
        count_t1 = count_t1 + 1;
        print(params + ' ' + count_t1);
      },
    });
    // succes count = 6

    const t2 = timer.new({
      delay: 0.2, // we'll override this with 0.1 below
      recurring: false,
      params: {
        start_time: gettime(),
        late: nodeTimerLateness(0.1),
      },
      initial_delay: 0.1, // initial delay, only 0.1
      callback: (timer_obj, params) => {
        assert(gettime() - params.start_time < 0.11 + params.late(), "didn't honour initial delay, or recurred");
        print('this seems to go well, and should print only once');
        successes = successes + 1; // 1 to come
      },
    });
    // succes count = 7

    timer.new({
      delay: 3.3, //> allows T1 to run 6 times
      callback: (timer_obj) => {
        t1.cancel();
        const [, err] = t2.cancel();
        assert(err === 'not armed', 'expected t2 to already be stopped');
        successes = successes + 1; // 1 to come
        assert(count_t1 === 6, 'expected t1 to run 6 times!');
        successes = successes + 1; // 1 to come
        timer_obj.cancel(); // cancel myself
      },
    });
    // succes count = 9

    timer.new({
      delay: 0.1,
      recurring: true,
      callback: (timer_obj) => {
        // re-arm myself (recurring), should not be possible
        const [ok, err] = timer_obj.arm(1);
        assert(err === 'already armed', 'expected myself to be already armed');
        assert(ok === null, "expected 'ok' to be nil");
        print("failed to re-arm a recurring timer, so that's ok");
        successes = successes + 1; // 1 to come
        assert(timer_obj.cancel()[0]); // cancel myself
      },
    });
    // succes count = 10

    let touched: false | number = false;
    let rearmLate = (): number => 0; // not in the Lua: see nodeTimerLateness
    timer.new({
      delay: 0.1,
      recurring: false,
      callback: (timer_obj: Timer) => {
        if (touched === false) {
          // re-arm myself (non-recurring), should be possible
          const [ok, err] = timer_obj.arm(3);
          assert(ok === timer_obj);
          assert(err === undefined, "expected 'err' to be nil");
          touched = gettime();
          rearmLate = nodeTimerLateness(3);
          print("re-armed a non-recurring timer, so that's ok");
          successes = successes + 1; // 1 to come
        } else {
          print("a re-armed non-recurring timer executed, so that's ok");
          successes = successes + 1; // 1 to come
          const t = Math.abs(gettime() - touched - 3 - rearmLate());
          assert(t < 0.01, 'expected a 3 second delay for the rearmed timer. Got: ' + (gettime() - touched));
          successes = successes + 1; // 1 to come
        }
      },
    });
    // succes count = 13

    let count = 0;
    const params_in = {};
    // timer shouldn't be cancelled if its handler errors
    timer.new({
      name: 'error-test',
      delay: 0.1,
      recurring: true,
      params: params_in,
      errorhandler: (msg, co, skt) => {
        const errmsg = copas.gettraceback(msg, co, skt);
        assert(errmsg.includes('error-test'), "the threadname wasn't found");
        assert(errmsg.includes('error 1!') || errmsg.includes('error 2!'), "the error message wasn't found");
        successes = successes + 1;
      },
      callback: (timer_obj, params) => {
        assert(params === params_in, "Params table wasn't passed along");
        count = count + 1;
        if (count === 2) {
          // 2nd call, so we're done
          timer_obj.cancel();
        }
        throw new Error('error ' + count + '!');
      },
    });
    // succes count = 15
  });

  assert(successes === 15, "number of successes didn't match! got: " + successes);
  print('test success!');
}
