// Port of lua/debug_output.lua, line by line.
import { copas, socket } from '../../../src';
import { print } from '../lua-shim';

export default async function main(): Promise<void> {
  copas.debug.start();
  const server = socket.bind('127.0.0.1', 0)[0] as NonNullable<ReturnType<typeof socket.bind>[0]>;
  const [, port] = server.getsockname() as [string, number, string];
  copas.addserver(server, function* (skt) {
    const [line] = yield* copas.receive(skt);
    yield* copas.send(skt, `echo ${line}\n`);
  }, undefined, 'srv');
  copas.addnamedthread('sleeper', function* () {
    yield* copas.pause(0.2);
  });
  copas.addnamedthread('client', function* () {
    const skt = copas.wrap(socket.tcp());
    copas.setsocketname('cli', skt);
    yield* skt.connect('127.0.0.1', port);
    yield* skt.send('hi\n');
    const [data, err, partial] = yield* skt.receive();
    print('client got', data, err, partial);
    skt.close();
    copas.removeserver(server);
  });
  await copas.loop();
  copas.debug.stop();
  copas.addnamedthread('quiet', function* () { yield* copas.pause(0); });
  await copas.loop();
  print('custom logger');
  copas.debug.start((...parts) => print('LOG', parts.length, ...parts));
  copas.addnamedthread('custom', function* () { yield* copas.pause(0); });
  await copas.loop();
  print('a task waiting for a semaphore, and one sleeping forever');
  const sema = copas.semaphore.new(1, 0, Infinity);
  const forever = copas.addnamedthread('forever', function* () { yield* copas.pauseforever(); });
  copas.addnamedthread('waiter', function* () { yield* sema.take(1); copas.wakeup(forever); });
  copas.addnamedthread('giver', function* () { yield* copas.sleep(0); sema.give(1); });
  await copas.loop();
  copas.debug.stop();
}
