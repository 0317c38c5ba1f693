// Port of Copas' tests/cancelall.lua (lua/cancelall.lua), line by line. The Lua script binds a bare
// socket.tcp() (a tcp{master}) and hands it to addserver; copas-ts' servers come from socket.bind, which binds
// and listens in one call (see the spec for what Copas 4.11 does with the master socket).
import { copas, socket } from '../../../src';
import { assert, os, print } from '../lua-shim';

export default async function main(): Promise<void> {
  const timer = copas.timer;

  // Test 1: cancelall() exits a loop that has a server, a sleeping thread, and a
  // thread blocked on a socket.

  await copas.loop(function* () {
    // register a server that will never get a connection
    const [srv] = socket.bind('127.0.0.1', 0, 5);
    assert(srv);
    copas.addserver(srv!, function* () {
      yield* copas.pause(60 * 60); // don't handle incoming connections, let them wait
    });

    // register a thread that sleeps forever
    copas.addthread(function* () {
      yield* copas.pause(60 * 60);
    });

    // register a thread that waits on a socket read (connect to our own server)
    const [, port] = srv!.getsockname() as [string, number, string];
    copas.addthread(function* () {
      const client = copas.wrap(socket.tcp());
      yield* client.connect('127.0.0.1', port);
      yield* client.receive('*l'); // blocks waiting for data that never arrives
    });

    // fire cancelall after a short delay
    timer.new({
      delay: 0.5,
      callback: () => {
        copas.cancelall();
      },
    });

    // set up a timeout timer to make sure the loop exits within a reasonable time
    timer.new({
      delay: 5,
      callback: () => {
        print('loop 1 did not exit within 5 seconds');
        os.exit(1); // exit with error code to indicate failure
      },
    });
  });

  print('loop 1 exited ok');

  // Test 2: after cancelall(), a fresh copas.loop() works correctly.

  let loop2_done = false;

  await copas.loop(function* () {
    copas.addthread(function* () {
      yield* copas.pause(0.05);
      loop2_done = true;
    });
  });

  assert(loop2_done, 'loop 2 did not complete its task');
  print('loop 2 exited ok');

  print('all tests passed');
}
