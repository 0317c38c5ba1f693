/**
 * Lesson 6: a chat server. One task per client; every line a client sends goes to all the others.
 * Three scripted clients talk to it over loopback TCP. (examples/chat.ts is the WebSocket version.)
 * Run: npx ts-node examples/teaching/chat.ts   (the Lua original: chat.lua)
 */
import { copas, socket, type TcpSocket } from '../../src';

export async function main(): Promise<void> {
  const clients: TcpSocket[] = []; // the server's sockets, in the order the clients joined

  function* broadcast(from: TcpSocket, line: string) {
    for (const c of clients) if (c !== from) yield* c.send(`${line}\n`);
  }

  const [server, bindErr] = socket.bind('127.0.0.1', 0);
  if (server === null) throw new Error(`bind: ${bindErr}`);
  const [, port] = server.getsockname() as [string, number, string];
  copas.addserver(server, copas.handler(function* (skt) {
    const [name] = yield* skt.receive('*l');
    clients.push(skt);
    yield* broadcast(skt, `* ${name} joined`);
    for (;;) {
      const [line] = yield* skt.receive('*l');
      if (line === null) break;
      yield* broadcast(skt, `${name}: ${line}`);
    }
    clients.splice(clients.indexOf(skt), 1);
    yield* broadcast(skt, `* ${name} left`);
  }));

  function* client(name: string) {
    const skt = copas.wrap(socket.tcp());
    const [ok, err] = yield* skt.connect('127.0.0.1', port);
    if (ok === null) throw new Error(`connect: ${err}`);
    yield* skt.send(`${name}\n`);
    return skt;
  }

  function* hear(name: string, skt: TcpSocket) {
    const [line, err] = yield* skt.receive('*l');
    console.log(`${name} hears: ${line ?? err}`);
  }

  copas.addnamedthread('script', function* () {
    const alice = yield* client('alice');
    const bob = yield* client('bob');
    yield* hear('alice', alice); // * bob joined
    const carol = yield* client('carol');
    yield* hear('alice', alice); // * carol joined
    yield* hear('bob', bob);
    yield* alice.send('hello, room\n');
    yield* hear('bob', bob);
    yield* hear('carol', carol);
    yield* bob.send('hi alice\n');
    yield* hear('alice', alice);
    yield* hear('carol', carol);
    carol.close();
    yield* hear('alice', alice); // * carol left
    yield* hear('bob', bob);
    alice.close();
    bob.close();
    copas.removeserver(server);
    console.log('script: done');
  });

  await copas.loop();
}

if (require.main === module) void main();
