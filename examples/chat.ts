/**
 * A chat room: every message a client sends goes to everyone (broadcast), with the sender's address.
 * Run: npx ts-node examples/chat.ts [port]   then connect with any WebSocket client, protocol 'chat'.
 */
import { copas, websocket } from '../src';
import { stopOnSignals } from './stop-on-signals';

export function start(port = 8082) {
  return websocket.server.copas.listen({
    port,
    protocols: {
      chat: function* (ws) {
        const who = `${ws.remoteAddress}:${ws.remotePort}`;
        yield* ws.broadcast(`* ${who} joined`);
        for (;;) {
          const [message] = yield* ws.receive();
          if (message === null) break;
          yield* ws.broadcast(`${who}: ${message.toString()}`);
        }
        yield* ws.broadcast(`* ${who} left`); // reaches the others; this closed connection answers 'wrong state'
      },
    },
  });
}

if (require.main === module) {
  const server = start(Number(process.argv[2] ?? 8082));
  console.log(`chat on ws://localhost:${server.port} (protocol: chat)`);
  stopOnSignals(server);
  void copas.loop();
}
