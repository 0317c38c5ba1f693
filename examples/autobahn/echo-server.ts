/**
 * The server the Autobahn|Testsuite's fuzzingclient tests: echoes every message, any protocol or none,
 * with permessage-deflate offered. Run: npx ts-node examples/autobahn/echo-server.ts [port=9001]
 * then point `wstest -m fuzzingclient` at ws://127.0.0.1:9001.
 */
import { copas, websocket, type ServerConnection } from '../../src';

function* echo(ws: ServerConnection) {
  for (;;) {
    const [message, opcode] = yield* ws.receive();
    if (message === null) return;
    yield* ws.send(message, opcode);
  }
}

const port = Number(process.argv[2] ?? 9001);
const server = websocket.server.copas.listen({ port, interface: '127.0.0.1', default: echo, compression: true });
console.log(`autobahn echo server on ws://127.0.0.1:${server.port}`);
void copas.loop();
