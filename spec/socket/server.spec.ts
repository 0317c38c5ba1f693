import * as net from 'node:net';
import { copas, socket, type TaskGenerator, type TcpSocket } from '../../src';
import { listen } from './helpers';

/** copas.addserver / removeserver (Copas' tests/removeserver.lua) and autoclose. */

/** Connects, sends `line`, returns what the server sent back until it closed. */
function* client(port: number, line: string): TaskGenerator<unknown[]> {
  const skt = socket.tcp();
  skt.settimeout(1);
  const r: unknown[] = [yield* skt.connect('127.0.0.1', port)];
  r.push(yield* skt.send(line + '\n'));
  r.push(yield* skt.receive('*l'));
  r.push(yield* skt.receive('*l'));
  skt.close();
  return r;
}

describe('copas.addserver', () => {
  afterEach(() => { copas.autoclose = true; });

  it('names handler tasks name:handler_N and their sockets name:client_N; autoclose gives the peer EOF', async () => {
    const [server, port] = listen();
    const names: string[][] = [];
    copas.addserver(server, function* (skt) {
      const [line] = yield* skt.receive('*l');
      names.push([copas.getthreadname(), copas.getsocketname(skt), String(line)]);
      yield* skt.send(`bye ${line}\n`);
      // returns without closing: copas.autoclose closes the socket
    }, undefined, 'srv');
    const replies: unknown[] = [];
    copas.addthread(function* () {
      for (let i = 1; i <= 3; i++) replies.push(yield* client(port, `c${i}`));
      copas.removeserver(server);
    });
    await copas.loop();
    expect(names).toEqual([
      ['srv:handler_1', 'srv:client_1', 'c1'], ['srv:handler_2', 'srv:client_2', 'c2'], ['srv:handler_3', 'srv:client_3', 'c3'],
    ]);
    expect(replies).toEqual([1, 2, 3].map((i) => [[1], [3], [`bye c${i}`], [null, 'closed', '']]));
    expect(copas.getsocketname(server)).toBe('srv');
  });

  it('without a name uses the server tostring; copas.setsocketname renames a socket', async () => {
    const [server, port] = listen();
    let names: string[] = [];
    copas.addserver(server, function* (skt) {
      const before = copas.getsocketname(skt);
      copas.setsocketname('renamed', skt);
      names = [copas.getthreadname(), before, copas.getsocketname(skt)];
      copas.removeserver(server);
    });
    copas.addthread(function* () { yield* client(port, 'x'); });
    await copas.loop();
    const base = String(server);
    expect(base).toMatch(/^tcp\{server\}: #\d+$/);
    expect(names).toEqual([`${base}:handler_1`, `${base}:client_1`, 'renamed']);
  });

  it('with copas.autoclose = false leaves the client open when the handler returns', async () => {
    copas.autoclose = false;
    const [server, port] = listen();
    let kept: TcpSocket | undefined;
    copas.addserver(server, function* (skt) {
      yield* skt.receive('*l');
      kept = skt;
    });
    const got: unknown[] = [];
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      yield* skt.send('hi\n');
      skt.settimeout(0.1);
      got.push(yield* skt.receive('*l')); // the handler has returned, but the socket stays open
      expect(kept).toBeDefined();
      expect(kept!.closed).toBe(false);
      yield* kept!.send('late\n');
      kept!.close();
      got.push(yield* skt.receive('*l'));
      got.push(yield* skt.receive('*l'));
      skt.close();
      copas.removeserver(server);
    });
    await copas.loop();
    expect(got).toEqual([[null, 'timeout', ''], ['late'], [null, 'closed', '']]);
  });

  it('removeserver closes the listener, copas.loop() ends, and new connections are refused', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* () { /* nothing */ });
    let removedAt = 0;
    copas.addthread(function* () {
      yield* copas.pause(0.05);
      removedAt = copas.gettime();
      expect(copas.removeserver(server)).toBe(1); // what close() returns, as Copas returns server:close()'s
    });
    await copas.loop();
    const endedAfter = copas.gettime() - removedAt;
    expect(endedAfter).toBeLessThan(0.05);
    expect(server.closed).toBe(true);
    let r: unknown;
    copas.addthread(function* () { r = yield* socket.tcp().connect('127.0.0.1', port); });
    await copas.loop();
    expect(r).toEqual([null, 'connection refused']);
  });

  it('removeserver(server, true) keeps it listening; it can be added again (Copas removeserver test)', async () => {
    const [server, port] = listen();
    const triggered: string[] = [];
    const handler = copas.handler(function* (skt) {
      const [data, , partial] = yield* skt.receive('*l');
      triggered.push(`${copas.getthreadname()} ${data ?? partial}`);
      copas.removeserver(server, true);
    });
    copas.addthread(function* () {
      for (let i = 1; i <= 3; i++) {
        copas.addserver(server, handler, undefined, 'my_TCP_server');
        const skt = copas.wrap(socket.tcp());
        expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
        expect(yield* skt.send(`hi ${i}`)).toEqual([4]);
        skt.close();
        yield* copas.pause(0.05);
        expect(server.closed).toBe(false);
      }
    });
    await copas.loop(); // ends: the server is unregistered, although still listening
    expect(triggered).toEqual(['my_TCP_server:handler_1 hi 1', 'my_TCP_server:handler_1 hi 2', 'my_TCP_server:handler_1 hi 3']);
    // still listening: the kernel completes a raw connection
    const raw = net.connect(port, '127.0.0.1');
    await new Promise<void>((resolve, reject) => { raw.once('connect', resolve); raw.once('error', reject); });
    raw.destroy();
    server.close();
    expect(server.closed).toBe(true);
  });

  it('rejects a second addserver of the same server and bad arguments', () => {
    const [server] = listen();
    copas.addserver(server, function* () { /* nothing */ });
    expect(() => copas.addserver(server, function* () { /* nothing */ })).toThrow('copas.addserver: this server is already registered');
    copas.removeserver(server);
    expect(() => copas.addserver({} as never, function* () { /* nothing */ })).toThrow(/copas.addserver: argument 'server' must be a server from socket.bind, got a object/);
    const [s2] = listen();
    expect(() => copas.addserver(s2, (() => 1) as never)).toThrow(/copas.addserver: argument 'handler'/);
    expect(() => copas.addserver(s2, function* () { /* nothing */ }, undefined, 5 as never)).toThrow(/copas.addserver: argument 'name' must be a string, got number 5/);
    s2.close();
  });
});
