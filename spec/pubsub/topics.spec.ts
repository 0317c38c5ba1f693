/**
 * Topics in one process, on real sockets with `ws` clients: subscribe / unsubscribe / topics, publish reaching
 * each subscriber once, a closed connection leaving its topics, one frame encoding per publish however many
 * subscribers, a stalled subscriber not delaying the others, and argument checks.
 */
import * as net from 'node:net';
import { WebSocket } from 'ws';
import * as encoder from '../../src/websocket/core/frame-encoder';
import { copas, websocket, type ServerConnection, type WebSocketServer } from '../../src';
import { until } from './helpers';
import { installCleanup, listen, loopEnds, startLoop } from '../websocket/helpers';

installCleanup();

/** A handler that obeys its client: 'sub <topic>', 'unsub <topic>', 'topics' (answers the JSON list). */
function* commands(ws: ServerConnection) {
  for (;;) {
    const [m] = yield* ws.receive();
    if (m === null) return;
    const [verb, topic] = String(m).split(' ');
    if (verb === 'sub') yield* ws.send(`subscribed ${String(ws.subscribe(topic))}`);
    else if (verb === 'unsub') yield* ws.send(`unsubscribed ${String(ws.unsubscribe(topic))}`);
    else if (verb === 'topics') yield* ws.send(JSON.stringify(ws.topics));
  }
}

interface Peer { ws: WebSocket; inbox: (string | Buffer)[] }

async function connect(server: WebSocketServer, n: number): Promise<Peer[]> {
  return Promise.all(Array.from({ length: n }, () => new Promise<Peer>((resolve, reject) => {
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'cmd');
    const peer: Peer = { ws, inbox: [] };
    ws.on('message', (data, isBinary) => peer.inbox.push(isBinary ? data as Buffer : data.toString()));
    ws.once('open', () => resolve(peer));
    ws.once('error', reject);
  })));
}

async function ask(p: Peer, line: string): Promise<string | Buffer> {
  const before = p.inbox.length;
  p.ws.send(line);
  await until(() => p.inbox.length > before, 3000, `answer to ${line}`);
  return p.inbox.splice(before, 1)[0];
}

describe('topics', () => {
  it('subscribe, unsubscribe and topics; publish reaches each subscriber once; a closed connection leaves its topics', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { cmd: commands } });
    const loop = startLoop();
    const [a, b, c] = await connect(server, 3);
    expect(await ask(a, 'sub news')).toBe('subscribed true');
    expect(await ask(a, 'sub news')).toBe('subscribed false');
    expect(await ask(a, 'sub sport')).toBe('subscribed true');
    expect(await ask(b, 'sub news')).toBe('subscribed true');
    expect(await ask(a, 'topics')).toBe('["news","sport"]');
    expect(await ask(c, 'unsub news')).toBe('unsubscribed false');

    expect(server.publish('news', 'n1')).toBe(2);
    expect(server.publish('sport', Buffer.from([1, 2, 3]), websocket.BINARY)).toBe(1);
    expect(server.publish('nobody', 'x')).toBe(0);
    await until(() => a.inbox.length === 2 && b.inbox.length === 1, 3000, 'publishes');
    expect(a.inbox).toEqual(['n1', Buffer.from([1, 2, 3])]);
    expect(b.inbox).toEqual(['n1']);

    expect(await ask(a, 'unsub news')).toBe('unsubscribed true');
    expect(await ask(a, 'topics')).toBe('["sport"]');
    a.inbox.length = 0; b.inbox.length = 0;
    expect(server.publish('news', 'n2')).toBe(1);
    await until(() => b.inbox.length === 1, 3000, 'n2');
    expect(a.inbox).toEqual([]);

    // a closed connection leaves every topic: nothing is written to it, and publish counts only b
    b.ws.close();
    await until(() => server.clients.length === 2, 3000, 'b to close');
    expect(server.publish('news', 'n3')).toBe(0);
    a.ws.close(); c.ws.close();
    await until(() => server.clients.length === 0, 3000, 'clients to close');
    server.close();
    await loopEnds(loop);
  });

  it('one frame encoding per publish, for 1,000 subscribers', async () => {
    const N = 1000;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { cmd: function* (ws) {
      ws.subscribe('all');
      yield* commands(ws);
    } } });
    const loop = startLoop();
    const peers = await connect(server, N);
    await until(() => server.clients.length === N, 5000, 'subscribers');
    const spy = jest.spyOn(encoder, 'encodeFrame');
    try {
      const big = Buffer.alloc(4096, 7); // over the encoder's coalescing limit
      expect(server.publish('all', 'hello everyone')).toBe(N);
      expect(server.publish('all', big, websocket.BINARY)).toBe(N);
      expect(server.publish('all', Buffer.from('small'), websocket.BINARY)).toBe(N);
      expect(spy).toHaveBeenCalledTimes(3);
    } finally {
      spy.mockRestore();
    }
    await until(() => peers.every((p) => p.inbox.length === 3), 10000, 'every subscriber to get 3');
    for (const p of peers) {
      expect(p.inbox[0]).toBe('hello everyone');
      expect((p.inbox[1] as Buffer).equals(Buffer.alloc(4096, 7))).toBe(true);
      expect(p.inbox[2]).toEqual(Buffer.from('small'));
    }
    for (const p of peers) p.ws.close();
    await until(() => server.clients.length === 0, 5000, 'clients to close');
    server.close();
    await loopEnds(loop);
  }, 30000);

  it('a subscriber that stopped reading does not delay the others, and is dropped past maxBufferedAmount', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { cmd: function* (ws) {
      ws.subscribe('flood');
      yield* commands(ws);
    } } });
    const loop = startLoop();
    // a raw client that completes the handshake, then never reads again
    const stalled = net.connect(server.port, '127.0.0.1');
    stalled.write(`GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: cmd\r\n\r\n`);
    await new Promise((r) => stalled.once('data', r));
    stalled.pause();
    const [reader] = await connect(server, 1);
    await until(() => server.clients.length === 2, 3000, 'two subscribers');
    const M = 4000;
    const msg = Buffer.alloc(8192, 1);
    let slowest = 0;
    for (let i = 0; i < M; i += 20) {
      const t0 = process.hrtime.bigint();
      for (let k = 0; k < 20; k++) server.publish('flood', msg, websocket.BINARY);
      slowest = Math.max(slowest, Number(process.hrtime.bigint() - t0) / 1e6);
      await new Promise((r) => setImmediate(r)); // the reader reads between bursts; the stalled peer never does
    }
    await until(() => reader.inbox.length === M, 10000, 'the reading subscriber to get every message');
    await until(() => server.clients.length === 1, 10000, 'the stalled subscriber to be dropped');
    expect(slowest).toBeLessThan(1000); // a burst of 160 KB never waited for the stalled peer
    stalled.destroy();
    reader.ws.close();
    await until(() => server.clients.length === 0, 3000, 'clients to close');
    server.close();
    await loopEnds(loop);
  });

  it('checks its arguments', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { cmd: function* (ws) {
      expect(() => ws.subscribe('' as string)).toThrow("subscribe: argument 'topic' must be a non-empty string of at most 1024 characters, got ''");
      expect(() => ws.unsubscribe(7 as unknown as string)).toThrow("unsubscribe: argument 'topic' must be");
      yield* ws.send('checked');
    } } });
    const loop = startLoop();
    expect(() => server.publish(null as unknown as string, 'x')).toThrow("publish: argument 'topic' must be");
    expect(() => server.publish('t', 5 as unknown as string)).toThrow("publish: argument 'message' must be a string or a Buffer, got number 5");
    expect(() => server.publish('t', 'x', 9)).toThrow("publish: argument 'opcode' must be websocket.TEXT (1) or websocket.BINARY (2), got number 9");
    expect(() => server.publish('t', Buffer.from([0xff]), websocket.TEXT)).toThrow("publish: argument 'message' must be valid UTF-8 for a TEXT message");
    expect(() => websocket.server.copas.listen({ port: 0, default: commands, pubsub: { redis: 'localhost:6379' } })).toThrow("argument 'config.pubsub.redis' must be a URL 'redis://host:port'");
    expect(() => websocket.server.copas.listen({ port: 0, default: commands, pubsub: { redis: 'redis://x', channel: 'a' } as never })).toThrow("unknown option 'config.pubsub.channel' (known: redis, prefix)");
    const [p] = await connect(server, 1);
    await until(() => p.inbox.length === 1, 3000, 'checked');
    p.ws.close();
    await until(() => server.clients.length === 0, 3000, 'client to close');
    server.close();
    await loopEnds(loop);
    expect(copas.finished()).toBe(true);
  });
});
