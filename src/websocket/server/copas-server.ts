import * as http from 'node:http';
import * as https from 'node:https';
import type { Duplex } from 'node:stream';
import type * as net from 'node:net';
// Straight from the modules, not the barrels: through them every use is a CommonJS re-export getter call.
import { kernel } from '../../scheduler/kernel';
import type { TaskFunction, TaskGenerator } from '../../scheduler/operation';
import { gettime } from '../../scheduler/clock';
import { sleep } from '../../scheduler/sleep';
import type { Task } from '../../scheduler/task';
import { bindAndListen, track } from '../../socket/bind';
import { handlerTaskName, TcpSocket } from '../../socket/tcp-socket';
import type { TlsParams } from '../../socket/tls-params';
import { toNodeTls } from '../../socket/tls-params';
import { argError, checkFunction, checkGeneratorFunction, checkInteger, checkOptions, checkSeconds, checkString } from '../../util/args';
import { CLOSE_GOING_AWAY, CLOSE_INTERNAL_ERROR, CLOSE_NORMAL } from '../core/close-codes';
import { negotiateDeflate, type DeflateOptions } from '../core/deflate-negotiation';
import { buildHttpError, buildServerResponse, validateUpgradeRequest } from '../core/handshake';
import { WebSocketProtocol } from '../core/protocol';
import { textFrames } from '../text-frames';
import { ServerConnection, type ClientGroup } from './server-connection';
import { checkOrigins, refuseOrigin, runAuthorize, type AuthorizeHook, type Refusal, type UpgradeRequest } from './admission';
import type { SlowClientPolicy } from '../buffered-amount';
import { checkConnectionOptions } from '../connection-options';
import { WS_OPTION_NAMES } from '../../util/options-check';
import { checkPubSubConfig, checkTopic, ServerTopics, type PubSubConfig, type PubSubStatus } from './server-topics';

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
  /**
   * Neither listen nor mount: upgrades come only through `server.handleUpgrade(req, socket, head)`, called
   * from your own http.Server's 'upgrade' event (several WebSocket servers on one port, routed by path).
   */
  manual?: boolean;
  /** Allowed Origin values (`'https://example.com'`); others get 403. A request without Origin is refused unless the list has null. */
  origins?: (string | null)[];
  /** Decides on each request before the 101 (may be a generator function; the handshake timeout applies). */
  authorize?: AuthorizeHook;
  /** Most connections open at once (including those being authorized); more get 503. Default: no limit. */
  maxConnections?: number;
  /** Bytes queued per connection before a broadcast applies `slowClient` (default 1 MiB). */
  maxBufferedAmount?: number;
  /** A broadcast to a client over maxBufferedAmount: 'close' it with 1008 (default) or 'skip' the message for it. */
  slowClient?: SlowClientPolicy;
  /** Seconds between keepalive PINGs when the client is quiet (default 20; null = no keepalive). */
  pingInterval?: number | null;
  /** Seconds a PING may go unanswered before the client is closed with 1011 (default 20; null = never). */
  pingTimeout?: number | null;
  /**
   * Share topics with other processes and machines: `{ redis: 'redis://host:port' }` (see docs/scaling.md).
   * Redis being unreachable is reported through on_error and retried; local subscribers are served meanwhile.
   */
  pubsub?: PubSubConfig;
}

const CONFIG_KEYS = ['port', 'interface', 'protocols', 'default', 'on_error', 'server', 'tls', 'compression', 'maxMessageSize',
  'timeout', 'closeTimeout', 'handshakeTimeout', 'on_request', 'manual', 'origins', 'authorize', 'maxConnections',
  'maxBufferedAmount', 'slowClient', 'pingInterval', 'pingTimeout', 'pubsub'] as const;

let serverCount = 0;

/**
 * A WebSocket server under copas: every accepted connection runs its protocol's handler as a task.
 *
 * Lua: `local server = websocket.server.copas.listen{ port = 8080, protocols = { echo = function(ws) ... end } }`
 * TS:  `const server = websocket.server.copas.listen({ port: 8080, protocols: { echo: function* (ws) { ... } } })`
 */
export class WebSocketServer {
  /** The port listened on (useful with port 0; 0 in manual mode). */
  readonly port: number;
  /** The Node HTTP server underneath (the user's when mounted; null in manual mode). */
  readonly httpServer: http.Server | null;
  private readonly groups = new Map<string | null, ClientGroup>();
  private readonly hub: ServerTopics;
  /** The config's protocol names by name: a chosen protocol is the config's string, not a copy per connection. */
  private readonly protocolNames: Map<string, string>;
  private readonly origins: Set<string | null> | null;
  private readonly ownsHttpServer: boolean;
  private readonly name: string;
  private closed = false;
  private count = 0;
  /** Requests inside authorize (they count against maxConnections). */
  private pending = 0;
  private readonly onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer): void => {
    this.handleUpgrade(req, socket as net.Socket, head);
  };

  /** @internal use listen() */
  constructor(private readonly config: ServerConfig) {
    this.name = `websocket-server#${++serverCount}`;
    this.protocolNames = new Map(Object.keys(config.protocols ?? {}).map((k) => [k, k]));
    const served: (string | null)[] = [...this.protocolNames.keys(), ...(config.default !== undefined ? [null] : [])];
    this.hub = new ServerTopics(config.pubsub, this.groups, served, (m) => this.error(m));
    this.origins = checkOrigins('websocket.server.copas.listen', config.origins);
    if (config.manual === true) {
      this.ownsHttpServer = false;
      this.httpServer = null;
      this.port = 0;
    } else if (config.server !== undefined) {
      this.ownsHttpServer = false;
      this.httpServer = config.server;
      track(config.server); // a sync client in this thread must not wait for it
      const a = config.server.address();
      this.port = a !== null && typeof a === 'object' ? a.port : 0;
    } else {
      this.ownsHttpServer = true;
      const handshakeMs = this.handshakeTimeout * 1000;
      const serverOptions: http.ServerOptions = { connectionsCheckingInterval: Math.min(1000, handshakeMs), headersTimeout: handshakeMs, requestTimeout: handshakeMs + 1000, noDelay: true };
      const create = config.tls === undefined ? () => http.createServer(serverOptions)
        : () => https.createServer({ ...serverOptions, ...tlsOptions(config.tls as TlsParams | https.ServerOptions) }) as unknown as http.Server;
      const iface = config.interface ?? '*';
      const port = config.port ?? 80;
      const where = `${iface}:${port}`;
      // a failure known only later (a host name that does not resolve) reaches on_error, never an unhandled 'error'
      const [server, err] = bindAndListen(iface, port, 511, create, (e) => this.error(`cannot listen on ${where}: ${e}`));
      if (server === null) throw new Error(`websocket.server.copas.listen: cannot listen on ${where}: ${err}`);
      this.httpServer = server;
      const a = server.address();
      this.port = a !== null && typeof a === 'object' ? a.port : port;
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
    this.httpServer?.on('upgrade', this.onUpgrade);
    kernel.hold();
    kernel.cancelHooks.add(this.cancelHook);
  }

  private get handshakeTimeout(): number {
    return this.config.handshakeTimeout ?? 10;
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

  /** Connections open now plus requests being authorized. */
  private get load(): number {
    let n = this.pending;
    for (const g of this.groups.values()) n += g.size;
    return n;
  }

  /**
   * Takes over an HTTP upgrade (the 'upgrade' event of an http.Server) as `ws`'s handleUpgrade does:
   * refuses bad or unwanted requests with the right HTTP status (400, 403 for `origins`, 503 past
   * `maxConnections`, authorize's answer), else answers 101 and runs the handler as a task. With
   * `manual: true` this is the only way in, so several servers can share one http.Server:
   *
   * `httpServer.on('upgrade', (req, socket, head) => (req.url === '/chat' ? chat : feed).handleUpgrade(req, socket, head))`
   */
  handleUpgrade(req: http.IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) { socket.destroy(); return; }
    const compression = this.config.compression;
    const check = validateUpgradeRequest(req.method ?? '', req.httpVersion, req.headers, { extensions: compression !== undefined && compression !== false });
    if (!check.ok) {
      refuse(socket, buildHttpError(check.status, check.reason, check.headers));
      this.error('invalid request');
      return;
    }
    const max = this.config.maxConnections;
    if (max !== undefined && this.load >= max) {
      refuse(socket, buildHttpError(503, 'too many connections'));
      this.error('too many connections');
      return;
    }
    const originHeader = req.headers.origin;
    const origin = typeof originHeader === 'string' ? originHeader : null;
    const badOrigin = refuseOrigin(this.origins, origin);
    if (badOrigin !== null) {
      refuse(socket, buildHttpError(badOrigin.status, badOrigin.reason));
      this.error('origin not allowed');
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
    const accept = (): void => this.accept(req, socket as net.Socket, head, check.key, check.extensions, chosen, handler);
    const authorize = this.config.authorize;
    if (authorize === undefined) { accept(); return; }
    const request: UpgradeRequest = {
      path: req.url ?? '/', headers: req.headers, origin, protocols: check.protocols,
      remoteAddress: (socket as net.Socket).remoteAddress ?? '', message: req,
    };
    socket.on('error', ignore); // a reset while authorize runs ends only this request
    socket.pause();
    this.pending++;
    runAuthorize(authorize, request, this.handshakeTimeout, (refusal: Refusal | null) => {
      this.pending--;
      socket.off('error', ignore);
      if (socket.destroyed) return;
      if (this.closed) { socket.destroy(); return; }
      if (refusal !== null) {
        refuse(socket, buildHttpError(refusal.status, refusal.reason, refusal.headers));
        this.error('unauthorized');
        return;
      }
      accept();
    });
  }

  /** Answers 101 and starts the handler. */
  private accept(req: http.IncomingMessage, socket: net.Socket, head: Buffer, key: string, offers: Parameters<typeof negotiateDeflate>[1],
    chosen: string | null, handler: WebSocketHandler): void {
    const config = this.config;
    const compression = config.compression;
    const deflateOptions: DeflateOptions | null = compression === undefined || compression === false ? null : compression === true ? {} : compression;
    const agreement = deflateOptions === null ? null : negotiateDeflate(deflateOptions, offers);
    socket.setNoDelay(true);
    socket.write(buildServerResponse(key, chosen, agreement === null ? null : agreement.header));
    let group = this.groups.get(chosen);
    if (group === undefined) { group = new Set(); this.groups.set(chosen, group); }
    const conn = new ServerConnection(req, chosen, group, this.hub, {
      timeout: config.timeout, closeTimeout: config.closeTimeout, maxBufferedAmount: config.maxBufferedAmount,
      slowClient: config.slowClient, pingInterval: config.pingInterval, pingTimeout: config.pingTimeout,
    });
    const proto = new WebSocketProtocol('server', {
      maxMessageSize: config.maxMessageSize, deflate: agreement === null ? null : agreement.params,
      deflateOptions: deflateOptions ?? undefined, textFrames,
    });
    conn.sharesFrames = agreement === null;
    const sock = TcpSocket.fromStream(socket); // it listens for errors from here on (none can come before)
    if (socket.isPaused()) socket.resume(); // paused while authorize ran; the data listener is on now
    conn.open(sock, proto, head);
    group.add(conn);
    const n = ++this.count;
    sock.nameBase = this.name;
    sock.nameIndex = n;
    const task = kernel.spawn(handlerTaskName, handler, [conn], sock);
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
   * Sends `message` to every open client (of `protocol` only, when given; null = the default handler's),
   * from any task or callback, never waiting on any client: see `maxBufferedAmount` and `slowClient`.
   * With `pubsub` it also reaches those clients in every other process. Returns the number of local clients
   * it was queued for.
   *
   * TS only: `server.broadcast('tick', websocket.TEXT)`; `server.broadcast(frame, websocket.BINARY, 'video')`
   */
  broadcast(message: string | Uint8Array, opcode?: number, protocol?: string | null): number {
    if (protocol !== undefined && protocol !== null && typeof protocol !== 'string') {
      throw argError('server.broadcast', 'protocol', 'a sub-protocol name (or null for the default handler)', protocol);
    }
    return this.hub.broadcast(protocol, message, opcode);
  }

  /**
   * Sends `message` (default TEXT) to every connection subscribed to `topic`, here and, with `pubsub`, in every
   * process on the same Redis: once each, encoded once, never waiting on a slow one (uWebSockets'
   * app.publish). Usable from any task or callback. Returns how many local connections it was written to.
   *
   * TS only: `server.publish('room/42', 'hello')`
   */
  publish(topic: string, message: string | Uint8Array, opcode?: number): number {
    checkTopic('publish', topic);
    return this.hub.publish(topic, message, opcode);
  }

  /** The link to Redis when listen had `pubsub`, else null. */
  get pubsub(): PubSubStatus | null {
    return this.hub.bridge;
  }

  /**
   * Stops listening and, unless keep_clients, closes every client with a close handshake.
   * Lua: `server:close(keep_clients)`.
   */
  close(keep_clients?: boolean): void {
    if (this.closed) return;
    this.closed = true;
    kernel.cancelHooks.delete(this.cancelHook);
    this.httpServer?.off('upgrade', this.onUpgrade);
    if (this.ownsHttpServer) this.httpServer?.close();
    kernel.release();
    this.hub.close();
    if (!keep_clients) for (const c of this.clients) c.closeInBackground(CLOSE_GOING_AWAY);
  }

  /**
   * Closes the server (every client gets 1001, their handlers' `finally` blocks run) and waits until every
   * connection is closed, at most `timeout` seconds (default 5); what is left then is dropped. Returns
   * true when every client closed in time.
   *
   * TS only: `process.once('SIGTERM', () => copas.addthread(function* () { yield* server.shutdown(5); }))`
   */
  *shutdown(timeout = 5): TaskGenerator<boolean> {
    checkSeconds('server.shutdown', 'timeout', timeout);
    this.close();
    const deadline = gettime() + timeout;
    while (this.load > 0 && gettime() < deadline) yield* sleep(Math.min(0.05, Math.max(0, deadline - gettime())));
    const clean = this.load === 0;
    for (const c of this.clients) c.abort();
    return clean;
  }
}


function ignore(): void { /* see refuse */ }

/** Answers a request that cannot upgrade; a reset meanwhile only ends this connection. */
function refuse(socket: Duplex, answer: string): void {
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
  const c = checkOptions(fn, 'config', config, CONFIG_KEYS, WS_OPTION_NAMES) as ServerConfig;
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
  checkPubSubConfig(fn, c.pubsub);
  if (c.server !== undefined && !(c.server instanceof http.Server)) throw argError(fn, 'config.server', 'an http.Server or https.Server', c.server);
  if (c.manual !== undefined && typeof c.manual !== 'boolean') throw argError(fn, 'config.manual', 'a boolean', c.manual);
  if (c.manual === true && (c.server !== undefined || c.port !== undefined)) throw new TypeError(`${fn}: 'manual: true' neither listens nor mounts: leave out 'port' and 'server'`);
  checkSeconds(fn, 'config.handshakeTimeout', c.handshakeTimeout);
  checkFunction(fn, 'config.authorize', c.authorize, true);
  if (c.maxConnections !== undefined) checkInteger(fn, 'config.maxConnections', c.maxConnections, 1, Number.MAX_SAFE_INTEGER);
  if (c.maxMessageSize !== undefined) checkInteger(fn, 'config.maxMessageSize', c.maxMessageSize, 1, Number.MAX_SAFE_INTEGER);
  checkConnectionOptions(fn, 'config', c);
  return new WebSocketServer(c);
}
