/**
 * A topic subscribed while the bridge's first SUBSCRIBE is still on its way to Redis: it must be subscribed too.
 * Redis is reached through a proxy that holds its replies to SUBSCRIBE until the spec lets them go, so the
 * window a loaded machine opens by chance (CI once lost every message of another process this way) is open
 * here every time. Two servers in this process, one through the proxy, one straight to Redis.
 */
import * as net from 'node:net';
import { WebSocket } from 'ws';
import { type ServerConnection } from '../../src';
import { RedisServer } from '../support/redis-server';
import { until } from './helpers';
import { installCleanup, listen, loopEnds, startLoop } from '../websocket/helpers';

installCleanup();

function* commands(ws: ServerConnection) {
  for (;;) {
    const [m] = yield* ws.receive();
    if (m === null) return;
    const line = String(m);
    if (line.startsWith('sub ')) { ws.subscribe(line.slice(4)); yield* ws.send(`ok ${line.slice(4)}`); }
  }
}

/** A TCP proxy to Redis that, once a client has sent a SUBSCRIBE, holds what Redis answers it until release(). */
class HoldingProxy {
  readonly server = net.createServer();
  private held: { client: net.Socket; chunks: Buffer[] }[] = [];
  private releasing = false;
  private readonly sockets: net.Socket[] = [];

  constructor(redisPort: number) {
    this.server.on('connection', (client) => {
      const upstream = net.connect(redisPort, '127.0.0.1');
      this.sockets.push(client, upstream);
      let hold: { client: net.Socket; chunks: Buffer[] } | null = null;
      client.on('data', (d: Buffer) => {
        if (hold === null && !this.releasing && /subscribe/i.test(d.toString('latin1'))) {
          hold = { client, chunks: [] };
          this.held.push(hold);
        }
        upstream.write(d);
      });
      upstream.on('data', (d: Buffer) => {
        if (hold !== null && !this.releasing) hold.chunks.push(d); else client.write(d);
      });
      const end = (): void => { client.destroy(); upstream.destroy(); };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
    });
  }

  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    return (this.server.address() as net.AddressInfo).port;
  }

  get holding(): number {
    return this.held.length;
  }

  /** Lets every held reply through, and passes everything from now on. */
  release(): void {
    this.releasing = true;
    for (const h of this.held.splice(0)) for (const c of h.chunks) h.client.write(c);
  }

  close(): void {
    this.server.close();
    for (const s of this.sockets) s.destroy();
  }
}

describe('Redis bridge: a topic subscribed during the first SUBSCRIBE', () => {
  let redis: RedisServer;
  beforeAll(async () => { redis = await RedisServer.start(); }, 30000);
  afterAll(async () => { await redis?.stop(); });

  it('is subscribed once that SUBSCRIBE is answered, and ready() waits for it: a publish from another server reaches it', async () => {
    const proxy = new HoldingProxy(redis.port);
    const proxyPort = await proxy.listen();
    const a = listen({ port: 0, interface: '127.0.0.1', pubsub: { redis: `redis://127.0.0.1:${proxyPort}` }, protocols: { cmd: commands } });
    const b = listen({ port: 0, interface: '127.0.0.1', pubsub: { redis: redis.url }, protocols: { cmd: commands } });
    const loop = startLoop();
    try {
      // a's subscriber connection has sent its first SUBSCRIBE (the server's own topics); the answer is held
      await until(() => proxy.holding > 0, 10000, "a's first SUBSCRIBE");
      const inbox: string[] = [];
      const ws = new WebSocket(`ws://127.0.0.1:${a.port}`, 'cmd');
      ws.on('message', (d) => inbox.push(d.toString()));
      await new Promise((r, j) => { ws.once('open', r); ws.once('error', j); });
      ws.send('sub room');
      await until(() => inbox.includes('ok room'), 5000, 'ok room');
      proxy.release();
      await Promise.all([a.pubsub?.ready(), b.pubsub?.ready()]);
      b.publish('room', 'from b');
      await until(() => inbox.includes('from b'), 5000, `b's publish on a's subscriber (a: ${JSON.stringify(a.pubsub?.stats)})`);
      expect(inbox).toEqual(['ok room', 'from b']);
      ws.close();
    } finally {
      a.close();
      b.close();
      proxy.close();
      await loopEnds(loop, 10000);
    }
  }, 60000);
});
