/**
 * The original test server (lua-websockets' test-server-copas.lua, after libwebsockets' test server):
 *   lws-mirror-protocol      every TEXT message goes to all clients of the protocol (a shared canvas)
 *   dumb-increment-protocol  each client gets a counter every 0.1 s; sending 'reset' resets it
 * plus the `echo` protocols of examples/echo-server-copas.ts, and the browser page on the same port.
 * Run: npm start   (or npx ts-node examples/test-server/test-server.ts [port])
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copas, websocket, type ServerConnection } from '../../src';
import { stopOnSignals } from '../stop-on-signals';

const page = fs.readFileSync(path.join(__dirname, 'index.html'));

/** Starts the test server; returns it and its counter timer (port 0 picks a free port). */
export function start(port = 8080, iface = '*') {
  const counters = new Map<ServerConnection, number>();

  // Copas 4 has timers, so the original's hand-made step loop becomes a recurring timer.
  const ticker = copas.timer.new({
    name: 'dumb-increment',
    delay: 0.1,
    recurring: true,
    callback: function* () {
      for (const [ws, n] of counters) {
        counters.set(ws, n + 1);
        yield* ws.send(String(n));
      }
    },
  });

  function* echo(ws: ServerConnection) {
    for (;;) {
      const [message, opcode] = yield* ws.receive();
      if (message === null) return;
      yield* ws.send(message, opcode);
    }
  }

  const server = websocket.server.copas.listen({
    port,
    interface: iface,
    protocols: {
      'lws-mirror-protocol': function* (ws) {
        for (;;) {
          const [message, opcode] = yield* ws.receive();
          if (message === null) return;
          if (opcode === websocket.TEXT) yield* ws.broadcast(message);
        }
      },
      'dumb-increment-protocol': function* (ws) {
        counters.set(ws, 0);
        try {
          for (;;) {
            const [message, opcode] = yield* ws.receive();
            if (message === null) return;
            if (opcode === websocket.TEXT && message.includes('reset')) counters.set(ws, 0);
          }
        } finally {
          counters.delete(ws);
        }
      },
      echo,
      'echo-uppercase': function* (ws) {
        for (;;) {
          const [message] = yield* ws.receive();
          if (message === null) return;
          yield* ws.send(message.toString().toUpperCase());
        }
      },
    },
    on_request(req, res) {
      if (req.url === '/' || req.url === '/index.html') {
        res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' }).end(page);
      } else {
        res.writeHead(404, { 'Content-Type': 'text/plain' }).end('not found\n');
      }
    },
  });
  return { server, ticker };
}

if (require.main === module) {
  const { server, ticker } = start(Number(process.argv[2] ?? process.env.PORT ?? 8080));
  const url = `http://localhost:${server.port}/`;
  console.log(`copas-ts test server listening on port ${server.port}`);
  console.log(`  open ${url} in a browser (dumb-increment-protocol and lws-mirror-protocol)`);
  console.log(`  or try the client: npx ts-node examples/echo-client-copas.ts ws://localhost:${server.port}`);
  stopOnSignals(server, () => ticker.cancel());
  void copas.loop();
}
