// Port of lua/debug_socket.lua, line by line (in a task: the socket calls are operations).
import { copas, socket } from '../../../src';
import { print } from '../lua-shim';

export default async function main(): Promise<void> {
  copas.addthread(function* () {
    const server = socket.bind('127.0.0.1', 0)[0] as NonNullable<ReturnType<typeof socket.bind>[0]>;
    const [, port] = server.getsockname() as [string, number, string];
    const c = copas.debug.socket(socket.tcp());
    c.settimeout(1);
    print(...(yield* c.connect('127.0.0.1', port)));
    const [peer] = yield* server.accept();
    const [sent, serr, last] = yield* c.send('hello\n');
    print(sent, serr, last);
    yield* peer!.send('a line that is longer than thirty characters\n');
    const [line, rerr, partial] = yield* c.receive('*l');
    print(line, rerr, partial);
    print(...(yield* c.receive(3)));
    print(c.close());
    peer!.close();
    server.close();
  });
  await copas.loop();
}
