/**
 * The copas client: connect with the 'echo' protocol, send a few messages, print the echoes, close.
 * Run: npx ts-node examples/echo-client-copas.ts [ws://localhost:8080]
 */
import { copas, websocket } from '../src';

const url = process.argv[2] ?? 'ws://localhost:8080';

copas.addthread(function* () {
  const client = websocket.client.copas({ timeout: 2 });
  const [ok, err] = yield* client.connect(url, 'echo');
  if (!ok) {
    console.log('could not connect', err);
    return;
  }
  for (const text of ['hello', 'copas', 'websocket']) {
    yield* client.send(text);
    const [message, opcode] = yield* client.receive();
    console.log('echo:', message, 'opcode', opcode);
  }
  const [wasClean, code, reason] = yield* client.close(1000, 'done');
  console.log('closed', wasClean, code, reason);
});

void copas.loop();
