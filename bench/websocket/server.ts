/**
 * bench/websocket/server.ts <copas|ws|net>: one echo server per process, started by run.ts. copas and ws also
 * serve the protocol 'broadcast' (each message to every client of it) for the broadcast scenario.
 *
 *   copas  the README's generator echo handler on websocket.server.copas.listen (compression off, the default)
 *   ws     `ws` v8 echo, perMessageDeflate: false (run.ts sets WS_NO_BUFFER_UTIL=1 for the variant without
 *          bufferutil)
 *   core   diagnostic, only when BENCH_SERVERS names it: copas-ts's sans-I/O protocol core (the same
 *          WebSocketProtocol, strings for TEXT as in the README) driven straight from Node's socket callbacks,
 *          without the scheduler, its sockets and the generator handler: what those layers cost per message
 *   net    a length-prefixed node:net echo (4-byte big-endian length + payload) that writes once per message:
 *          the floor of what Node allows per message
 *
 * Listens on 127.0.0.1 (any port) and talks to run.ts over the IPC channel: sends {ready, port} once listening;
 * answers {cmd:'mem'} with memory after global.gc() (needs --expose-gc) and the number of open connections.
 * COPAS_LIB selects the copas-ts build to load (default: ../../src; e.g. the built dist, or a scratch copy).
 */
import * as net from 'node:net';
import * as path from 'node:path';

const kind = process.argv[2];
const HOST = '127.0.0.1';

type CountFn = () => number;
let countConnections: CountFn = () => -1;

function send(msg: object): void {
  if (process.send) process.send(msg);
  else console.log(JSON.stringify(msg));
}

function ready(port: number): void {
  const bufferutil = Object.keys(require.cache).some((k) => k.includes(`${path.sep}bufferutil${path.sep}`));
  send({ ready: true, kind, port, pid: process.pid, bufferutil });
}

function copasServer(): void {
  const lib = process.env.COPAS_LIB ? path.resolve(process.env.COPAS_LIB) : path.resolve(__dirname, '../../src');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { copas, websocket } = require(lib);
  // The README's server, unchanged: a generator loop per connection.
  const server = websocket.server.copas.listen({
    port: 0,
    interface: HOST,
    protocols: {
      echo: function* (ws: any) {
        while (true) {
          const [message, opcode] = yield* ws.receive();
          if (message === null) return;
          yield* ws.send(message, opcode);
        }
      },
      // the broadcast scenario: every message a client sends goes to every client of the protocol (itself too)
      broadcast: function* (ws: any) {
        while (true) {
          const [message, opcode] = yield* ws.receive();
          if (message === null) return;
          yield* ws.broadcast(message, opcode);
        }
      },
    },
    pingInterval: null, // the load generator does not answer PINGs: keep them out of the byte counts
    on_error: () => { /* a load generator that disconnects is not news */ },
  });
  countConnections = () => server.clients.length;
  void copas.loop();
  ready(server.port);
}

function coreServer(): void {
  const lib = process.env.COPAS_LIB ? path.resolve(process.env.COPAS_LIB) : path.resolve(__dirname, '../../src');
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const core = require(path.join(lib, 'websocket/core'));
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const http = require('node:http');
  let open = 0;
  const server = http.createServer();
  server.on('upgrade', (req: any, socket: net.Socket, head: Buffer) => {
    const check = core.validateUpgradeRequest(req.method, req.httpVersion, req.headers, { extensions: false });
    if (!check.ok) { socket.end(core.buildHttpError(check.status, check.reason, check.headers)); return; }
    socket.setNoDelay(true);
    socket.write(core.buildServerResponse(check.key, check.protocols.includes('echo') ? 'echo' : null, null));
    const proto = new core.WebSocketProtocol('server');
    open++;
    socket.on('close', () => { open--; });
    socket.on('error', () => { /* resets at the end of a run */ });
    const onData = (chunk: Buffer): void => {
      proto.receive(chunk);
      let closed = false;
      for (let ev = proto.nextEvent(); ev !== null; ev = proto.nextEvent()) {
        if (ev.type === 'message') proto.sendMessage(ev.data, ev.opcode);
        else if (ev.type === 'close') closed = true;
      }
      const out: Buffer[] = proto.takeOutgoing();
      if (out.length === 1) socket.write(out[0]);
      else if (out.length > 1) { socket.cork(); for (const b of out) socket.write(b); socket.uncork(); }
      if (closed) socket.end(); // after the close reply
    };
    if (head.length > 0) onData(head);
    socket.on('data', onData);
  });
  countConnections = () => open;
  server.listen(0, HOST, () => ready((server.address() as net.AddressInfo).port));
}

function wsServer(): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const { WebSocketServer } = require('ws');
  const wss = new WebSocketServer({ host: HOST, port: 0, perMessageDeflate: false });
  wss.on('connection', (ws: any) => {
    ws.on('error', () => { /* resets at the end of a run */ });
    if (ws.protocol === 'broadcast') {
      // ws's documented broadcast: wss.clients.forEach, to every open client (itself too)
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        wss.clients.forEach((client: any) => { if (client.readyState === 1) client.send(data, { binary: isBinary }); });
      });
      return;
    }
    ws.on('message', (data: Buffer, isBinary: boolean) => ws.send(data, { binary: isBinary }));
  });
  countConnections = () => wss.clients.size;
  wss.on('listening', () => ready(wss.address().port));
}

function netServer(): void {
  let open = 0;
  const server = net.createServer({ noDelay: true }, (c) => {
    open++;
    c.on('close', () => { open--; });
    c.on('error', () => { /* resets at the end of a run */ });
    let parts: Buffer[] = [];
    let buffered = 0;
    c.on('data', (chunk: Buffer) => {
      let buf = chunk;
      if (buffered > 0) {
        parts.push(chunk);
        buffered += chunk.length;
        if (buffered < 4) return;
        const need = 4 + (parts[0].length >= 4 ? parts[0].readUInt32BE(0) : Buffer.concat(parts).readUInt32BE(0));
        if (buffered < need) return;
        buf = Buffer.concat(parts, buffered);
        parts = [];
        buffered = 0;
      }
      let off = 0;
      const len = buf.length;
      while (len - off >= 4) {
        const end = off + 4 + buf.readUInt32BE(off);
        if (end > len) break;
        c.write(buf.subarray(off, end)); // once per message
        off = end;
      }
      if (off < len) {
        parts.push(off === 0 ? buf : buf.subarray(off));
        buffered = len - off;
      }
    });
  });
  countConnections = () => open;
  server.listen(0, HOST, () => ready((server.address() as net.AddressInfo).port));
}

process.on('message', (msg: { cmd: string }) => {
  if (msg.cmd === 'mem') {
    const gc = (global as { gc?: () => void }).gc;
    if (gc) { gc(); gc(); }
    const m = process.memoryUsage();
    send({ mem: { rss: m.rss, heapUsed: m.heapUsed, external: m.external, arrayBuffers: m.arrayBuffers }, conns: countConnections() });
  } else if (msg.cmd === 'exit') {
    process.exit(0);
  }
});
process.on('disconnect', () => process.exit(0));

if (kind === 'copas') copasServer();
else if (kind === 'ws') wsServer();
else if (kind === 'net') netServer();
else if (kind === 'core') coreServer();
else { console.error(`unknown server kind ${kind}`); process.exit(2); }
