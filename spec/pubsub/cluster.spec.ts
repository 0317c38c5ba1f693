/**
 * examples/cluster/cluster-chat.ts on a real redis-server: 2 node:cluster workers behind one port share the
 * 'chat' topic through Redis; SIGHUP restarts them one at a time (clients get 1012 "service restart" and
 * reconnect to the others); SIGTERM closes everyone with 1001 and exits 0.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { within } from '../support/raw-websocket';
import { RedisServer, freePort } from '../support/redis-server';
import { range, until } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');

/** A chat client that reconnects after a 1012, keeping one inbox across its connections. */
class ChatClient {
  readonly inbox: string[] = [];
  readonly closes: number[] = [];
  worker = 0;
  ws: WebSocket | null = null;
  constructor(private readonly port: number) { this.open(); }

  private open(): void {
    const ws = new WebSocket(`ws://127.0.0.1:${this.port}`, 'chat');
    this.ws = ws;
    this.worker = 0;
    ws.on('message', (d) => {
      const m = d.toString();
      const hello = /^hello from worker (\d+)$/.exec(m);
      if (hello !== null) this.worker = Number(hello[1]); else this.inbox.push(m);
    });
    ws.on('close', (code) => {
      this.closes.push(code);
      if (code === 1012) setTimeout(() => this.open(), 20);
    });
    ws.on('error', () => undefined); // a refused reconnect shows as a close code
  }
}

describe('cluster', () => {
  let redis: RedisServer | null = null;
  let primary: ChildProcess | null = null;
  afterEach(async () => {
    if (primary !== null && primary.exitCode === null) {
      const gone = new Promise((r) => primary?.once('exit', r));
      primary.kill('SIGKILL');
      await gone;
    }
    await redis?.stop();
  });

  it('2 workers on one port share topics through Redis and restart one at a time', async () => {
    redis = await RedisServer.start();
    const port = await freePort();
    const child = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', 'examples/cluster/cluster-chat.ts'], {
      cwd: ROOT, env: { ...process.env, PORT: String(port), WORKERS: '2', REDIS_URL: redis.url }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    primary = child;
    let out = '';
    child.stdout?.on('data', (d: Buffer) => { out += d.toString(); });
    await until(() => out.includes('2 workers on port'), 90000, 'the cluster to start'); // 3 processes compile with ts-node

    const clients = range(8).map(() => new ChatClient(port));
    await until(() => clients.every((c) => c.worker !== 0), 10000, 'every client to be greeted');
    const before = new Set(clients.map((c) => c.worker));
    expect(before.size).toBe(2); // the primary spread the connections over both workers

    // a message from a client of one worker reaches the clients of both, once
    clients[0].ws?.send('one');
    await until(() => clients.every((c) => c.inbox.includes('one')), 5000, "'one' on every client");

    child.kill('SIGHUP');
    await until(() => out.includes('rolling restart done'), 90000, 'the rolling restart'); // two new workers compile
    await until(() => clients.every((c) => c.worker !== 0 && !before.has(c.worker)), 10000, 'every client on a new worker');
    const after = new Set(clients.map((c) => c.worker));
    expect(after.size).toBeGreaterThanOrEqual(1);
    for (const c of clients) {
      expect(c.closes.length).toBeGreaterThan(0);
      expect(c.closes.every((code) => code === 1012)).toBe(true); // every close was the announced restart, none 1006
    }

    // the new workers share the topic too (their Redis links are up: a worker is ready only then)
    clients[1].ws?.send('two');
    await until(() => clients.every((c) => c.inbox.includes('two')), 5000, "'two' on every client");
    for (const c of clients) expect(c.inbox.filter((m) => m === 'one' || m === 'two')).toEqual(['one', 'two']);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    expect(await within(exited, 15000, 'the primary to exit')).toBe(0);
    await until(() => clients.every((c) => c.closes[c.closes.length - 1] === 1001), 5000, 'every client to get 1001');
  }, 180000);
});
