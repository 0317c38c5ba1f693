/**
 * A sync WebSocket echo client: plain blocking calls, no scheduler, no await. Run the echo server first
 * (examples/echo-server-copas.ts from the README), then:
 *
 *   npx ts-node --transpile-only examples/echo-client-sync.ts [ws://127.0.0.1:8080]
 *
 * The Lua original, line by line:
 *
 *   local client = websocket.client.sync({timeout = 2})
 *   local ok, err = client:connect('ws://127.0.0.1:8080', 'echo')
 *   if not ok then print('could not connect', err) return end
 *   for _, text in ipairs(messages) do
 *     client:send(text)
 *     local message, opcode = client:receive()
 *     print('echo', message, opcode)
 *   end
 *   client:close()
 */
import { websocket } from '../src';

const url = process.argv[2] ?? 'ws://127.0.0.1:8080';
const messages = ['hello', 'from a plain script', 'no yield*, no await'];

const client = websocket.client.sync({ timeout: 2 });
const [ok, err] = client.connect(url, 'echo');
if (ok === null) {
  console.log('could not connect', err);
  process.exitCode = 1;
} else {
  for (const text of messages) {
    client.send(text);
    const [message, opcode] = client.receive();
    if (message === null) {
      console.log('connection closed');
      break;
    }
    console.log('echo', message, opcode === websocket.TEXT ? 'TEXT' : 'BINARY');
  }
  client.send(Buffer.from([0xde, 0xad, 0xbe, 0xef]), websocket.BINARY);
  const [bytes] = client.receive();
  console.log('echo', bytes, 'BINARY');
  const [wasClean, code, reason] = client.close(1000, 'bye');
  console.log('closed', wasClean, code, reason);
}
