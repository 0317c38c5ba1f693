// Port of Copas' tests/timeout_errors.lua (lua/timeout_errors.lua), line by line.
import { copas } from '../../../src';
import { os, print, tostring } from '../lua-shim';

export default async function main(): Promise<void> {
  const tests: Record<string, () => Promise<void>> = {};

  tests.error_on_timeout = async () => {
    let err_received: unknown;

    copas.addthread(function* () {
      copas.seterrorhandler((err) => {
        err_received = err;
      }, true);
      print('setting timeout in 0.1 seconds');
      copas.timeout(0.1, () => {
        print('throwing an error now...');
        throw new Error('oops...');
      });
      print('going to sleep for 1 second');
      yield* copas.pause(1);

      if (!tostring(err_received ?? '').includes('oops...')) {
        print("expected to find the error string 'oops...', but got: " + tostring(err_received));
        os.exit(1);
      }
    });

    await copas.loop();
  };

  // test "framework"
  for (const [name, test] of Object.entries(tests)) {
    print('testing: ' + tostring(name));
    await test();
  }

  print('[✓] all tests completed successuly');
}
