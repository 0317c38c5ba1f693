import type { TaskGenerator } from '../../scheduler';
import { argError, checkString } from '../../util/args';
import { checkKnownKeys } from '../../util/options-check';
import { TcpSocket } from '../tcp-socket';
import type { TlsParams } from '../tls-params';
import { receivebody, receiveUntilClosed, type HttpSink } from './body';
import { headerBlock, receiveheaders, type HttpHeaders } from './headers';
import { httpConfig } from './config';

/** Copas' nested TLS table for copas.http: `{ wrap = luasec_params, sni = { names, strict } }`. */
export interface HttpSslParams {
  /** LuaSec's TLS table for the connection (mode is always 'client'). */
  wrap?: TlsParams;
  /** Server Name Indication. */
  sni?: {
    /** The name sent (default: the URL's host). */
    names?: string;
    /** Accepted for Copas compatibility. */
    strict?: boolean;
  };
}

/** Timeouts of one request: all operations, or each kind (seconds). */
export type HttpTimeout = number | {
  /** Seconds to connect. */
  connect?: number;
  /** Seconds for each send. */
  send?: number;
  /** Seconds for each receive. */
  receive?: number;
};

/**
 * The table form of copas.http.request (LuaSocket's request table). `source` is the request body (a string,
 * sent as UTF-8, or bytes); `sink` receives the response body; without a sink it is read and dropped.
 */
export interface HttpRequestOptions {
  /** The http:// or https:// URL. */
  url: string;
  /** The request method (default 'GET'). */
  method?: string;
  /** Request headers, added to the defaults. */
  headers?: Record<string, string | number>;
  /** The request body. */
  source?: string | Uint8Array;
  /** Receives the response body. */
  sink?: HttpSink;
  /** false: never follow; 'all': also follow an https -> http redirect (refused by default). */
  redirect?: boolean | 'all';
  /** Seconds for every operation, or per kind. */
  timeout?: HttpTimeout;
  /** TLS for https: LuaSec's flat table or Copas' `{ wrap, sni }`. Default: Copas' (verify 'none'). */
  sslparams?: TlsParams | HttpSslParams;
  /** LuaSec's protocol / verify at the top level (Copas' backward-compatible form). */
  protocol?: TlsParams['protocol'];
  /** LuaSec's verify at the top level. */
  verify?: TlsParams['verify'];
  /** Makes the (unconnected) socket for a request, as LuaSocket's `create`. */
  create?: (reqt: HttpRequestOptions) => TcpSocket;
}

/** What the table form returns: `[1, code, headers, status]` or `[null, err]`. */
export type HttpTableResult = [1, number, HttpHeaders, string] | [null, string];
/** What the string form returns: `[body, code, headers, status]` or `[null, err]`. */
export type HttpStringResult = [Buffer, number, HttpHeaders, string] | [null, string];

const KEYS = ['url', 'method', 'headers', 'source', 'sink', 'redirect', 'timeout', 'sslparams', 'protocol', 'verify', 'create'];
const TIMEOUT_KEYS = new Set(['connect', 'send', 'receive']);

/** Internal state carried along a chain of redirects. */
interface Chain {
  nredirects: number;
  washttps: boolean;
}

/** A request that cannot be made: LuaSocket's socket.try error, returned as `[null, err]`. */
class Refused {
  constructor(readonly message: string) {}
}

function checkRequest(reqt: unknown): HttpRequestOptions {
  if (reqt === null || typeof reqt !== 'object' || Array.isArray(reqt)) {
    throw argError('http.request', 'reqt', 'a URL string or a request table ({ url, method?, headers?, ... })', reqt);
  }
  checkKnownKeys('http.request', 'reqt', reqt, KEYS);
  const r = reqt as HttpRequestOptions;
  checkString('http.request', 'reqt.url', r.url);
  checkString('http.request', 'reqt.method', r.method, true);
  const to = r.timeout;
  if (to !== undefined && typeof to !== 'number') {
    if (to === null || typeof to !== 'object') throw argError('http.request', 'reqt.timeout', 'seconds or { connect?, send?, receive? }', to);
    for (const k of Object.keys(to)) {
      // Copas' own text for a typo in the timeout table
      if (!TIMEOUT_KEYS.has(k)) throw new TypeError(`'${k}' is not a valid timeout option. Valid: 'connect', 'send', 'receive'`);
    }
  }
  if (r.source !== undefined && typeof r.source !== 'string' && !(r.source instanceof Uint8Array)) {
    throw argError('http.request', 'reqt.source', 'a string or a Buffer', r.source);
  }
  if (r.sink !== undefined && !Array.isArray(r.sink) && typeof r.sink !== 'function') {
    throw argError('http.request', 'reqt.sink', 'an array (gets the body chunks) or a function', r.sink);
  }
  if (r.create !== undefined && typeof r.create !== 'function') throw argError('http.request', 'reqt.create', 'a function', r.create);
  return r;
}

/** The TLS parameters of an https request, Copas' defaults filled in, SNI defaulting to the host. */
function tlsFor(reqt: HttpRequestOptions, host: string): TlsParams {
  const given = reqt.sslparams;
  const nested = given !== undefined && ('wrap' in given || 'sni' in given);
  const wrap: TlsParams = nested ? { ...(given as HttpSslParams).wrap } : { ...(given as TlsParams | undefined) };
  const sni = nested ? (given as HttpSslParams).sni : (given as TlsParams | undefined)?.sni;
  if (wrap.protocol === undefined) wrap.protocol = reqt.protocol ?? httpConfig.SSLPROTOCOL;
  if (wrap.verify === undefined) wrap.verify = reqt.verify ?? httpConfig.SSLVERIFY;
  wrap.mode = 'client';
  const names = sni?.names ?? wrap.servername ?? wrap.sni?.names ?? host;
  return { ...wrap, sni: { names } };
}

function defaultCreate(reqt: HttpRequestOptions, url: URL, chain: Chain): TcpSocket {
  const skt = new TcpSocket();
  if (url.protocol === 'https:') {
    skt.tlsParams = tlsFor(reqt, url.hostname);
    chain.washttps = true;
  } else if (chain.washttps && reqt.redirect !== 'all') {
    throw new Refused('Unallowed insecure redirect https to http');
  }
  return skt;
}

function applyTimeout(skt: TcpSocket, to: HttpTimeout | undefined): void {
  const d = httpConfig.TIMEOUT;
  if (to === undefined || typeof to === 'number') skt.settimeout(to ?? d);
  else skt.settimeouts(to.connect ?? d, to.send ?? d, to.receive ?? d);
}

function requestHeaders(reqt: HttpRequestOptions, url: URL): Record<string, string> {
  const lower: Record<string, string> = {
    'user-agent': httpConfig.USERAGENT,
    host: url.host,
    connection: 'close, TE',
    te: 'trailers',
  };
  if (url.username !== '' || url.password !== '') {
    const auth = `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`;
    lower.authorization = `Basic ${Buffer.from(auth).toString('base64')}`;
  }
  for (const [name, value] of Object.entries(reqt.headers ?? {})) lower[name.toLowerCase()] = String(value);
  return lower;
}

function shouldredirect(reqt: HttpRequestOptions, code: number, headers: HttpHeaders, chain: Chain): boolean {
  const location = headers.location;
  return location !== undefined && location.replace(/\s/g, '') !== '' && reqt.redirect !== false
    && (code === 301 || code === 302 || code === 303 || code === 307)
    && (reqt.method === undefined || reqt.method === 'GET' || reqt.method === 'HEAD')
    && chain.nredirects < 5;
}

function shouldreceivebody(reqt: HttpRequestOptions, code: number): boolean {
  return reqt.method !== 'HEAD' && code !== 204 && code !== 304 && !(code >= 100 && code < 200);
}

/** One request on one connection; follows a redirect by calling itself with a new URL. */
function* trequest(reqt: HttpRequestOptions, chain: Chain): TaskGenerator<HttpTableResult> {
  let url: URL;
  try {
    url = new URL(reqt.url);
  } catch {
    return [null, `invalid host '${/^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(reqt.url)?.[1] ?? 'nil'}'`];
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return [null, `unknown scheme '${url.protocol.slice(0, -1)}'`];
  if (url.hostname === '') return [null, "invalid host ''"];
  let skt: TcpSocket;
  try {
    skt = reqt.create !== undefined ? reqt.create(reqt) : defaultCreate(reqt, url, chain);
  } catch (e) {
    if (e instanceof Refused) return [null, e.message];
    throw e;
  }
  if (!(skt instanceof TcpSocket)) throw argError('http.request', 'reqt.create', 'a function returning socket.tcp()', skt);
  try {
    applyTimeout(skt, reqt.timeout);
    const port = url.port !== '' ? Number(url.port) : url.protocol === 'https:' ? httpConfig.SSLPORT : httpConfig.PORT;
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    const [ok, cerr] = yield* skt.open(host, port);
    if (ok === null) return [null, cerr];
    const headersOut = requestHeaders(reqt, url);
    // LuaSocket sends a source of unknown length chunked without saying so, which servers refuse
    const chunked = reqt.source !== undefined && headersOut['content-length'] === undefined;
    if (chunked) headersOut['transfer-encoding'] ??= 'chunked';
    const head = `${reqt.method ?? 'GET'} ${url.pathname}${url.search} HTTP/1.1\r\n${headerBlock(headersOut)}`;
    let [sent, serr] = yield* skt.send(head);
    if (sent === null) return [null, serr as string];
    if (reqt.source !== undefined) {
      const body = typeof reqt.source === 'string' ? Buffer.from(reqt.source) : reqt.source;
      const framed = !chunked ? [body]
        : body.length > 0 ? [Buffer.from(`${body.length.toString(16).toUpperCase()}\r\n`), body, Buffer.from('\r\n0\r\n\r\n')] : [Buffer.from('0\r\n\r\n')];
      for (const piece of framed) {
        [sent, serr] = yield* skt.send(piece);
        if (sent === null) return [null, serr as string];
      }
    }
    // an HTTP/0.9 server sends no status line: the whole reply is the body
    const [first, ferr] = yield* skt.receive(5);
    if (first === null) return [null, ferr];
    if (first !== 'HTTP/') {
      if (reqt.sink !== undefined) put09(reqt.sink, first);
      const [done, berr] = yield* receiveUntilClosed(skt, reqt.sink);
      return done === null ? [null, berr] : [1, 200, {}, ''];
    }
    let [status, lerr] = yield* skt.receive('*l', first);
    if (status === null) return [null, lerr as string];
    let code = statusCode(status);
    if (code === null) return [null, status];
    let headers: HttpHeaders | null;
    let herr: string | undefined;
    while (code === 100) {
      [headers, herr] = yield* receiveheaders(skt);
      if (headers === null) return [null, herr as string];
      [status, lerr] = yield* skt.receive('*l');
      if (status === null) return [null, lerr as string];
      code = statusCode(status);
      if (code === null) return [null, status];
    }
    [headers, herr] = yield* receiveheaders(skt);
    if (headers === null) return [null, herr as string];
    if (reqt.source === undefined && shouldredirect(reqt, code, headers, chain)) {
      skt.close();
      return yield* tredirect(reqt, url, headers.location, chain);
    }
    if (shouldreceivebody(reqt, code)) {
      const [done, berr] = yield* receivebody(skt, headers, reqt.sink);
      if (done === null) return [null, berr];
    }
    return [1, code, headers, status];
  } finally {
    skt.close();
  }
}

function put09(sink: HttpSink, text: string): void {
  const bytes = Buffer.from(text, 'latin1');
  if (typeof sink === 'function') sink(bytes);
  else sink.push(bytes);
}

function statusCode(line: string): number | null {
  const m = /HTTP\/\d*\.\d* (\d\d\d)/.exec(line);
  return m === null ? null : Number(m[1]);
}

/** Follows a redirect with what LuaSocket carries over (not the method: a redirect is a GET). */
function* tredirect(reqt: HttpRequestOptions, base: URL, location: string, chain: Chain): TaskGenerator<HttpTableResult> {
  const next: HttpRequestOptions = {
    url: new URL(location.trim(), base).href,
    source: reqt.source,
    sink: reqt.sink,
    headers: reqt.headers,
    create: reqt.create,
    timeout: reqt.timeout,
    sslparams: reqt.sslparams,
    protocol: reqt.protocol,
    verify: reqt.verify,
    redirect: reqt.redirect === 'all' ? 'all' : undefined,
  };
  chain.nredirects++;
  const r = yield* trequest(next, chain);
  if (r[0] !== null && r[2].location === undefined) r[2].location = location; // the hint that it redirected
  return r;
}

/**
 * LuaSocket's http.request under copas: the request runs on a copas socket, so other tasks keep running
 * while it waits. Two forms, as in Lua:
 *
 * - `http.request(url, body?)` returns `[body, code, headers, status]` (the body as a Buffer); with a body
 *   it is a POST of `application/x-www-form-urlencoded`.
 * - `http.request({ url, method, headers, source, sink, redirect, timeout, sslparams, create })` returns
 *   `[1, code, headers, status]`, the response body going to `sink`.
 *
 * Failures come back as `[null, err]` with LuaSocket's strings ('connection refused', 'timeout', 'closed',
 * "invalid host 'nil'", 'Unallowed insecure redirect https to http').
 *
 * Lua: `local body, code, headers = copas.http.request('http://localhost:8080/')`
 * TS:  `const [body, code, headers] = yield* copas.http.request('http://localhost:8080/')`
 */
export function request(url: string, body?: string | Uint8Array): TaskGenerator<HttpStringResult>;
export function request(reqt: HttpRequestOptions): TaskGenerator<HttpTableResult>;
export function* request(reqt: string | HttpRequestOptions, body?: string | Uint8Array): TaskGenerator<HttpStringResult | HttpTableResult> {
  if (typeof reqt === 'string') {
    if (body !== undefined && typeof body !== 'string' && !(body instanceof Uint8Array)) {
      throw argError('http.request', 'body', 'a string or a Buffer', body);
    }
    const target: Buffer[] = [];
    const t: HttpRequestOptions = { url: reqt, sink: target };
    if (body !== undefined) {
      const bytes = typeof body === 'string' ? Buffer.from(body) : body;
      t.source = bytes;
      t.headers = { 'content-length': bytes.length, 'content-type': 'application/x-www-form-urlencoded' };
      t.method = 'POST';
    }
    const r = yield* trequest(t, { nredirects: 0, washttps: false });
    if (r[0] === null) return r;
    return [Buffer.concat(target), r[1], r[2], r[3]];
  }
  if (reqt === undefined) throw argError('http.request', 'reqt', 'a URL string or a request table', reqt);
  return yield* trequest(checkRequest(reqt), { nredirects: 0, washttps: false });
}

