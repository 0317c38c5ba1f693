import { expectParity } from './harness';
import main from './ports/debug_socket';

it('copas.debug.socket prints each call, its arguments and its results (lua/debug_socket.lua)', async () => {
  await expectParity('debug_socket', main, {
    normalise: [
      [/tcp\{(master|client)\}: (0x[0-9a-f]+|#\d+)/g, 'tcp{$1}: <id>'],
      // LuaSocket returns its counts as floats (1.0, 6.0), copas-ts as integers
      [/'(\d+)\.0' \(number\)/g, "'$1' (number)"],
      [/^(\d+)\.0(\t|$)/, '$1$2'],
      // LuaSocket's getsockname gives the port as a string, copas-ts as a number (docs/porting.md)
      [/port {3}: '\d+' \((string #\d|number)\)/, "port   : '<port>'"],
    ],
  });
});
