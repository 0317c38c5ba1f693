import { copas, socket, type TaskGenerator, type UdpSocket } from '../../src';
import { nodeTimerLateness } from '../support/timer-lateness';

/** Copas' tests/udptimeout.lua plus a sendto/receivefrom echo between two UDP sockets on 127.0.0.1. */

/** A UDP echo server on 127.0.0.1 that answers `count` datagrams ('quit' stops it early). */
function echoServer(count: number): UdpSocket {
  const server = socket.udp();
  expect(server.setsockname('127.0.0.1', 0)).toEqual([1]);
  copas.addthread(function* () {
    const skt = copas.wrap(server);
    for (let left = count; left > 0; left--) {
      const [data, ip, p] = yield* skt.receivefrom();
      if (data === null || data === 'quit') break;
      expect(yield* skt.sendto(data, ip as string, p as number)).toEqual([data.length]);
    }
    skt.close();
  });
  return server;
}

/** The bound port of a UDP socket, once Node's asynchronous bind finished (after a turn of the loop). */
function* boundPort(u: UdpSocket): TaskGenerator<number> {
  for (let i = 0; i < 100; i++) {
    const r = u.getsockname();
    if (r[0] !== null) return r[1];
    yield* copas.pause(0.001);
  }
  throw new Error('UDP socket never bound');
}

/**
 * Against a one-datagram echo server: runs `body` in a task with the server's port and a fresh copas-wrapped UDP
 * client whose timeout is 0.05 s, then runs the loop to its end.
 */
async function withTimedClient(body: (client: UdpSocket, port: number) => TaskGenerator<void>): Promise<void> {
  const server = echoServer(1);
  copas.addthread(function* () {
    const port = yield* boundPort(server);
    const client = copas.wrap(socket.udp());
    client.settimeout(0.05);
    yield* body(client, port);
  });
  await copas.loop();
}

/**
 * A wait of 0.05 s (copas.gettime seconds): not early, and not much later than a plain Node timer of 0.05 s
 * started beside it (`late`, see spec/support/timer-lateness.ts).
 */
function expectWaited50ms(waited: number, late: () => number): void {
  expect(waited).toBeGreaterThanOrEqual(0.049);
  expect(waited).toBeLessThan(0.07 + late());
}

describe('UDP (Copas udptimeout test)', () => {
  it('receive on a connected UDP socket echoes, then times out after the timeout', async () => {
    const got: unknown[] = [];
    let waited = 0;
    let late = (): number => 0;
    await withTimedClient(function* (client, port) {
      expect(client.setpeername('127.0.0.1', port)).toEqual([1]);
      expect(client.getpeername()).toEqual(['127.0.0.1', port, 'inet']);
      expect(yield* client.send('foo')).toEqual([3]);
      got.push(yield* client.receive());
      const t0 = copas.gettime();
      late = nodeTimerLateness(0.05);
      got.push(yield* client.receive());
      waited = copas.gettime() - t0;
      client.close();
      got.push(yield* client.receive());
    });
    expect(got).toEqual([['foo'], [null, 'timeout'], [null, 'closed']]);
    expectWaited50ms(waited, late);
  });

  it('receivefrom times out after the timeout on an unconnected socket', async () => {
    const got: unknown[] = [];
    let waited = 0;
    let late = (): number => 0;
    await withTimedClient(function* (client, port) {
      expect(yield* client.sendto('foo', '127.0.0.1', port)).toEqual([3]);
      got.push(yield* client.receivefrom());
      const t0 = copas.gettime();
      late = nodeTimerLateness(0.05);
      got.push(yield* client.receivefrom());
      waited = copas.gettime() - t0;
      client.close();
    });
    expect(got[0]).toEqual(['foo', '127.0.0.1', expect.any(Number)]);
    expect((got[0] as unknown[])[2]).toBeGreaterThan(0);
    expect(got[1]).toEqual([null, 'timeout']);
    expectWaited50ms(waited, late);
  });

  it('echoes many datagrams with sendto/receivefrom between two sockets, binary-safe, with receive size limits', async () => {
    const N = 200;
    const server = echoServer(N + 1);
    const replies: string[] = [];
    let truncated: unknown;
    copas.addthread(function* () {
      const port = yield* boundPort(server);
      const a = socket.udp();
      expect(a.setsockname('127.0.0.1', 0)).toEqual([1]);
      const aport = yield* boundPort(a);
      a.settimeout(1);
      for (let i = 0; i < N; i++) {
        const msg = `${i}:\u0000\u00ff\r\n${'z'.repeat(i)}`;
        expect(yield* copas.sendto(a, msg, '127.0.0.1', port)).toEqual([msg.length]);
        const [data, ip, p] = yield* copas.receivefrom(a);
        expect(ip).toBe('127.0.0.1');
        expect(p).toBe(port);
        replies.push(data as string);
      }
      expect(aport).toBeGreaterThan(0);
      expect(yield* a.sendto('0123456789', '127.0.0.1', port)).toEqual([10]);
      truncated = yield* a.receive(4);
      yield* a.sendto('quit', '127.0.0.1', port);
      a.close();
    });
    await copas.loop();
    expect(replies).toEqual(Array.from({ length: N }, (_, i) => `${i}:\u0000\u00ff\r\n${'z'.repeat(i)}`));
    expect(truncated).toEqual(['0123']);
  });

  it('a receive blocked on a UDP socket is woken with closed when another task closes it', async () => {
    const u = socket.udp();
    u.setsockname('127.0.0.1', 0);
    let r: unknown;
    let woke = 0;
    let late = (): number => 0;
    copas.addthread(function* () {
      const t0 = copas.gettime();
      late = nodeTimerLateness(0.05);
      r = yield* u.receivefrom();
      woke = copas.gettime() - t0;
    });
    copas.addthread(function* () { yield* copas.pause(0.05); u.close(); });
    await copas.loop();
    expect(r).toEqual([null, 'closed']);
    expectWaited50ms(woke, late);
  });
});

describe('a deadline that passes while the loop is stalled', () => {
  /** Blocks the process for `ms`, as a busy machine or a long synchronous task does. */
  const stall = (ms: number): void => { const end = Date.now() + ms; while (Date.now() < end) { /* busy */ } };

  it('UDP: a datagram that reached the socket before the timer fired is returned, not "timeout"', async () => {
    // the server answers, then stalls past the client's 10 ms deadline before Node polls I/O again: the
    // timer and the datagram are due at once, and Node runs timers before it polls
    const server = socket.udp();
    server.setsockname('127.0.0.1', 0);
    const [, port] = server.getsockname() as [string, number, string];
    copas.addthread(function* () {
      const [data, ip, p] = yield* server.receivefrom();
      copas.addthread(function* () { stall(50); }); // runs in this same turn of Node's loop, after the send
      yield* server.sendto(data as string, ip as string, p as number);
      server.close();
    });
    const got: unknown[] = [];
    copas.addthread(function* () {
      const client = socket.udp();
      client.settimeout(0.01);
      client.setpeername('127.0.0.1', port);
      yield* client.send('foo');
      got.push(yield* client.receive());
      got.push(yield* client.receive());
      client.close();
    });
    await copas.loop();
    expect(got).toEqual([['foo'], [null, 'timeout']]);
  });

  it('TCP: data that reached the socket before the timer fired is returned, not "timeout"', async () => {
    const [server] = socket.bind('127.0.0.1', 0) as [import('../../src').TcpServer];
    const [, port] = server.getsockname() as [string, number, string];
    copas.addserver(server, function* (skt) {
      copas.removeserver(server);
      const [line] = yield* skt.receive();
      copas.addthread(function* () { stall(50); }); // runs in this same turn of Node's loop, after the send
      yield* skt.send(line + '\n');
      yield* skt.receive();
    });
    const got: unknown[] = [];
    copas.addthread(function* () {
      const client = socket.tcp();
      client.settimeout(0.01);
      yield* client.connect('127.0.0.1', port);
      yield* client.send('foo\n');
      got.push(yield* client.receive());
      got.push(yield* client.receive());
      client.close();
    });
    await copas.loop();
    expect(got).toEqual([['foo'], [null, 'timeout', '']]);
  });
});
