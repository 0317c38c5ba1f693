/**
 * A chat room on every core: node:cluster forks WORKERS processes that share one port, each running its own
 * copas loop, and Redis carries each message to the subscribers of every worker (and of every machine on the
 * same Redis). SIGHUP to the primary restarts the workers one at a time: a fresh worker starts and is
 * listening before the old one closes its clients with 1012 ("service restart"), so a client that reconnects
 * always finds a worker. SIGINT / SIGTERM close every client with 1001 and exit 0.
 *
 * Run:  redis-server &   then   PORT=8080 WORKERS=2 REDIS_URL=redis://127.0.0.1:6379 npx ts-node examples/cluster/cluster-chat.ts
 *       kill -HUP <primary pid>   for a rolling restart
 * Connect with any WebSocket client, protocol 'chat': the first message names the worker's pid.
 */
import cluster, { type Worker } from 'node:cluster';
import * as http from 'node:http';
import * as os from 'node:os';
import { copas, websocket, type ServerConnection } from '../../src';

const PORT = Number(process.env.PORT ?? 8080);
const WORKERS = Number(process.env.WORKERS ?? os.availableParallelism());
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Seconds a closing worker gives its clients to answer the close before it exits anyway. */
const DRAIN = 5;

if (cluster.isPrimary) primary(); else worker();

function primary(): void {
  let restarting = false;
  let stopping = false;

  /** Forks a worker and resolves once it listens and its Redis link is up (or it gave up waiting for Redis). */
  const start = (): Promise<Worker> => new Promise((resolve, reject) => {
    const w = cluster.fork();
    w.on('message', (m: { ready?: boolean }) => { if (m.ready === true) resolve(w); });
    w.once('exit', (code) => reject(new Error(`worker ${w.process.pid} exited with ${code} before it was ready`)));
  });

  /** Tells a worker to close its clients with `code`, and resolves when it has exited. */
  const retire = (w: Worker, code: number): Promise<void> => new Promise((resolve) => {
    if (w.isDead()) { resolve(); return; }
    w.once('exit', () => resolve());
    w.send({ shutdown: code });
  });

  cluster.on('exit', (w, code, signal) => {
    // a worker that died on its own (not retired) is replaced, so the port keeps its capacity
    if (!stopping && !restarting && code !== 0) {
      console.log(`worker ${w.process.pid} died (${signal ?? code}); starting another`);
      void start().catch((err: Error) => console.log(err.message));
    }
  });

  void Promise.all(Array.from({ length: WORKERS }, start)).then(() => {
    console.log(`cluster-chat: ${WORKERS} workers on port ${PORT} (primary ${process.pid}), Redis ${REDIS_URL}`);
  }, (err: Error) => { console.log(err.message); process.exit(1); });

  process.on('SIGHUP', () => {
    if (restarting || stopping) return;
    restarting = true;
    void (async () => {
      for (const old of Object.values(cluster.workers ?? {})) {
        if (old === undefined) continue;
        await start();                // the new worker listens first ...
        await retire(old, 1012);      // ... then the old one sends its clients away
      }
      restarting = false;
      console.log('rolling restart done');
    })().catch((err: Error) => { restarting = false; console.log(`rolling restart failed: ${err.message}`); });
  });

  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    void Promise.all(Object.values(cluster.workers ?? {}).map((w) => (w === undefined ? undefined : retire(w, 1001))))
      .then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

function worker(): void {
  // In a worker the port is shared through the primary, so the server is mounted on an http.Server that
  // listens the cluster's way (server.listen), not bound directly.
  const httpServer = http.createServer();
  const server = websocket.server.copas.listen({
    server: httpServer,
    pubsub: { redis: REDIS_URL },
    protocols: {
      chat: function* (ws: ServerConnection) {
        ws.subscribe('chat');
        yield* ws.send(`hello from worker ${process.pid}`);
        for (;;) {
          const [message] = yield* ws.receive();
          if (message === null) return;
          server.publish('chat', String(message));
        }
      },
    },
  });
  httpServer.listen(PORT, () => {
    // Redis down must not stall a rolling restart: ready after the link is up, or after 2 s without it
    const pubsub = server.pubsub as NonNullable<typeof server.pubsub>;
    const timeout = new Promise((r) => setTimeout(r, 2000).unref());
    void Promise.race([pubsub.ready(), timeout]).then(() => process.send?.({ ready: true }), () => undefined);
  });

  process.on('message', (m: { shutdown?: number }) => {
    if (m.shutdown === undefined) return;
    httpServer.close();    // no new connections come to this worker
    server.close(true);    // stop the WebSocket server and its Redis link, keep the clients for a proper close
    const code = m.shutdown;
    const reason = code === 1012 ? 'service restart' : 'going away';
    for (const ws of server.clients) {
      copas.addthread(function* () { yield* ws.close(code, reason); });
    }
    setTimeout(() => process.exit(0), DRAIN * 1000).unref();
  });
  // a signal sent to the whole process group (Ctrl-C, some service managers) also reaches the workers: the
  // primary decides, workers wait for its message
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => undefined);

  void copas.loop().then(() => process.exit(0));
}
