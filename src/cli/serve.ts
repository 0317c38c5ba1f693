import { copas, websocket, type ServerConnection } from '../index';
import { formatClose, formatMessage } from './format';
import { numberOption, parseOptions } from './options';
import { UsageError, type Subcommand } from './subcommand';

const usage = `Usage: copas-ts serve [--port 8080] [--host '*'] [--echo | --broadcast] [--protocol p]...

A quick WebSocket server. --echo (the default) sends every message back to its sender; --broadcast sends
every message to all connected clients, the sender too. It prints 'listening on ws://...' and, per
connection, '+ <address> connected', '<address> < <message>' and '- <address> closed: <code>'.
Ctrl-C (or SIGTERM) closes every client (1001) and exits 0.

Options:
  -p, --port <n>           the port (default 8080; 0 = any free port, printed)
      --host <address>     the interface to listen on (default '*', all)
      --echo               reply to each message with the same message
      --broadcast          send each message to every client
      --protocol <name>    accept this sub-protocol (repeat for several; clients offering none are served too)
  -h, --help               this text`;

async function run(argv: string[]): Promise<number> {
  const { values } = parseOptions('serve', argv, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    echo: { type: 'boolean' },
    broadcast: { type: 'boolean' },
    protocol: { type: 'string', multiple: true },
  }, 0);
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  if (values.echo === true && values.broadcast === true) throw new UsageError('copas-ts serve: --echo and --broadcast exclude each other');
  const port = numberOption('serve', 'port', values.port, 8080, 0);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`copas-ts serve: --port must be a port number 0-65535, got '${values.port}'`);
  const mode = values.broadcast === true ? 'broadcast' : 'echo';
  const say = (line: string): void => { process.stdout.write(`${line}\n`); };

  const everyone = new Set<ServerConnection>(); // all protocols: ws.broadcast reaches only the sender's protocol

  function* handler(ws: ServerConnection) {
    everyone.add(ws);
    try {
      yield* serveOne(ws);
    } finally {
      everyone.delete(ws);
    }
  }

  function* serveOne(ws: ServerConnection) {
    const who = `${ws.remoteAddress.replace(/^::ffff:/, '')}:${ws.remotePort}`; // IPv4 as IPv4 on a dual-stack port
    say(`+ ${who} connected${ws.protocol === null ? '' : ` (protocol: ${ws.protocol})`}`);
    for (;;) {
      const [message, opcode, wasClean, code, reason] = yield* ws.receive();
      if (message === null) {
        say(`- ${who} ${formatClose(wasClean, code, reason)}`);
        return;
      }
      say(`${who} < ${formatMessage(message, opcode)}`);
      if (mode === 'echo') yield* ws.send(message, opcode);
      else for (const other of [...everyone]) if (other.state === 'OPEN') yield* other.send(message, opcode);
    }
  }

  const protocols = Object.fromEntries((values.protocol ?? []).map((name) => [name, handler]));
  let server;
  try {
    server = websocket.server.copas.listen({ port, interface: values.host ?? '*', protocols, default: handler });
  } catch (err) {
    process.stderr.write(`copas-ts serve: ${(err as Error).message}\n`);
    return 1;
  }
  say(`listening on ws://${values.host === undefined || values.host === '*' ? 'localhost' : values.host}:${server.port} (${mode})`);
  const stop = (): void => { server.close(); };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    await copas.loop();
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

/** `copas-ts serve`: a quick echo or broadcast server. */
export const serve: Subcommand = { name: 'serve', summary: 'a quick WebSocket server: --echo or --broadcast', usage, run };
