/**
 * Interoperability with the `ws` npm package as the independent peer: our copas client against a ws server,
 * and our copas server against a ws client. Echo at every frame-length boundary, sub-protocol selection,
 * close started by either side, ping / pong.
 */
import { WebSocket, WebSocketServer as WsServer } from 'ws';
import type { IncomingMessage } from 'node:http';
import { copas, websocket, type CopasClient, type ServerConnection } from '../../src';
import { randomInt } from 'node:crypto';
import { echo, textOf, within } from '../support/raw-websocket';
import { SIZES, loopEnds, installCleanup, listen, startLoop } from './helpers';

installCleanup();

const { TEXT, BINARY } = websocket;

async function wsServer(options: ConstructorParameters<typeof WsServer>[0] = {}): Promise<{ wss: WsServer; port: number; url: string }> {
  const wss = new WsServer({ port: 0, host: '127.0.0.1', ...options });
  await new Promise((r) => wss.once('listening', r));
  const port = (wss.address() as { port: number }).port;
  return { wss, port, url: `ws://127.0.0.1:${port}` };
}

function closeWs(wss: WsServer): Promise<void> {
  for (const c of wss.clients) c.terminate();
  return new Promise((r) => wss.close(() => r()));
}

const wsEcho = (ws: WebSocket): void => { ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })); };

/** Pong events the connection's protocol core produced (receive() consumes them silently). */
function spyPongs(conn: CopasClient | ServerConnection): Buffer[] {
  const pongs: Buffer[] = [];
  const proto = conn.protocolState!;
  const next = proto.nextEvent.bind(proto);
  proto.nextEvent = () => {
    const ev = next();
    if (ev !== null && ev.type === 'pong') pongs.push(Buffer.from(ev.data));
    return ev;
  };
  return pongs;
}

function payloads(): Array<[string, string | Buffer, number]> {
  const out: Array<[string, string | Buffer, number]> = [];
  for (const n of SIZES) {
    out.push([`text ${n}`, textOf(n, randomInt(1, 2 ** 32)), TEXT]);
    out.push([`binary ${n}`, require('node:crypto').randomBytes(n) as Buffer, BINARY]);
  }
  return out;
}

function sameMessage(got: unknown, sent: string | Buffer): boolean {
  if (typeof sent === 'string') return typeof got === 'string' && got === sent;
  return Buffer.isBuffer(got) && got.equals(sent);
}

describe('our copas client against a ws server', () => {
  it.each([false, true])('echoes text and binary at every length boundary (compression %s)', async (compression) => {
    const { wss, url } = await wsServer({ perMessageDeflate: compression, maxPayload: 2 * 1024 * 1024 });
    wss.on('connection', wsEcho);
    const results: Array<[string, boolean, number | null, number]> = [];
    let negotiated: string | undefined;
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 5, compression });
      const [ok, , headers] = yield* client.connect(url);
      expect(ok).toBe(true);
      negotiated = (headers as Record<string, string>)['sec-websocket-extensions'];
      for (const [name, data, opcode] of payloads()) {
        expect(yield* client.send(data, opcode)).toEqual([true]);
        const [message, op] = yield* client.receive();
        results.push([name, sameMessage(message, data), op, opcode]);
      }
      expect(yield* client.close()).toEqual([true, 1000, '']);
    });
    await loopEnds(startLoop(), 20000);
    await closeWs(wss);
    expect(negotiated === undefined ? false : negotiated.startsWith('permessage-deflate')).toBe(compression);
    expect(results).toHaveLength(SIZES.length * 2);
    for (const [name, same, op, opcode] of results) expect([name, same, op]).toEqual([name, true, opcode]);
  });

  it('selects the sub-protocol the ws server picks, given as a string or a list', async () => {
    const { wss, url } = await wsServer({
      handleProtocols: (offered: Set<string>) => [...offered].find((p) => p === 'echo' || p === 'chat') ?? false,
    });
    const seen: string[] = [];
    wss.on('connection', (ws) => { seen.push(ws.protocol); ws.close(1000); });
    const got: unknown[] = [];
    copas.addthread(function* () {
      for (const protocol of ['echo', ['x', 'chat', 'echo'], ['nothing'], undefined]) {
        const client = websocket.client.copas({ timeout: 2 });
        const [ok, chosen] = yield* client.connect(url, protocol as string | string[] | undefined);
        got.push([ok, chosen]);
        yield* client.receive(); // the server's close
      }
    });
    await loopEnds(startLoop());
    await closeWs(wss);
    expect(got).toEqual([[true, 'echo'], [true, 'chat'], [true, null], [true, null]]);
    expect(seen).toEqual(['echo', 'chat', '', '']);
  });

  it('a close started by our client: code and reason reported on both sides', async () => {
    const { wss, url } = await wsServer();
    const serverSaw = new Promise((r) => wss.on('connection', (ws) => ws.on('close', (code, reason) => r([code, reason.toString()]))));
    let result: unknown;
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      yield* client.connect(url);
      result = yield* client.close(4001, 'lost interest');
      expect(client.state).toBe('CLOSED');
      expect(yield* client.send('late')).toEqual([null, false, 1006, 'wrong state']);
    });
    await loopEnds(startLoop());
    expect(result).toEqual([true, 4001, 'lost interest']);
    expect(await serverSaw).toEqual([4001, 'lost interest']);
    await closeWs(wss);
  });

  it('a close started by the ws server: receive returns [null, null, true, code, reason]', async () => {
    const { wss, url } = await wsServer();
    const serverSaw = new Promise((r) => wss.on('connection', (ws) => {
      ws.on('close', (code, reason) => r([code, reason.toString()]));
      ws.close(4002, 'server says bye');
    }));
    let result: unknown;
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      yield* client.connect(url);
      result = yield* client.receive();
      expect(yield* client.close()).toEqual([false, 1006, 'wrong state']);
    });
    await loopEnds(startLoop());
    expect(result).toEqual([null, null, true, 4002, 'server says bye']);
    expect(await serverSaw).toEqual([4002, 'server says bye']);
    await closeWs(wss);
  });

  it('answers a ws ping with a pong, and our ping() gets a pong from ws', async () => {
    const { wss, url } = await wsServer();
    const serverPong = new Promise<string>((r) => wss.on('connection', (ws) => {
      ws.on('pong', (d) => { r(d.toString()); ws.send('after pong'); });
      ws.on('ping', (d) => ws.send(`saw ping ${d.toString()}`));
      ws.ping('from ws');
    }));
    let pongs: Buffer[] = [];
    const got: unknown[] = [];
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      yield* client.connect(url);
      pongs = spyPongs(client);
      got.push(yield* client.receive()); // answers the PING on the way
      got.push(yield* client.ping('from us'));
      got.push(yield* client.receive()); // ws saw our ping (and auto-ponged before sending this)
      got.push(yield* client.close());
    });
    await loopEnds(startLoop());
    expect(await serverPong).toBe('from ws');
    expect(got).toEqual([['after pong', TEXT], [true], ['saw ping from us', TEXT], [true, 1000, '']]);
    expect(pongs.map((p) => p.toString())).toEqual(['from us']);
    await closeWs(wss);
  });
});

describe('our copas server against a ws client', () => {
  /** Opens a ws client; messages are queued from the start (one may arrive in the same chunk as the 101). */
  function openWs(url: string, protocols?: string | string[]): Promise<WebSocket> {
    const ws = new WebSocket(url, protocols);
    const queue: Array<[Buffer, boolean]> = [];
    const waiting: Array<(m: [Buffer, boolean]) => void> = [];
    ws.on('message', (d, isBinary) => {
      const w = waiting.shift();
      if (w !== undefined) w([d as Buffer, isBinary]); else queue.push([d as Buffer, isBinary]);
    });
    inboxes.set(ws, () => {
      const m = queue.shift();
      return m !== undefined ? Promise.resolve(m) : new Promise((r) => waiting.push(r));
    });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('error', reject);
    });
  }
  const inboxes = new Map<WebSocket, () => Promise<[Buffer, boolean]>>();

  function nextMessage(ws: WebSocket): Promise<[Buffer, boolean]> {
    return (inboxes.get(ws) as () => Promise<[Buffer, boolean]>)();
  }

  function closed(ws: WebSocket): Promise<[number, string]> {
    return new Promise((resolve) => ws.once('close', (code, reason) => resolve([code, reason.toString()])));
  }

  it.each([false, true])('echoes text and binary at every length boundary (compression %s)', async (compression) => {
    const received: Array<[unknown, unknown]> = [];
    const server = listen({ port: 0, interface: '127.0.0.1', compression, protocols: {
      echo: function* (ws) {
        for (;;) {
          const [message, opcode] = yield* ws.receive();
          if (message === null) return;
          received.push([typeof message === 'string' ? 'string' : Buffer.isBuffer(message) ? 'Buffer' : typeof message, opcode]);
          yield* ws.send(message, opcode);
        }
      },
    } });
    const loop = startLoop();
    const ws = await openWs(`ws://127.0.0.1:${server.port}`, 'echo');
    expect(ws.extensions.startsWith('permessage-deflate')).toBe(compression);
    for (const [name, data, opcode] of payloads()) {
      const reply = nextMessage(ws);
      ws.send(data, { binary: opcode === BINARY });
      const [got, isBinary] = await within(reply, 5000, name);
      expect([name, isBinary]).toEqual([name, opcode === BINARY]);
      expect([name, got.equals(Buffer.from(data))]).toEqual([name, true]);
    }
    expect(received).toEqual(payloads().map(([, , op]) => [op === TEXT ? 'string' : 'Buffer', op]));
    const done = closed(ws);
    ws.close(1000);
    expect(await done).toEqual([1000, '']);
    server.close();
    await loopEnds(loop);
  });

  it('picks the first protocol the client offered that the server has, else default', async () => {
    const handledBy: Array<[string, string | null]> = [];
    const handler = (name: string) => function* (ws: ServerConnection) {
      handledBy.push([name, ws.protocol]);
      yield* ws.send(name);
      yield* ws.receive();
    };
    const server = listen({ port: 0, interface: '127.0.0.1',
      protocols: { a: handler('a'), b: handler('b') }, default: handler('default') });
    const loop = startLoop();
    const url = `ws://127.0.0.1:${server.port}`;
    const cases: Array<[string | string[] | undefined, string, string]> = [
      [['x', 'b', 'a'], 'b', 'b'], ['a', 'a', 'a'], [['b', 'a'], 'b', 'b'], [undefined, '', 'default'],
    ];
    for (const [offer, protocol, greeting] of cases) {
      const ws = await openWs(url, offer);
      expect(ws.protocol).toBe(protocol);
      expect((await nextMessage(ws))[0].toString()).toBe(greeting);
      const done = closed(ws);
      ws.close();
      expect(await within(done, 3000, 'close')).toEqual([1005, '']);
    }
    // ws refuses a 101 without Sec-WebSocket-Protocol when it offered some ('Server sent no subprotocol'),
    // so the default handler for offered-but-unknown protocols is shown with our client, which accepts it.
    const ours: unknown[] = [];
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      const [ok, chosen] = yield* client.connect(url, ['x', 'y']);
      ours.push([ok, chosen], yield* client.receive(), yield* client.close());
    });
    await within(new Promise<void>((r) => { const t = setInterval(() => { if (ours.length === 3) { clearInterval(t); r(); } }, 5); }), 3000, 'our client');
    expect(ours).toEqual([[true, null], ['default', TEXT], [true, 1000, '']]);
    expect(handledBy).toEqual([['b', 'b'], ['a', 'a'], ['b', 'b'], ['default', null], ['default', null]]);
    server.close();
    await loopEnds(loop);
  });

  it('refuses the handshake with HTTP 400 when no protocol matches and there is no default', async () => {
    const errors: string[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: (m) => errors.push(m) });
    const loop = startLoop();
    for (const offer of [['chat'], undefined]) {
      const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, offer);
      const status = await new Promise<number>((resolve, reject) => {
        ws.once('unexpected-response', (_req, res: IncomingMessage) => { resolve(res.statusCode ?? 0); res.resume(); ws.terminate(); });
        ws.once('open', () => reject(new Error('opened')));
        ws.on('error', () => undefined);
      });
      expect(status).toBe(400);
    }
    expect(errors).toEqual(['bad protocol', 'bad protocol']);
    server.close();
    await loopEnds(loop);
  });

  it('a close started by the ws client: code and reason on both sides', async () => {
    let seen: unknown;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      seen = yield* ws.receive();
    } } });
    const loop = startLoop();
    const ws = await openWs(`ws://127.0.0.1:${server.port}`, 'echo');
    const done = closed(ws);
    ws.close(4000, 'client bye');
    expect(await done).toEqual([4000, 'client bye']);
    server.close();
    await loopEnds(loop);
    expect(seen).toEqual([null, null, true, 4000, 'client bye']);
  });

  it('a close started by the server handler: close() returns [true, code, reason], ws sees them', async () => {
    let result: unknown;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      result = yield* ws.close(4003, 'server bye');
    } } });
    const loop = startLoop();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo');
    expect(await closed(ws)).toEqual([4003, 'server bye']);
    server.close();
    await loopEnds(loop);
    expect(result).toEqual([true, 4003, 'server bye']);
  });

  it('answers a ws ping with a pong, and the handler ping() gets a pong from ws', async () => {
    let pongs: Buffer[] = [];
    const got: unknown[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      pongs = spyPongs(ws);
      got.push(yield* ws.ping('server ping'));
      for (;;) {
        const r = yield* ws.receive();
        got.push(r);
        if (r[0] === null) return;
      }
    } } });
    const loop = startLoop();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo');
    const sawPing = new Promise<string>((r) => ws.once('ping', (d) => r(d.toString())));
    await new Promise((r) => ws.once('open', r));
    expect(await sawPing).toBe('server ping');
    const pong = new Promise<string>((r) => ws.once('pong', (d) => r(d.toString())));
    ws.ping('client ping');
    expect(await pong).toBe('client ping');
    const done = closed(ws);
    ws.close(1000);
    await done;
    server.close();
    await loopEnds(loop);
    expect(got).toEqual([[true], [null, null, true, 1000, '']]);
    expect(pongs.map((p) => p.toString())).toEqual(['server ping']);
  });
});
