/**
 * The lua-websockets README's server, line by line: `echo`, `echo-uppercase`, and a default handler that
 * says goodbye. Run: npx ts-node examples/echo-server-copas.ts [port]
 */
import { copas, websocket, type ServerConnection } from '../src';
import { stopOnSignals } from './stop-on-signals';

function* echo(ws: ServerConnection) {
  for (;;) {
    const [message, opcode] = yield* ws.receive();
    if (message !== null) {
      yield* ws.send(message, opcode);
    } else {
      yield* ws.close();
      return;
    }
  }
}

function* echoUppercase(ws: ServerConnection) {
  for (;;) {
    const [message] = yield* ws.receive();
    if (message !== null) {
      yield* ws.send(message.toString().toUpperCase());
    } else {
      yield* ws.close();
      return;
    }
  }
}

/** Starts the server; returns it so specs and other examples can reuse it. */
export function start(port = 8080, iface = '*') {
  return websocket.server.copas.listen({
    port,
    interface: iface,
    protocols: {
      echo,
      'echo-uppercase': echoUppercase,
    },
    default: function* (ws) {
      yield* ws.send('goodbye strange client');
      yield* ws.close();
    },
  });
}

if (require.main === module) {
  const server = start(Number(process.argv[2] ?? 8080));
  console.log(`echo server on ws://localhost:${server.port} (protocols: echo, echo-uppercase)`);
  stopOnSignals(server);
  void copas.loop();
}
