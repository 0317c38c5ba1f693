/**
 * The copas client's timeout on real sockets, and bad input to the client, the connection and listen:
 * thrown Errors that name the argument, or lua-websockets' error tuples where the original returned them.
 */
import * as net from 'node:net';
import { WebSocketServer as WsServer } from 'ws';
import { copas, websocket, type Operation, type TaskGenerator } from '../../src';
import { echo } from '../support/raw-websocket';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';

installCleanup();

const { TEXT } = websocket;

/** Runs a task body to completion (the loop must end) and returns its result. */
async function inTask<T>(body: () => TaskGenerator<T>): Promise<T> {
  let result: T | undefined;
  let error: unknown;
  copas.addthread(function* () {
    try { result = yield* body(); } catch (e) { error = e; }
  });
  await loopEnds(startLoop(), 10000);
  if (error !== undefined) throw error;
  return result as T;
}

describe('copas client timeout', () => {
  it('connect to a server that accepts TCP but never answers the handshake returns [null, "timeout"]', async () => {
    const sockets: net.Socket[] = [];
    const silent = net.createServer((s) => { sockets.push(s); s.on('error', () => undefined); });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as net.AddressInfo).port;
    const [r, elapsed] = await inTask(function* () {
      const client = websocket.client.copas({ timeout: 0.4 });
      const t0 = copas.gettime();
      const res = yield* client.connect(`ws://127.0.0.1:${port}`);
      return [res, copas.gettime() - t0] as const;
    });
    expect(r).toEqual([null, 'timeout']);
    expect(elapsed).toBeGreaterThanOrEqual(0.35);
    expect(elapsed).toBeLessThan(1.5);
    for (const s of sockets) s.destroy();
    await new Promise((res) => silent.close(res));
  });

  it('receive on a silent server returns [null, null, false, 1006, "timeout"] and the connection still works', async () => {
    const wss = new WsServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })));
    const port = (wss.address() as { port: number }).port;
    const got = await inTask(function* () {
      const client = websocket.client.copas({ timeout: 0.3 });
      const out: unknown[] = [];
      out.push((yield* client.connect(`ws://127.0.0.1:${port}`))[0]);
      const t0 = copas.gettime();
      out.push(yield* client.receive());
      const waited = copas.gettime() - t0;
      out.push(waited >= 0.25 && waited < 1.5);
      out.push(client.state);
      out.push(yield* client.send('after the timeout'));
      out.push(yield* client.receive());
      out.push(yield* client.close());
      return out;
    });
    expect(got).toEqual([true, [null, null, false, 1006, 'timeout'], true, 'OPEN', [true], ['after the timeout', TEXT], [true, 1000, '']]);
    await new Promise((r) => wss.close(r));
  });

  it('a refused connection returns [null, "connection refused"]', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as net.AddressInfo).port;
    await new Promise((r) => probe.close(r));
    const r = await inTask(function* () {
      return yield* websocket.client.copas({ timeout: 2 }).connect(`ws://127.0.0.1:${port}`);
    });
    expect(r).toEqual([null, 'connection refused']);
  });
});

describe('bad input', () => {
  it('a malformed URL throws "Invalid URL: ..."', async () => {
    await expect(inTask(function* () {
      return yield* websocket.client.copas().connect('not a url');
    })).rejects.toThrow('Invalid URL: not a url');
  });

  it('a URL that is not a string throws naming the argument', async () => {
    await expect(inTask(function* () {
      return yield* websocket.client.copas().connect(42 as unknown as string);
    })).rejects.toThrow(/'url'/);
  });

  it('an unsupported scheme returns [null, "bad protocol: ..."] saying what was expected', async () => {
    const r = await inTask(function* () {
      const client = websocket.client.copas();
      return [yield* client.connect('http://127.0.0.1:1/'), yield* client.connect('localhost:8080'), yield* client.connect('ftp://h/'), client.state];
    });
    expect(r).toEqual([
      [null, "bad protocol: expected a ws:// or wss:// URL, got 'http://127.0.0.1:1/' (write 'ws://127.0.0.1:1/')"],
      [null, "bad protocol: expected a ws:// or wss:// URL, got 'localhost:8080' (write 'ws://localhost:8080')"],
      [null, "bad protocol: expected a ws:// or wss:// URL, got 'ftp://h/'"],
      'CLOSED']);
  });

  it('a URL without a scheme that does not parse says which form was expected', () => {
    expect(() => websocket.client.copas().connect('127.0.0.1:8080')).toThrow('Invalid URL: 127.0.0.1:8080 (expected ws://host:port/path or wss://...)');
  });

  it('a protocol that is not a string or a list throws naming the argument', async () => {
    await expect(inTask(function* () {
      return yield* websocket.client.copas().connect('ws://127.0.0.1:1/', 7 as unknown as string);
    })).rejects.toThrow(/'protocol'/);
  });

  it('connect twice returns [null, "wrong state"]; operations before connect return the wrong-state tuples', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    const got = await inTask(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      const out: unknown[] = [];
      out.push(yield* client.send('early'));
      out.push(yield* client.receive());
      out.push(yield* client.close());
      out.push(yield* client.ping('early'));
      out.push((yield* client.connect(`ws://127.0.0.1:${server.port}`, 'echo')).slice(0, 2));
      out.push(yield* client.connect(`ws://127.0.0.1:${server.port}`, 'echo'));
      out.push(yield* client.close());
      server.close();
      return out;
    });
    expect(got).toEqual([
      [null, false, 1006, 'wrong state'],
      [null, null, false, 1006, 'wrong state'],
      [false, 1006, 'wrong state'],
      [null, false, 1006, 'wrong state'],
      [true, 'echo'],
      [null, 'wrong state'],
      [true, 1000, ''],
    ]);
  });

  it('send, close and ping with bad arguments throw Errors naming the argument (connection stays usable)', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    const thrown: Array<[string, string]> = [];
    const got = await inTask(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      yield* client.connect(`ws://127.0.0.1:${server.port}`, 'echo');
      const attempts: Array<[string, () => Operation<unknown>]> = [
        ['opcode 9', () => client.send('x', websocket.PING)],
        ['opcode 3', () => client.send('x', 3)],
        ['message number', () => client.send(42 as unknown as string)],
        ['message object', () => client.send({} as unknown as string)],
        ['message null', () => client.send(null as unknown as string)],
        ['code 1005', () => client.close(1005)],
        ['code 999', () => client.close(999)],
        ['code 5000', () => client.close(5000)],
        ['code 1006', () => client.close(1006)],
        ['code string', () => client.close('1000' as unknown as number)],
        ['reason 124 bytes', () => client.close(1000, 'x'.repeat(124))],
        ['reason 62 two-byte chars', () => client.close(1000, 'é'.repeat(62))],
        ['ping 126 bytes', () => client.ping(Buffer.alloc(126))],
      ];
      for (const [name, attempt] of attempts) {
        try {
          yield* attempt();
          thrown.push([name, 'did not throw']);
        } catch (e) {
          thrown.push([name, (e as Error).message]);
        }
      }
      const out: unknown[] = [client.state];
      yield* client.send('still fine');
      out.push(yield* client.receive());
      out.push(yield* client.close(1000, 'x'.repeat(123)));
      server.close();
      return out;
    });
    const byName = Object.fromEntries(thrown);
    expect(byName['opcode 9']).toMatch(/'opcode'/);
    expect(byName['opcode 3']).toMatch(/'opcode'/);
    expect(byName['message number']).toMatch(/'message'.*string or a Buffer/);
    expect(byName['message object']).toMatch(/'message'/);
    expect(byName['message null']).toMatch(/'message'/);
    for (const n of ['code 1005', 'code 999', 'code 5000', 'code 1006', 'code string']) expect([n, byName[n]]).toEqual([n, expect.stringMatching(/'code'/)]);
    expect(byName['reason 124 bytes']).toMatch(/'reason'.*123/);
    expect(byName['reason 62 two-byte chars']).toMatch(/'reason'.*123/);
    expect(byName['ping 126 bytes']).toMatch(/'data'.*125/);
    expect(got).toEqual(['OPEN', ['still fine', TEXT], [true, 1000, 'x'.repeat(123)]]);
  });

  it('listen without protocols or default, or with a non-generator handler, throws', () => {
    const listenRaw = websocket.server.copas.listen;
    expect(() => listenRaw({ port: 0 })).toThrow(/'protocols' or 'default'/);
    expect(() => listenRaw({ port: 0, protocols: { echo: (() => undefined) as never } })).toThrow(/config\.protocols\['echo'\]/);
    expect(() => listenRaw({ port: 0, default: (function () { return 1; }) as never })).toThrow(/config\.default/);
    expect(() => listenRaw({ port: 0, protocols: { echo: async function* () { /* async */ } as never } })).toThrow(/config\.protocols\['echo'\]/);
    expect(() => listenRaw({ port: -1, protocols: { echo } })).toThrow(/config\.port/);
    expect(() => listenRaw({ port: 0, interface: 7 as never, protocols: { echo } })).toThrow(/config\.interface/);
    expect(() => listenRaw({ port: 0, protocols: { echo }, on_error: 'x' as never })).toThrow(/config\.on_error/);
    expect(() => listenRaw(undefined as never)).toThrow(/config/);
    expect(copas.finished()).toBe(true); // nothing was left listening
  });

  it('the client constructor checks its options', () => {
    expect(() => websocket.client.copas({ timeout: -1 })).toThrow(/options\.timeout/);
    expect(() => websocket.client.copas({ timeout: 'x' as never })).toThrow(/options\.timeout/);
  });
});
