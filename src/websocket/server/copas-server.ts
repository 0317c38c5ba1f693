import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type * as net from 'node:net';
// Straight from the modules, not the barrels: through them every use is a CommonJS re-export getter call.
import { kernel } from '../../scheduler/kernel';
import type { TaskFunction } from '../../scheduler/operation';
import type { Task } from '../../scheduler/task';
import { bindAndListen, track } from '../../socket/bind';
import { handlerTaskName, TcpSocket } from '../../socket/tcp-socket';
import type { TlsParams } from '../../socket/tls-params';
import { toNodeTls } from '../../socket/tls-params';
import { argError, checkFunction, checkGeneratorFunction, checkInteger, checkOptions, checkString } from '../../util/args';
import { CLOSE_GOING_AWAY, CLOSE_INTERNAL_ERROR, CLOSE_NORMAL } from '../core/close-codes';
import { negotiateDeflate, type DeflateOptions } from '../core/deflate-negotiation';
import { buildHttpError, buildServerResponse, validateUpgradeRequest } from '../core/handshake';
import { WebSocketProtocol } from '../core/protocol';
import { textFrames } from '../text-frames';
import { ServerConnection, type ClientGroup } from './server-connection';

/** A protocol handler: a task body given the connection. */
export type WebSocketHandler = TaskFunction<[ServerConnection], unknown>;

/** `websocket.server.copas.listen(config)`'s table. */
export interface ServerConfig {
  /** Port to listen on (default 80; 0 = any free port, see server.port). */
  port?: number;
  /** Interface to listen on (default '*', all). */
  interface?: string;
  /** Handlers by sub-protocol name. */
  protocols?: Record<string, WebSocketHandler>;
  /** Handler for clients that offer no protocol we have. Without it such clients get HTTP 400. */
  default?: WebSocketHandler;
  /** Called with 'invalid request' or 'bad protocol' when a handshake is refused (default: print it). */
  on_error?: (message: string) => void;
  /** Mount on an existing http.Server / https.Server instead of listening (as ws's handleUpgrade). */
  server?: http.Server;
  /** TLS (wss://): a LuaSec table `{ key, certificate }` or Node's https options. */
  tls?: TlsParams | https.ServerOptions;
  /** permessage-deflate: off by default on servers (as `ws`); true or tuning options to offer it. */
  compression?: boolean | DeflateOptions;
  /** Largest message accepted in bytes (after inflation); larger ones close with 1009. */
  maxMessageSize?: number;
  /** Seconds each connection operation may wait (undefined = forever). */
  timeout?: number;
  /** Seconds to wait for a close reply (default 3). */
  closeTimeout?: number;
  /** Seconds a client has to send its whole handshake (default 10; slow clients are dropped). */
  handshakeTimeout?: number;
  /** Plain HTTP requests on the same port (a page, a health check). Default: 426 Upgrade Required. */
  on_request?: (req: http.IncomingMessage, res: http.ServerResponse) => void;
}

let serverCount = 0;

/**
 * A WebSocket server under copas: every accepted connection runs its protocol's handler as a task.
 *
 * Lua: `local server = websocket.server.copas.listen{ port = 8080, protocols = { echo = function(ws) ... end } }`
 * TS:  `const server = websocket.server.copas.listen({ port: 8080, protocols: { echo: function* (ws) { ... } } })`
 */
export class WebSocketServer {
  /** The port listened on (useful with port 0). */
  readonly port: number;
  /** The Node HTTP server underneath (shared with the user's when mounted). */
  readonly httpServer: http.Server;
  private readonly groups = new Map<string | null, ClientGroup>();
  /** The config's protocol names by name: a chosen protocol is the config's string, not a copy per connection. */
  private readonly protocolNames: Map<string, string>;
  private readonly mounted: boolean;
  private readonly name: string;
  private closed = false;
  private count = 0;
  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.handleUpgrade(req, socket as net.Socket, head);
  };

  /** @internal use listen() */
  constructor(private readonly config: ServerConfig) {
    this.name = `websocket-server#${++serverCount}`;
    this.protocolNames = new Map(Object.keys(config.protocols ?? {}).map((k) => [k, k]));
    if (config.server !== undefined) {
      this.mounted = true;
      this.httpServer = config.server;
      track(config.server); // a sync client in this thread must not wait for it
      const a = config.server.address();
      this.port = a !== null && typeof a === 'object' ? a.port : 0;
    } else {
      this.mounted = false;
      const handshakeMs = (config.handshakeTimeout ?? 10) * 1000;
      const serverOptions: http.ServerOptions = { connectionsCheckingInterval: Math.min(1000, handshakeMs), headersTimeout: handshakeMs, requestTimeout: handshakeMs + 1000, noDelay: true };
      const create = config.tls === undefined ? () => http.createServer(serverOptions)
        : () => https.createServer({ ...serverOptions, ...tlsOptions(config.tls as TlsParams | https.ServerOptions) }) as unknown as http.Server;
      const [server, err] = bindAndListen(config.interface ?? '*', config.port ?? 80, 511, create);
      if (server === null) throw new Error(err);
      this.httpServer = server;
      const a = server.address();
      this.port = a !== null && typeof a === 'object' ? a.port : config.port ?? 80;
      server.on('request', (req, res) => {
        if (config.on_request !== undefined) config.on_request(req, res);
        else res.writeHead(426, { 'Content-Type': 'text/plain', Connection: 'close', Upgrade: 'websocket' }).end('Upgrade Required: this is a WebSocket server\n');
      });
      server.on('clientError', (_err: Error, socket: Duplex) => {
        if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
        else socket.destroy();
        this.error('invalid request');
      });
    }
    this.httpServer.on('upgrade', this.onUpgrade);
    kernel.hold();
    kernel.cancelHooks.add(this.cancelHook);
  }

  /** copas.cancelall (teardown): stop listening and drop every client at once, no handshake. */
  private readonly cancelHook = (): void => {
    this.close(true);
    for (const c of this.clients) c.abort();
  };

  private error(message: string): void {
    const onError = this.config.on_error ?? ((m: string) => console.log(m));
    try { onError(message); } catch (err) { kernel.reportError(err, null, undefined); }
  }

  /**
   * Takes over an HTTP upgrade (the 'upgrade' event of an http.Server) as `ws`'s handleUpgrade does:
   * refuses bad requests with the right HTTP status, else answers 101 and runs the handler as a task.
   */
  handleUpgrade(req: http.IncomingMessage, socket: net.Socket, head: Buffer): void {
    if (this.closed) { socket.destroy(); return; }
    const compression = this.config.compression;
    const check = validateUpgradeRequest(req.method ?? '', req.httpVersion, req.headers, { extensions: compression !== undefined && compression !== false });
    if (!check.ok) {
      refuse(socket, buildHttpError(check.status, check.reason, check.headers));
      this.error('invalid request');
      return;
    }
    let chosen: string | null = null;
    for (const p of check.protocols) {
      const name = this.protocolNames.get(p);
      if (name !== undefined) { chosen = name; break; }
    }
    const handler = chosen !== null ? (this.config.protocols as Record<string, WebSocketHandler>)[chosen] : this.config.default;
    if (handler === undefined) {
      refuse(socket, buildHttpError(400, 'no supported sub-protocol was offered'));
      this.error('bad protocol');
      return;
    }
    const deflateOptions: DeflateOptions | null = compression === undefined || compression === false ? null : compression === true ? {} : compression;
    const agreement = deflateOptions === null ? null : negotiateDeflate(deflateOptions, check.extensions);
    socket.setNoDelay(true);
    socket.write(buildServerResponse(check.key, chosen, agreement === null ? null : agreement.header));
    let group = this.groups.get(chosen);
    if (group === undefined) { group = new Set(); this.groups.set(chosen, group); }
    const conn = new ServerConnection(req, chosen, group, { timeout: this.config.timeout, closeTimeout: this.config.closeTimeout });
    const proto = new WebSocketProtocol('server', {
      maxMessageSize: this.config.maxMessageSize, deflate: agreement === null ? null : agreement.params,
      deflateOptions: deflateOptions ?? undefined, textFrames,
    });
    const sock = TcpSocket.fromStream(socket); // it listens for errors from here on (none can come before)
    conn.open(sock, proto, head);
    group.add(conn);
    const n = ++this.count;
    sock.nameBase = this.name;
    sock.nameIndex = n;
    const task = kernel.spawn(handlerTaskName, handler, [conn]);
    task.socket = sock;
    task.data = conn;
    task.addFinalizer(handlerEnded);
  }

  /** Every open connection, all protocols. */
  get clients(): ServerConnection[] {
    const all: ServerConnection[] = [];
    for (const g of this.groups.values()) all.push(...g);
    return all;
  }

  /**
   * Stops listening and, unless keep_clients, closes every client with a close handshake.
   * Lua: `server:close(keep_clients)`.
   */
  close(keep_clients?: boolean): void {
    if (this.closed) return;
    this.closed = true;
    kernel.cancelHooks.delete(this.cancelHook);
    this.httpServer.off('upgrade', this.onUpgrade);
    if (!this.mounted) this.httpServer.close();
    kernel.release();
    if (!keep_clients) for (const c of this.clients) c.closeInBackground(CLOSE_GOING_AWAY);
  }
}

function ignore(): void { /* see refuse */ }

/** Answers a request that cannot upgrade; a reset meanwhile only ends this connection. */
function refuse(socket: net.Socket, answer: string): void {
  socket.on('error', ignore);
  socket.end(answer);
}

/** A handler that returns leaves nothing behind: its connection is closed (1000; 1011 if it failed). */
function handlerEnded(task: Task): void {
  const failed = task.results !== null && task.results[0] === false && !task.cancelled;
  (task.data as ServerConnection).closeInBackground(failed ? CLOSE_INTERNAL_ERROR : task.cancelled ? CLOSE_GOING_AWAY : CLOSE_NORMAL);
}

function tlsOptions(t: TlsParams | https.ServerOptions): https.ServerOptions {
  const lua = t as TlsParams;
  if (lua.certificate !== undefined || lua.mode !== undefined) return toNodeTls('listen', { ...lua, mode: 'server' }).options;
  return t as https.ServerOptions;
}

/**
 * Starts a WebSocket server (see ServerConfig). Throws when the config is wrong or the port is taken.
 *
 * Lua: `websocket.server.copas.listen(config)`  ->  TS: `websocket.server.copas.listen(config)`
 */
export function listen(config: ServerConfig): WebSocketServer {
  const fn = 'websocket.server.copas.listen';
  const c = checkOptions(fn, 'config', config) as ServerConfig;
  if (c.protocols === undefined && c.default === undefined) throw new Error(`${fn}: config needs 'protocols' or 'default' (a handler function* (ws) { ... })`);
  if (c.protocols !== undefined) {
    checkOptions(fn, 'config.protocols', c.protocols);
    for (const [name, h] of Object.entries(c.protocols)) checkGeneratorFunction(fn, `config.protocols['${name}']`, h);
  }
  if (c.default !== undefined) checkGeneratorFunction(fn, 'config.default', c.default);
  if (c.port !== undefined) checkInteger(fn, 'config.port', c.port, 0, 65535);
  checkString(fn, 'config.interface', c.interface, true);
  checkFunction(fn, 'config.on_error', c.on_error, true);
  checkFunction(fn, 'config.on_request', c.on_request, true);
  if (c.server !== undefined && !(c.server instanceof http.Server)) throw argError(fn, 'config.server', 'an http.Server or https.Server', c.server);
  return new WebSocketServer(c);
}
