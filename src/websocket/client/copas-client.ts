import { awaitable, gettime, type AwaitableOperation, type TaskGenerator } from '../../scheduler';
import { socket as luasocket, type TlsParams } from '../../socket';
import { argError, checkInteger, checkOptions } from '../../util/args';
import { WS_OPTION_NAMES } from '../../util/options-check';
import { checkConnectionOptions } from '../connection-options';
import {
  WebSocketProtocol,
  acceptDeflateResponse,
  createClientHandshake,
  createDeflateOffer,
  validateServerResponse,
  HANDSHAKE_FAILED,
  PERMESSAGE_DEFLATE,
  type DeflateOptions,
} from '../core';
import { WebSocketConnection, type ConnectionOptions } from '../connection';
import { textFrames } from '../text-frames';
import { parseResponseHead } from './response-head';
import { parseWsUrl, schemeError } from './ws-url';

/** Options of `websocket.client.copas(...)` and `websocket.client.sync(...)`. */
export interface ClientOptions extends Omit<ConnectionOptions, 'slowClient'> {
  /** permessage-deflate: on by default for clients (as `ws`); false to turn off, or tuning options. */
  compression?: boolean | DeflateOptions;
  /** Largest message accepted, in bytes (after inflation); larger ones close with 1009. */
  maxMessageSize?: number;
  /** Extra request headers (Origin, Authorization, ...). */
  headers?: Record<string, string>;
  /** TLS for wss:// as a LuaSec table (cafile, verify, ...). Default: verify the server against Node's CAs. */
  tls?: TlsParams;
}

/** What client options may hold (slowClient is a server's policy: a client's own sends wait). */
const CLIENT_OPTION_KEYS = ['timeout', 'closeTimeout', 'maxBufferedAmount', 'pingInterval', 'pingTimeout', 'compression', 'maxMessageSize', 'headers', 'tls'] as const;

/** `[true, protocol, headers]` or `[null, err]` (lua-websockets' connect returns). */
export type WsConnectResult = [true, string | null, Record<string, string>] | [null, string, Record<string, string>?];

/** Checks the options shared by the copas and sync clients. */
export function checkClientOptions(fn: string, options: unknown): ClientOptions {
  const o = checkOptions(fn, 'options', options, CLIENT_OPTION_KEYS, WS_OPTION_NAMES) as ClientOptions;
  checkConnectionOptions(fn, 'options', o);
  if (o.maxMessageSize !== undefined) checkInteger(fn, 'options.maxMessageSize', o.maxMessageSize, 1, Number.MAX_SAFE_INTEGER);
  if (o.headers !== undefined && (o.headers === null || typeof o.headers !== 'object' || Array.isArray(o.headers))) {
    throw argError(fn, 'options.headers', 'an object of header names and values', o.headers);
  }
  if (o.compression !== undefined && typeof o.compression !== 'boolean' && (o.compression === null || typeof o.compression !== 'object')) {
    throw argError(fn, 'options.compression', 'a boolean or deflate options', o.compression);
  }
  return o;
}

/**
 * The copas WebSocket client: connect, then receive / send / close as operations inside a task.
 *
 * Lua: `local client = websocket.client.copas({timeout = 2}); local ok, err = client:connect(url, 'echo')`
 * TS:  `const client = websocket.client.copas({ timeout: 2 }); const [ok, err] = yield* client.connect(url, 'echo')`
 */
export class CopasClient extends WebSocketConnection {
  private readonly options: ClientOptions;

  constructor(options: ClientOptions = {}) {
    const o = checkClientOptions('websocket.client.copas', options);
    super(o);
    this.options = o;
  }

  /**
   * Opens the connection. `protocol` is one sub-protocol or a list. Returns `[true, protocol, headers]`,
   * or `[null, err]`: 'wrong state', 'bad protocol: expected a ws:// or wss:// URL, ...', a socket error ('connection refused',
   * 'timeout', ...) or 'Websocket Handshake failed: ...'. A malformed URL throws.
   * Outside a task: `const [ok, err] = await client.connect(url, 'echo')`.
   */
  connect(url: string, protocol?: string | string[]): AwaitableOperation<WsConnectResult> {
    const parsed = parseWsUrl(url);
    if (protocol !== undefined && typeof protocol !== 'string' && !(Array.isArray(protocol) && protocol.every((p) => typeof p === 'string'))) {
      throw argError('connect', 'protocol', 'a string or a list of strings', protocol);
    }
    return awaitable(this.openingHandshake(parsed, url, protocol));
  }

  private *openingHandshake(parsed: URL, url: string, protocol: string | string[] | undefined): TaskGenerator<WsConnectResult> {
    if (this.state !== 'CLOSED') return [null, 'wrong state'];
    const badScheme = schemeError(parsed, url);
    if (badScheme !== null) return [null, badScheme];
    const protocols = protocol === undefined ? [] : typeof protocol === 'string' ? [protocol] : protocol;
    const deflate: DeflateOptions | null = this.options.compression === false ? null
      : this.options.compression === true || this.options.compression === undefined ? {} : this.options.compression;
    const { request, key } = createClientHandshake({
      url: parsed, protocols, headers: this.options.headers,
      extensionOffer: deflate === null ? undefined : createDeflateOffer(deflate),
    });
    this.transport = 'CONNECTING';
    const sock = luasocket.tcp();
    if (this.timeout !== undefined) sock.settimeout(this.timeout);
    if (parsed.protocol === 'wss:') sock.tlsParams = { mode: 'client', verify: 'peer', servername: parsed.hostname, ...this.options.tls };
    const host = parsed.hostname.startsWith('[') ? parsed.hostname.slice(1, -1) : parsed.hostname;
    const port = parsed.port !== '' ? Number(parsed.port) : parsed.protocol === 'wss:' ? 443 : 80;
    const [ok, err] = yield* sock.open(host, port);
    if (ok === null) {
      this.transport = 'CLOSED';
      return [null, err];
    }
    const fail = (e: string, headers?: Record<string, string>): WsConnectResult => {
      sock.close();
      this.transport = 'CLOSED';
      return headers === undefined ? [null, e] : [null, e, headers];
    };
    const [sent, sendErr] = yield* sock.send(request);
    if (sent === null) return fail(sendErr as string);
    let head: Buffer = Buffer.alloc(0);
    const deadline = this.timeout === undefined ? undefined : gettime() + this.timeout;
    for (;;) {
      const parsedHead = parseResponseHead(head);
      if (typeof parsedHead === 'string') return fail(HANDSHAKE_FAILED + parsedHead);
      if (parsedHead !== null) {
        const check = validateServerResponse(parsedHead.status, parsedHead.headers, key, protocols, deflate === null ? [] : [PERMESSAGE_DEFLATE]);
        if (!check.ok) return fail(check.error, parsedHead.headers);
        const agreed = acceptDeflateResponse(deflate ?? {}, check.extensions);
        if (!agreed.ok) return fail(HANDSHAKE_FAILED + agreed.error, parsedHead.headers);
        const proto = new WebSocketProtocol('client', {
          maxMessageSize: this.options.maxMessageSize, deflate: agreed.params, deflateOptions: deflate ?? undefined, textFrames,
        });
        this.open(sock, proto, parsedHead.rest);
        return [true, check.protocol, parsedHead.headers];
      }
      const chunk = yield* sock.readChunk(deadline === undefined ? undefined : Math.max(0, deadline - gettime()));
      if (typeof chunk === 'string') return fail(chunk);
      head = head.length === 0 ? chunk : Buffer.concat([head, chunk]);
    }
  }
}
