import { copas, socket, type TcpSocket } from '../../src';
import { listen } from './helpers';

/** Bad arguments throw an Error naming the argument; LuaSocket's error returns stay returns. */

/** Runs an operation's first step outside a task: argument checks throw before anything suspends. */
function start(op: Generator<unknown, unknown, unknown>): void {
  op.next();
}

describe('bad input', () => {
  it('rejects wrong argument types and out-of-range ports with a message naming the argument', () => {
    expect(() => socket.bind(5 as never, 80)).toThrow("socket.bind: argument 'host' must be a string, got number 5");
    expect(() => socket.bind('127.0.0.1', -1)).toThrow("socket.bind: argument 'port' must be an integer from 0 to 65535, got number -1");
    expect(() => socket.bind('127.0.0.1', 65536)).toThrow("socket.bind: argument 'port' must be an integer from 0 to 65535, got number 65536");
    expect(() => socket.bind('127.0.0.1', 80.5)).toThrow("socket.bind: argument 'port' must be an integer from 0 to 65535, got number 80.5");
    expect(() => socket.bind('127.0.0.1', '80' as never)).toThrow("socket.bind: argument 'port' must be an integer from 0 to 65535, got '80'");
    expect(() => socket.bind('127.0.0.1', 0, 0)).toThrow("socket.bind: argument 'backlog' must be an integer from 1 to 65535, got number 0");
    const skt = socket.tcp();
    expect(() => start(skt.connect(127 as never, 80))).toThrow("connect: argument 'host' must be a string, got number 127");
    expect(() => start(skt.connect('127.0.0.1', 0))).toThrow("connect: argument 'port' must be an integer from 1 to 65535, got number 0");
    expect(() => start(skt.connect('127.0.0.1', 70000))).toThrow("connect: argument 'port' must be an integer from 1 to 65535, got number 70000");
    expect(() => skt.settimeouts(null, 'x' as never, null)).toThrow("settimeouts: argument 'send' must be a number of seconds (or null for none), got 'x'");
    expect(() => skt.setoption('nope', true)).toThrow("setoption: argument 'name' must be 'tcp-nodelay', 'keepalive', 'reuseaddr' or 'linger', got 'nope'");
    expect(() => skt.shutdown('up' as never)).toThrow("shutdown: argument 'how' must be 'both', 'send' or 'receive', got 'up'");
    expect(() => socket.sleep(1)).toThrow(/socket.sleep: argument 'seconds' must be not used/);
    const udp = socket.udp();
    expect(() => udp.setsockname('127.0.0.1', 70000)).toThrow("setsockname: argument 'port' must be an integer from 0 to 65535, got number 70000");
    expect(() => udp.setpeername('127.0.0.1', 0)).toThrow("setpeername: argument 'port' must be an integer from 1 to 65535, got number 0");
    expect(() => start(udp.sendto('x', '127.0.0.1', 0))).toThrow("sendto: argument 'port' must be an integer from 1 to 65535, got number 0");
    expect(() => start(udp.receivefrom(0))).toThrow("receivefrom: argument 'size' must be an integer from 1 to 65535, got number 0");
    udp.close();
  });

  it('rejects a pattern that is not *l, *a or a count, and a prefix that is not a string', () => {
    const skt = socket.tcp();
    const msg = "argument 'pattern' must be '*l', '*a' or a non-negative integer";
    expect(() => start(skt.receive('*x' as never))).toThrow(`receive: ${msg}, got '*x'`);
    expect(() => start(skt.receive(-1))).toThrow(`receive: ${msg}, got number -1`);
    expect(() => start(skt.receive(1.5))).toThrow(`receive: ${msg}, got number 1.5`);
    expect(() => start(skt.receive(null as never))).toThrow(`receive: ${msg}, got null`);
    expect(() => start(skt.receivepartial('line' as never))).toThrow(`receivepartial: ${msg}, got 'line'`);
    expect(() => start(skt.receive('*l', 5 as never))).toThrow("receive: argument 'prefix' must be a string, got number 5");
  });

  it('rejects send data that is not bytes: wrong types, and strings with characters above U+00FF', () => {
    const skt = socket.tcp();
    expect(() => start(skt.send(123 as never))).toThrow("send: argument 'data' must be a string or a Buffer, got number 123");
    expect(() => start(skt.send({} as never))).toThrow("send: argument 'data' must be a string or a Buffer, got a object");
    expect(() => start(skt.send('caf\u00e9 \u20ac'))).toThrow(/send: argument 'data' holds characters above U\+00FF; .* send UTF-8 text as Buffer.from\(text\)/);
    expect(() => start(skt.send('abc', 1.5))).toThrow("send: argument 'i' must be an integer index, got number 1.5");
    expect(() => start(skt.send('abc', 1, '2' as never))).toThrow("send: argument 'j' must be an integer index, got '2'");
    expect(() => start(socket.udp().sendto('\u0100', '127.0.0.1', 9))).toThrow(/sendto: argument 'data' holds characters above U\+00FF/);
  });

  it('copas functions reject things that are not sockets', () => {
    expect(() => copas.wrap(5 as never)).toThrow("copas.wrap: argument 'skt' must be a socket, got number 5");
    expect(() => copas.wrap(socket.tcp(), 'tls' as never)).toThrow("copas.wrap: argument 'tlsparams' must be a LuaSec-style table, got 'tls'");
    expect(() => copas.wrap(socket.udp(), { mode: 'client' })).toThrow("copas.wrap: argument 'tlsparams' must be undefined for a UDP socket, got a object");
    expect(() => start(copas.receive(socket.udp() as never))).toThrow(/^copas.receive: argument 'skt' must be a TCP socket/);
    expect(() => start(copas.send('skt' as never, 'x'))).toThrow(/^copas.send: argument 'skt' must be a TCP socket/);
    expect(() => start(copas.receivefrom(socket.tcp() as never))).toThrow("copas.receivefrom: argument 'skt' must be a UDP socket, got a object");
    expect(() => copas.settimeouts(socket.udp() as never, 1, 1, 1)).toThrow(/^copas.settimeouts: argument 'skt' must be a TCP socket/);
    expect(() => copas.close(null as never)).toThrow("copas.close: argument 'skt' must be a socket, got null");
    expect(() => copas.handler('fn' as never)).toThrow(/^copas.handler: argument 'fn'/);
    expect(() => copas.removeserver(socket.tcp() as never)).toThrow(/^copas.removeserver: argument 'server' must be a server from socket.bind/);
  });

  it('operations on a socket that was never connected return closed tuples, never throw', async () => {
    const got: unknown[] = [];
    copas.addthread(function* () {
      const skt = socket.tcp();
      expect(String(skt)).toMatch(/^tcp\{master\}: #\d+$/);
      got.push(yield* skt.receive('*l'));
      got.push(yield* skt.receive(5, 'ab'));
      got.push(yield* skt.receive('*a'));
      got.push(yield* skt.receivepartial(5));
      got.push(yield* skt.send('abc'));
      got.push(skt.getpeername(), skt.getsockname(), skt.shutdown());
      got.push(skt.setoption('tcp-nodelay', true));
      got.push(yield* skt.dohandshake({ mode: 'client' }));
      got.push(skt.close(), skt.close());
      got.push(yield* skt.connect('127.0.0.1', 9)); // closed by us: no connect
      const [refusing, rport] = listen();
      refusing.close();
      const failed = socket.tcp();
      got.push(yield* failed.connect('127.0.0.1', rport), yield* failed.receive('*a'), yield* failed.send('x'));
      const udp = socket.udp();
      got.push(yield* udp.receive(), yield* udp.send('x'), udp.getsockname(), udp.getpeername());
      udp.close();
    });
    await copas.loop();
    expect(got).toEqual([
      [null, 'closed', ''], [null, 'closed', 'ab'], [null, 'closed', ''], [null, 'closed', ''], [null, 'closed', 0],
      [null, 'closed'], [null, 'closed'], [null, 'closed'], [1], [null, 'closed'], 1, 1, [null, 'closed'],
      [null, 'connection refused'], [null, 'closed', ''], [null, 'closed', 0],
      [null, 'not bound'], [null, 'not connected'], [null, 'not bound'], [null, 'not connected'],
    ]);
  });

  it('connecting twice gives already connected (Copas connecttwice test); after close, closed', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) { yield* skt.receive('*a'); });
    const got: unknown[] = [];
    let skt: TcpSocket | undefined;
    copas.addthread(function* () {
      skt = copas.wrap(socket.tcp());
      got.push(yield* skt.connect('127.0.0.1', port));
      expect(String(skt)).toMatch(/^tcp\{client\}: #\d+$/);
      got.push(yield* skt.connect('127.0.0.1', port));
      skt.close();
      got.push(yield* skt.connect('127.0.0.1', port), yield* skt.send('x'), yield* skt.receive());
      copas.removeserver(server);
    });
    await copas.loop();
    expect(got).toEqual([[1], [null, 'already connected'], [null, 'closed'], [null, 'closed', 0], [null, 'closed', '']]);
  });

  it('a UTF-8 Buffer goes through where the wide string was refused', async () => {
    const [server, port] = listen();
    let line: unknown;
    copas.addserver(server, function* (skt) { line = yield* skt.receive('*l'); copas.removeserver(server); });
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      const bytes = Buffer.from('caf\u00e9 \u20ac\n');
      expect(yield* skt.send(bytes)).toEqual([bytes.length]);
      skt.close();
    });
    await copas.loop();
    expect(line).toEqual([Buffer.from('caf\u00e9 \u20ac').toString('latin1')]);
    expect(Buffer.from((line as string[])[0], 'latin1').toString('utf8')).toBe('caf\u00e9 \u20ac');
  });
});
