// Port of Copas' tests/errhandlers.lua (lua/errhandlers.lua), line by line. Replacing Lua's `print` is
// replacing console.log; "reload copas" is putting the built-in default handler back. A bare `yield` is
// copas-ts' twin of a direct coroutine.yield(), refused with its own message (porting guide: "Errors").
import { copas } from '../../../src';
import { builtinErrorHandler } from '../harness';
import { assert, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const tests: Record<string, () => Promise<void>> = {};

  tests.default_properly_formats_coro_errors = async () => {
    const old_print = console.log;
    let msg = '';
    console.log = (errmsg: string) => {
      msg = errmsg;
    };

    await copas.loop(function* () {
      const f = () => {
        throw new Error('hi there!');
      };
      f();
    });

    console.log = old_print;

    assert(/hi there! \(coroutine: copas_initializer, socket: nil\)/.test(msg), 'got:\n' + msg);
    assert(/stack traceback:[^]+errhandlers\.ts/.test(msg), 'got:\n' + msg);
  };

  tests.default_properly_formats_timerwheel_errors = async () => {
    const old_print = console.log;
    let msg = '';
    console.log = (errmsg: string) => {
      msg = errmsg;
    };

    await copas.loop(function* () {
      copas.timeout(0.01, () => {
        const f = () => {
          throw new Error('hi there!');
        };
        f();
      });
      yield* copas.pause(1);
    });

    console.log = old_print;

    assert(/hi there! \(coroutine: copas_core_timer, socket: nil\)/.test(msg), 'got:\n' + msg);
    assert(/stack traceback:[^]+errhandlers\.ts/.test(msg), 'got:\n' + msg);
  };

  tests.yielding_from_user_code_fails = async () => {
    const old_print = console.log;
    let msg = '';
    console.log = (errmsg: string) => {
      msg = errmsg;
    };

    await copas.loop(function* () {
      yield* copas.pause(1);
      yield undefined as never; // directly yield to copas
    });

    console.log = old_print;

    assert(msg.includes('copas: a task yielded undefined; tasks may only yield* copas operations'), 'got:\n' + msg);
  };

  tests.handler_gets_called_if_set = async () => {
    let call_count = 0;
    await copas.loop(function* () {
      copas.seterrorhandler(() => { call_count = call_count + 1; });

      throw new Error('end of the world!');
    });

    assert(call_count === 1, 'expected callcount 1, got: ' + tostring(call_count));
  };

  tests.default_handler_gets_called_if_set = async () => {
    let call_count = 0;
    copas.seterrorhandler(() => { call_count = call_count + 10; }, true);
    await copas.loop(function* () {
      throw new Error('end of the world!');
    });

    assert(call_count === 10, 'expected callcount 10, got: ' + tostring(call_count));
  };

  tests.default_handler_doesnt_get_called_if_overridden = async () => {
    let call_count = 0;
    copas.seterrorhandler(() => { call_count = call_count + 10; }, true);
    await copas.loop(function* () {
      copas.seterrorhandler(() => { call_count = call_count + 1; });

      throw new Error('end of the world!');
    });

    assert(call_count === 1, 'expected callcount 1, got: ' + tostring(call_count));
  };

  tests.timerwheel_callbacks_call_the_default_error_handler = async () => {
    let call_count = 0;
    copas.seterrorhandler(() => { call_count = call_count - 10; }, true);
    await copas.loop(function* () {
      copas.timeout(0.01, () => { throw new Error('hi there!'); });
      yield* copas.pause(1);
    });

    assert(call_count === -10, 'expected callcount -10, got: ' + tostring(call_count));
  };

  // test "framework"
  for (const [name, test] of Object.entries(tests)) {
    // reload copas, to clear default err handlers
    copas.seterrorhandler(builtinErrorHandler, true);

    print('testing: ' + tostring(name));
    await test();
  }

  print('[✓] all tests completed successuly');
}
