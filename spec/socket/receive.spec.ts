import * as net from 'node:net';
import { copas, socket, type TcpServer } from '../../src';
import { nodeTimerLateness } from '../support/timer-lateness';

function listen(): [TcpServer, number] {
  const [server, err] = socket.bind('127.0.0.1', 0);
  if (server === null) throw new Error(String(err));
  const [, port] = server.getsockname();
  return [server, port as number];
}

describe('TcpSocket.receive (Copas 4.11 reference)', () => {
  it('gives LuaSocket returns for *l, timeouts with partial, prefix, n bytes, *a and closed', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) {
      yield* skt.send('line1\r\nline2\nabc');
      yield* copas.pause(1);
      yield* skt.send('def\n12345');
      yield* copas.pause(1);
      yield* skt.send('678tail');
      yield* copas.pause(0.5);
      copas.removeserver(server);
    });
    const got: unknown[] = [];
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp());
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      skt.settimeout(0.3);
      got.push(yield* skt.receive('*l'));
      got.push(yield* skt.receive('*l'));
      got.push(yield* skt.receive('*l'));
      yield* copas.pause(1);
      got.push(yield* skt.receive('*l', 'abc'));
      got.push(yield* skt.receive(8));
      skt.settimeout(null);
      got.push(yield* skt.receive(3));
      got.push(yield* skt.receive('*a'));
      got.push(yield* skt.receive(1));
      skt.close();
    });
    await copas.loop();
    expect(got).toEqual([
      ['line1'], ['line2'], [null, 'timeout', 'abc'], ['abcdef'], [null, 'timeout', '12345'], ['678'],
      [null, 'closed', 'tail'], [null, 'closed', ''],
    ]);
  });

  it('times a read out within a few milliseconds', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) { yield* skt.receive('*a'); });
    let elapsed = 0;
    let late = (): number => 0;
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      skt.settimeout(0.1);
      const t0 = copas.gettime();
      late = nodeTimerLateness(0.1);
      expect(yield* skt.receive('*l')).toEqual([null, 'timeout', '']);
      elapsed = copas.gettime() - t0;
      skt.close();
      copas.removeserver(server);
    });
    await copas.loop();
    expect(elapsed).toBeGreaterThanOrEqual(0.099);
    expect(elapsed).toBeLessThan(0.13 + late());
  });

  it('wakes every task blocked on a socket with closed when another task closes it', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) { yield* skt.receive('*a'); });
    const results: unknown[] = [];
    let woke = 0;
    let closeLate = (): number => 0;
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      copas.addthread(function* () {
        yield* copas.pause(0.05);
        const t0 = copas.gettime();
        closeLate = nodeTimerLateness(0.001);
        skt.close();
        yield* copas.pause(0);
        woke = copas.gettime() - t0;
      });
      results.push(yield* skt.receive('*l'));
      results.push(yield* skt.receive(10));
      results.push(yield* skt.send('x'));
      copas.removeserver(server);
    });
    await copas.loop();
    expect(results).toEqual([[null, 'closed', ''], [null, 'closed', ''], [null, 'closed', 0]]);
    expect(woke).toBeLessThan(0.02 + closeLate());
  });

  it('returns LuaSocket errors for refused connections and rejects bad arguments', async () => {
    const [server, port] = listen();
    server.close();
    let r: unknown;
    copas.addthread(function* () {
      r = yield* socket.tcp().connect('127.0.0.1', port);
      const skt = socket.tcp();
      expect(() => skt.settimeout('x' as unknown as number)).toThrow(/settimeout: argument 'seconds' must be a number/);
      expect(() => skt.receive('*x' as '*l').next()).toThrow(/receive: argument 'pattern' must be '\*l', '\*a' or a non-negative integer/);
    });
    await copas.loop();
    expect(r).toEqual([null, 'connection refused']);
    expect(() => socket.bind('127.0.0.1', 70000)).toThrow(/socket.bind: argument 'port' must be an integer from 0 to 65535/);
    const [s2] = socket.bind('127.0.0.1', 0);
    const [, p2] = s2!.getsockname();
    expect(socket.bind('127.0.0.1', p2 as number)).toEqual([null, 'address already in use']);
    s2!.close();
  });

  it('sends Lua index ranges and returns the last index', async () => {
    const [server, port] = listen();
    const received: unknown[] = [];
    copas.addserver(server, function* (skt) {
      received.push(yield* skt.receive('*a'));
      copas.removeserver(server);
    });
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      expect(yield* skt.send('abcdef', 2, 4)).toEqual([4]);
      expect(yield* skt.send('abcdef', -2)).toEqual([6]);
      skt.close();
    });
    await copas.loop();
    expect(received).toEqual([[null, 'closed', 'bcdef']]);
  });

  it('gives closed (never an exception) when the peer resets the connection', async () => {
    const raw = net.createServer((c) => { c.resetAndDestroy(); });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as net.AddressInfo).port;
    let r: unknown;
    copas.addthread(function* () {
      const skt = socket.tcp();
      yield* skt.connect('127.0.0.1', port);
      r = yield* skt.receive('*l');
    });
    await copas.loop();
    raw.close();
    expect(r).toEqual([null, 'closed', '']);
  });
});
