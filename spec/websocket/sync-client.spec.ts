/**
 * websocket.client.sync: the same scenarios through the copas client (in a task) and the sync client (plain
 * blocking calls) give identical tuples. The servers run in a child process, since the sync client blocks
 * the jest thread.
 */
import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { copas, websocket, type ClientOptions } from '../../src';
import { syncClientInternals } from '../support/sync-faults';
import {
  closedPort, normConnect, runCopas, runSync, startServers, stopServers, thrown,
  type Scenario, type ServerPorts,
} from './sync-helpers';

let child: ChildProcess | undefined;
let ports: ServerPorts & { refused: number };

beforeAll(async () => {
  const s = await startServers();
  child = s.child;
  ports = { ...s.ports, refused: await closedPort() };
});
afterAll(() => stopServers(child));

const url = (p: ServerPorts) => `ws://127.0.0.1:${p.copas}`;

/** name, client options, scenario: each returns the list of tuples it saw. */
const scenarios: Array<[string, ClientOptions, Scenario, unknown[]?]> = [
  ['connect', { timeout: 5 }, function* (c, p) {
    const r = [normConnect(yield* c.connect(url(p), 'echo')), c.state];
    r.push(yield* c.close());
    return r;
  }, [[true, 'echo', ['connection', 'sec-websocket-accept', 'sec-websocket-protocol', 'upgrade']], 'OPEN', [true, 1000, '']]],
  ['echo text', { timeout: 5 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    const r: unknown[] = [];
    // the last one is bigger than the shared memory area: it takes the port instead
    for (const m of ['hello', '', 'héllo ☃ 😀', 'x'.repeat(70000), 'é'.repeat(600000)]) {
      r.push(yield* c.send(m));
      r.push(yield* c.receive());
    }
    r.push(yield* c.send(Buffer.from('bytes as text'), websocket.TEXT), yield* c.receive());
    r.push(yield* c.close());
    return r;
  }],
  ['echo binary', { timeout: 5 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    const big = Buffer.alloc(200000, 7);
    const bigger = Buffer.alloc(1100000, 8); // more than the shared memory area: through the port
    const view = new Uint8Array([9, 8, 7, 6, 5, 4, 3]).subarray(2, 5); // only the view's bytes travel
    const r: unknown[] = [];
    for (const m of [Buffer.from([1, 2, 3]), Buffer.alloc(0), big, bigger, view]) {
      r.push(yield* c.send(m, websocket.BINARY));
      r.push(yield* c.receive());
    }
    r.push(yield* c.send('text as binary', websocket.BINARY), yield* c.receive());
    r.push(yield* c.close());
    return r;
  }],
  ['subprotocol', { timeout: 5 }, function* (c, p) {
    const r: unknown[] = [normConnect(yield* c.connect(url(p), ['nope', 'echo2']))];
    r.push(yield* c.send('two'), yield* c.receive(), yield* c.close());
    r.push(normConnect(yield* c.connect(url(p), 'nope')));
    r.push(normConnect(yield* c.connect(url(p))));
    r.push(c.state);
    return r;
  }],
  ['close by client with code and reason', { timeout: 5 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    return [yield* c.close(4001, 'lost interest'), c.state, yield* c.close(), yield* c.send('late'), yield* c.receive()];
  }, [[true, 4001, 'lost interest'], 'CLOSED', [false, 1006, 'wrong state'], [null, false, 1006, 'wrong state'], [null, null, false, 1006, 'wrong state']]],
  ['close by server', { timeout: 5 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    return [yield* c.send('close-me 4002 server bye'), yield* c.receive(), c.state, yield* c.receive(), yield* c.close()];
  }, [[true], [null, null, true, 4002, 'server bye'], 'CLOSED', [null, null, false, 1006, 'wrong state'], [false, 1006, 'wrong state']]],
  ['receive timeout keeps the connection usable', { timeout: 0.3 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    const r = [yield* c.receive(), c.state];
    r.push(yield* c.send('silence 0.5'), yield* c.receive(), yield* c.receive());
    r.push(yield* c.send('still here'), yield* c.receive(), yield* c.close());
    return r;
  }, [[null, null, false, 1006, 'timeout'], 'OPEN', [true], [null, null, false, 1006, 'timeout'], ['silence 0.5', 1], [true], ['still here', 1], [true, 1000, '']]],
  ['connect refused', { timeout: 5 }, function* (c, p) {
    const r = [yield* c.connect(`ws://127.0.0.1:${p.refused}`, 'echo'), c.state];
    r.push(normConnect(yield* c.connect(url(p), 'echo')), yield* c.close()); // usable after a failed connect
    return r;
  }, [[null, 'connection refused'], 'CLOSED', [true, 'echo', ['connection', 'sec-websocket-accept', 'sec-websocket-protocol', 'upgrade']], [true, 1000, '']]],
  ['bad protocol scheme', { timeout: 5 }, function* (c, p) {
    return [yield* c.connect('http://127.0.0.1:1/', 'echo'), yield* c.connect('ftp://127.0.0.1:1/'), c.state];
  }, [[null, "bad protocol: expected a ws:// or wss:// URL, got 'http://127.0.0.1:1/' (write 'ws://127.0.0.1:1/')"], [null, "bad protocol: expected a ws:// or wss:// URL, got 'ftp://127.0.0.1:1/'"], 'CLOSED']],
  ['wrong state', { timeout: 5 }, function* (c, p) {
    const r = [yield* c.send('x'), yield* c.receive(), yield* c.close(), yield* c.ping()];
    yield* c.connect(url(p), 'echo');
    r.push(yield* c.connect(url(p), 'echo'), yield* c.close());
    return r;
  }, [[null, false, 1006, 'wrong state'], [null, null, false, 1006, 'wrong state'], [false, 1006, 'wrong state'],
    [null, false, 1006, 'wrong state'], [null, 'wrong state'], [true, 1000, '']]],
  ['ping then echo', { timeout: 5 }, function* (c, p) {
    yield* c.connect(url(p), 'echo');
    return [yield* c.ping('hb'), yield* c.ping(Buffer.from([1, 2])), yield* c.send('after ping'), yield* c.receive(), yield* c.close(1001, 'going')];
  }, [[true], [true], [true], ['after ping', 1], [true, 1001, 'going']]],
  ['a ws server', { timeout: 5 }, function* (c, p) {
    const r: unknown[] = [normConnect(yield* c.connect(`ws://127.0.0.1:${p.ws}/some/path?q=1`))];
    r.push(yield* c.send('to ws'), yield* c.receive(), yield* c.send(Buffer.from([0, 255]), websocket.BINARY), yield* c.receive());
    r.push(yield* c.close(4003, 'done'));
    return r;
  }],
];

describe('websocket.client.sync gives the copas client tuples', () => {
  for (const [name, options, scenario, expected] of scenarios) {
    it(name, async () => {
      const viaCopas = await runCopas(scenario, options, ports);
      const viaSync = runSync(scenario, options, ports);
      expect(viaSync).toEqual(viaCopas);
      if (expected !== undefined) expect(viaSync).toEqual(expected);
    });
  }

  it('returns BINARY messages as Buffers and TEXT as strings', () => {
    const c = websocket.client.sync({ timeout: 5 });
    c.connect(url(ports), 'echo');
    c.send(Buffer.from('abc'), websocket.BINARY);
    const [bin, op] = c.receive();
    expect(Buffer.isBuffer(bin)).toBe(true);
    expect(op).toBe(websocket.BINARY);
    c.send('abc');
    const [text] = c.receive();
    expect(typeof text).toBe('string');
    c.close();
  });

  it('websocket.client.new is an alias of websocket.client.sync', () => {
    const c = websocket.client.new({ timeout: 5 });
    expect(c.connect(url(ports), 'echo')[0]).toBe(true);
    expect(c.send('new')).toEqual([true]);
    expect(c.receive()).toEqual(['new', 1]);
    expect(c.close(4001, 'lost interest')).toEqual([true, 4001, 'lost interest']);
  });
});

describe('websocket.client.sync: several clients, big messages, a ws server', () => {
  it('several clients in one thread work independently', () => {
    const a = websocket.client.sync({ timeout: 5 });
    const b = websocket.client.sync({ timeout: 5 });
    const w = websocket.client.sync({ timeout: 5 });
    expect(a.connect(url(ports), 'echo')[0]).toBe(true);
    expect(b.connect(url(ports), 'echo2')[1]).toBe('echo2');
    expect(w.connect(`ws://127.0.0.1:${ports.ws}`)[0]).toBe(true);
    for (let i = 0; i < 20; i++) {
      expect(a.send(`a${i}`)).toEqual([true]);
      expect(b.send(`b${i}`)).toEqual([true]);
      expect(w.send(Buffer.from([i]), websocket.BINARY)).toEqual([true]);
    }
    for (let i = 0; i < 20; i++) {
      expect(w.receive()).toEqual([Buffer.from([i]), websocket.BINARY]);
      expect(b.receive()).toEqual([`b${i}`, websocket.TEXT]);
      expect(a.receive()).toEqual([`a${i}`, websocket.TEXT]);
    }
    expect(a.close(4000, 'a')).toEqual([true, 4000, 'a']);
    expect(a.state).toBe('CLOSED');
    expect(b.state).toBe('OPEN');
    expect(b.send('b alive')).toEqual([true]);
    expect(b.receive()).toEqual(['b alive', 1]);
    expect(w.send('w alive')).toEqual([true]);
    expect(w.receive()).toEqual(['w alive', 1]);
    expect(b.send('close-me 4005 b by server')).toEqual([true]);
    expect(b.receive()).toEqual([null, null, true, 4005, 'b by server']);
    expect(w.close()).toEqual([true, 1000, '']);
  });

  it.each([['copas', 'echo'], ['ws', undefined]] as const)('16 MiB text and binary messages come back intact (%s server)', (server, proto) => {
    const c = websocket.client.sync({ timeout: 30 });
    const port = server === 'copas' ? ports.copas : ports.ws;
    expect(c.connect(`ws://127.0.0.1:${port}`, proto)[0]).toBe(true);
    const size = 16 * 1024 * 1024;
    const bin = randomBytes(size);
    expect(c.send(bin, websocket.BINARY)).toEqual([true]);
    const [gotBin, op] = c.receive();
    expect(op).toBe(websocket.BINARY);
    expect(Buffer.isBuffer(gotBin)).toBe(true);
    expect((gotBin as Buffer).length).toBe(size);
    expect((gotBin as Buffer).equals(bin)).toBe(true);
    const text = 'é☃😀abc'.repeat(size / 16) ; // multi-byte UTF-8, about 16 MiB of bytes
    expect(c.send(text)).toEqual([true]);
    const [gotText, op2] = c.receive();
    expect(op2).toBe(websocket.TEXT);
    expect(gotText === text).toBe(true);
    expect(c.close()).toEqual([true, 1000, '']);
  });
});

describe('websocket.client.sync: bad use', () => {
  it('throws inside a copas task, saying to use websocket.client.copas', async () => {
    const outside = websocket.client.sync({ timeout: 5 });
    const errors = await copas.run(function* () {
      const r: Array<Error | null> = [];
      r.push(thrown(() => websocket.client.sync()));
      r.push(thrown(() => websocket.client.new({ timeout: 1 })));
      r.push(thrown(() => outside.connect(url(ports), 'echo')));
      r.push(thrown(() => outside.send('x')));
      r.push(thrown(() => outside.receive()));
      r.push(thrown(() => outside.close()));
      r.push(thrown(() => outside.ping()));
      return r;
    });
    for (const e of errors) {
      expect(e).toBeInstanceOf(Error);
      expect((e as Error).message).toMatch(/use websocket\.client\.copas/);
    }
    expect(outside.state).toBe('CLOSED');
    expect(outside.connect(url(ports), 'echo')[0]).toBe(true); // still fine outside tasks
    outside.close();
  });

  it('refuses a server in its own thread (which it would block) at once, saying why', () => {
    const server = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* () { /* never reached */ } } });
    const client = websocket.client.sync({ timeout: 5 });
    try {
      const started = Date.now();
      for (const host of ['127.0.0.1', 'localhost']) {
        expect(() => client.connect(`ws://${host}:${server.port}`, 'echo'))
          .toThrow(`connect: ws://${host}:${server.port} is served by a server in this same thread, and the sync client blocks this thread`);
      }
      expect(Date.now() - started).toBeLessThan(1000);
      expect(client.connect(url(ports), 'echo')[0]).toBe(true); // another process's server is fine
      client.close();
    } finally {
      server.close();
    }
  });

  it('bad arguments throw the copas client errors', () => {
    const cc = websocket.client.copas({ timeout: 5 });
    const sc = websocket.client.sync({ timeout: 5 });
    const same = (viaCopas: () => unknown, viaSync: () => unknown): void => {
      const a = thrown(viaCopas);
      const b = thrown(viaSync);
      expect(a).not.toBeNull();
      expect(b).not.toBeNull();
      expect(b?.constructor).toBe(a?.constructor);
      expect(b?.message).toBe(a?.message);
    };
    const any = (v: unknown): never => v as never;
    same(() => cc.connect(any(42)), () => sc.connect(any(42)));
    same(() => cc.connect('not a url'), () => sc.connect('not a url'));
    same(() => cc.connect('ws://127.0.0.1:1', any(7)), () => sc.connect('ws://127.0.0.1:1', any(7)));
    same(() => cc.connect('ws://127.0.0.1:1', any(['a', 1])), () => sc.connect('ws://127.0.0.1:1', any(['a', 1])));
    same(() => cc.send(any(42)), () => sc.send(any(42)));
    same(() => cc.send(any({ a: 1 })), () => sc.send(any({ a: 1 })));
    same(() => cc.send('x', 8), () => sc.send('x', 8));
    same(() => cc.close(999), () => sc.close(999));
    same(() => cc.close(any('1000')), () => sc.close(any('1000')));
    same(() => cc.close(1000, any(5)), () => sc.close(1000, any(5)));
    same(() => cc.close(1000, 'x'.repeat(200)), () => sc.close(1000, 'x'.repeat(200)));
    for (const bad of [{ timeout: -1 }, { timeout: 'soon' }, { compression: 'yes' }, 'options', 5]) {
      const a = thrown(() => websocket.client.copas(any(bad)));
      const b = thrown(() => websocket.client.sync(any(bad)));
      expect(b?.constructor).toBe(a?.constructor);
      expect(b?.message).toBe(a?.message.replace('websocket.client.copas', 'websocket.client.sync'));
    }
  });

  it('errors thrown in the worker come back as the same errors', () => {
    const cc = websocket.client.copas({ timeout: 5 });
    const sc = websocket.client.sync({ timeout: 5 });
    expect(sc.connect(url(ports), 'echo')[0]).toBe(true);
    // an oversized ping payload is refused by the protocol core, here inside the worker
    const a = thrown(() => {
      const proto = new (require('../../src/websocket/core').WebSocketProtocol)('client');
      proto.sendPing('p'.repeat(200));
    });
    const b = thrown(() => sc.ping('p'.repeat(200)));
    expect(a).not.toBeNull();
    expect(b?.message).toBe(a?.message);
    expect(sc.send('alive')).toEqual([true]);
    expect(sc.receive()).toEqual(['alive', 1]);
    expect(sc.close()).toEqual([true, 1000, '']);
    void cc;
  });
});

describe('websocket.client.sync: a stuck or dead worker never hangs the caller', () => {
  it('a call past timeout + margin gives up with a closed tuple; the client can connect again', () => {
    const c = websocket.client.sync({ timeout: 0.2, closeTimeout: 0.1 });
    expect(c.connect(url(ports), 'echo')[0]).toBe(true);
    const t0 = Date.now();
    expect(syncClientInternals(c).stallThenReceive(7)).toEqual([null, null, false, 1006, 'closed']);
    const waited = (Date.now() - t0) / 1000;
    expect(waited).toBeGreaterThan(5);
    expect(waited).toBeLessThan(9);
    expect(c.state).toBe('CLOSED');
    expect(c.send('x')).toEqual([null, false, 1006, 'wrong state']); // waits out the stall, then answers
    expect(c.connect(url(ports), 'echo')[0]).toBe(true);
    expect(c.send('again')).toEqual([true]);
    expect(c.receive()).toEqual(['again', 1]);
    expect(c.close()).toEqual([true, 1000, '']);
  });

  it('a worker that dies while the caller waits wakes it with a closed tuple; new clients get a new worker', () => {
    const c = websocket.client.sync({ timeout: 5 });
    expect(c.connect(url(ports), 'echo')[0]).toBe(true);
    const t0 = Date.now();
    expect(syncClientInternals(c).crashThenReceive()).toEqual([null, null, false, 1006, 'closed']);
    expect(Date.now() - t0).toBeLessThan(4000);
    expect(c.send('x')).toEqual([null, false, 1006, 'closed']);
    expect(c.close()).toEqual([false, 1006, 'closed']);
    const d = websocket.client.sync({ timeout: 5 });
    expect(syncClientInternals(d).worker).not.toBe(syncClientInternals(c).worker);
    expect(d.connect(url(ports), 'echo')[0]).toBe(true);
    expect(d.send('new worker')).toEqual([true]);
    expect(d.receive()).toEqual(['new worker', 1]);
    expect(d.close()).toEqual([true, 1000, '']);
  });
});
