/**
 * bench/pubsub/fanout-server.ts: one server process of the fan-out bench. Every connection subscribes to
 * the bench's topics; the runner drives it over IPC: { cmd: 'credit', upTo } lets its publisher task publish messages
 * up to that count (so no subscriber falls more than a window behind: the bench measures steady flow, not
 * queues), { cmd: 'cpu' } answers its CPU seconds, { cmd: 'exit' }. argv: size in bytes, a Redis URL or '-',
 * and the number of topics it publishes to in turn (default 1; every connection subscribes to all of them).
 */
import { copas, websocket } from '../../src';

const size = Number(process.argv[2]);
const redis = process.argv[3];
const topics = Array.from({ length: Number(process.argv[4] ?? 1) }, (_, i) => `bench${i}`);
const message = 'x'.repeat(size);
const send = (m: object): void => { process.send?.(m); };

const server = websocket.server.copas.listen({
  port: 0, interface: '127.0.0.1',
  ...(redis !== '-' ? { pubsub: { redis } } : {}),
  on_error: (m) => console.error(`fanout-server: ${m}`),
  protocols: { sub: function* (ws) { for (const t of topics) ws.subscribe(t); for (;;) { const [m] = yield* ws.receive(); if (m === null) return; } } },
});

let credit = 0;
let published = 0;
const publisher = copas.addthread(function* () {
  for (;;) {
    // a batch per step: the writes of one step leave corked together, as a busy server's would
    for (let i = 0; i < 50 && published < credit; i++, published++) server.publish(topics[published % topics.length], message);
    yield* copas.sleep(published < credit ? 0 : -1);
  }
});

process.on('message', (m: { cmd: string; upTo?: number }) => {
  if (m.cmd === 'credit') {
    credit = m.upTo as number;
    copas.wakeup(publisher);
  } else if (m.cmd === 'cpu') {
    const u = process.cpuUsage();
    send({ cpu: (u.user + u.system) / 1e6, published, clients: server.clients.length, pubsub: server.pubsub?.stats ?? null });
  } else if (m.cmd === 'ready') {
    void (server.pubsub?.ready() ?? Promise.resolve()).then(() => send({ ready: true }));
  } else if (m.cmd === 'exit') {
    copas.removethread(publisher);
    server.close();
  }
});

send({ port: server.port, pid: process.pid });
void copas.loop().then(() => process.exit(0));
