import * as readline from 'node:readline';
import { copas, websocket, type Task } from '../index';
import { formatClose, formatMessage } from './format';
import { numberOption, parseOptions } from './options';
import { UsageError, type Subcommand } from './subcommand';

const usage = `Usage: copas-ts connect <url> [--protocol p]... [--header 'K: V']... [--wait seconds]

A WebSocket client (like wscat). Each line read from stdin is sent as a TEXT message; each message
received is printed on stdout, TEXT as it is, BINARY as '[binary N bytes] <hex>'. At the end the close is
printed as 'closed: <code> [reason]'.

When stdin ends (a pipe, or Ctrl-D) the client waits until as many messages have come back as lines were
sent, or --wait seconds, then closes (1000). Ctrl-C closes at once. The server may close first.
Exit code: 0 after a clean close, 1 when the connection failed or did not close cleanly, 2 on bad usage.

Options:
  -p, --protocol <name>    offer a sub-protocol (repeat to offer several)
  -H, --header <'K: V'>    add a request header (repeat for several)
  -w, --wait <seconds>     after stdin ends, how long to wait for the replies (default 2)
  -h, --help               this text`;

/** 'K: V' -> [K, V]; a bad header is a UsageError. */
function parseHeader(text: string): [string, string] {
  const at = text.indexOf(':');
  const key = at < 0 ? '' : text.slice(0, at).trim();
  if (key === '' || !/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(key)) {
    throw new UsageError(`copas-ts connect: --header must look like 'Name: value', got '${text}'`);
  }
  return [key, text.slice(at + 1).trim()];
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions('connect', argv, {
    protocol: { type: 'string', short: 'p', multiple: true },
    header: { type: 'string', short: 'H', multiple: true },
    wait: { type: 'string', short: 'w' },
  }, 1);
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const url = positionals[0];
  if (!/^wss?:\/\//i.test(url)) throw new UsageError(`copas-ts connect: <url> must start with ws:// or wss://, got '${url}'`);
  const wait = numberOption('connect', 'wait', values.wait, 2, 0);
  const headers = Object.fromEntries((values.header ?? []).map(parseHeader));
  const protocols = values.protocol ?? [];

  const ws = websocket.client.copas({ headers });
  let exitCode = 1;
  let sent = 0;
  let received = 0;
  let sender: Task | null = null;
  let awaitingReplies = false; // the sender sleeps in its wait for replies: a message may wake it

  // Reads stdin and sends each line; after EOF waits for the replies (woken per message), then closes.
  function* sendLines() {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    const lines = rl[Symbol.asyncIterator]();
    try {
      for (;;) {
        const next = yield* copas.await(lines.next());
        if (next.done === true) break;
        const [ok] = yield* ws.send(next.value);
        if (ok === null) return; // closed meanwhile: the receiver prints how
        sent++;
      }
    } finally {
      rl.close();
    }
    const deadline = copas.gettime() + wait;
    awaitingReplies = true;
    while (received < sent && ws.state === 'OPEN') {
      const left = deadline - copas.gettime();
      if (left <= 0) break;
      yield* copas.sleep(left);
    }
    awaitingReplies = false;
    if (ws.state === 'OPEN') yield* ws.close(1000);
  }

  // Prints every message, and the close; then ends the sender if the server closed first.
  function* receiveMessages() {
    for (;;) {
      const [message, opcode, wasClean, code, reason] = yield* ws.receive();
      if (message === null) {
        process.stdout.write(`${formatClose(wasClean ?? null, code ?? null, reason ?? null)}\n`);
        exitCode = wasClean === true ? 0 : 1;
        break;
      }
      process.stdout.write(`${formatMessage(message, opcode)}\n`);
      received++;
      if (awaitingReplies && sender !== null) copas.wakeup(sender);
    }
    if (sender !== null && !sender.dead) copas.removethread(sender);
  }

  const onSigint = (): void => {
    if (ws.state !== 'OPEN') process.exit(130);
    copas.addnamedthread('cli-interrupt', function* () {
      if (sender !== null && !sender.dead) copas.removethread(sender);
      if (ws.state === 'OPEN') yield* ws.close(1000);
    });
  };
  process.on('SIGINT', onSigint);
  try {
    await copas.loop(function* () {
      const [ok, protocolOrError] = yield* ws.connect(url, protocols.length === 0 ? undefined : protocols);
      if (ok === null) {
        process.stderr.write(`copas-ts connect: ${protocolOrError}\n`);
        return;
      }
      process.stderr.write(`connected to ${url}${protocolOrError === null ? '' : ` (protocol: ${protocolOrError})`}\n`);
      sender = copas.addnamedthread('cli-stdin', sendLines);
      copas.addnamedthread('cli-receive', receiveMessages);
    });
  } finally {
    process.off('SIGINT', onSigint);
  }
  return exitCode;
}

/** `copas-ts connect`: the wscat-like client. */
export const connect: Subcommand = { name: 'connect', summary: 'a WebSocket client: stdin lines go out, messages come out', usage, run };
