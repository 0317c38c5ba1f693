/**
 * Drives the Autobahn|Testsuite's fuzzingserver with our clients: asks for the case count, runs each case
 * as an echo client, then asks for the report. `copas` (default) uses websocket.client.copas in tasks;
 * `sync` uses websocket.client.sync with plain blocking calls.
 * Run: npx ts-node examples/autobahn/client-driver.ts [copas|sync] [ws://127.0.0.1:9002]
 */
import { copas, websocket } from '../../src';

const mode = process.argv[2] ?? 'copas';
const base = process.argv[3] ?? 'ws://127.0.0.1:9002';
const agent = `copas-ts-${mode}`;

/** Echo until the server closes; returns the text of the last message (for getCaseCount). */
function echoSync(url: string): string | Buffer | null {
  const client = websocket.client.sync({ timeout: 60 });
  const [ok, err] = client.connect(url);
  if (!ok) throw new Error(`connect ${url}: ${err}`);
  let last: string | Buffer | null = null;
  for (;;) {
    const [message, opcode] = client.receive();
    if (message === null) return last;
    last = message;
    client.send(message, opcode);
  }
}

function* echoCopas(url: string) {
  const client = websocket.client.copas({ timeout: 60 });
  const [ok, err] = yield* client.connect(url);
  if (!ok) throw new Error(`connect ${url}: ${err}`);
  let last: string | Buffer | null = null;
  for (;;) {
    const [message, opcode] = yield* client.receive();
    if (message === null) return last;
    last = message;
    yield* client.send(message, opcode);
  }
}

if (mode === 'sync') {
  const count = Number(echoSync(`${base}/getCaseCount`));
  for (let i = 1; i <= count; i++) {
    echoSync(`${base}/runCase?case=${i}&agent=${agent}`);
    if (i % 50 === 0 || i === count) console.log(`case ${i}/${count}`);
  }
  echoSync(`${base}/updateReports?agent=${agent}`);
  console.log('reports updated');
} else {
  copas.addthread(function* () {
    const count = Number(yield* echoCopas(`${base}/getCaseCount`));
    for (let i = 1; i <= count; i++) {
      yield* echoCopas(`${base}/runCase?case=${i}&agent=${agent}`);
      if (i % 50 === 0 || i === count) console.log(`case ${i}/${count}`);
    }
    yield* echoCopas(`${base}/updateReports?agent=${agent}`);
    console.log('reports updated');
  });
  void copas.loop();
}
