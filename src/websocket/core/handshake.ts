/**
 * The opening handshake (RFC 6455 section 4) as pure functions over strings and header maps:
 * the client's upgrade request and its check of the 101 answer, the server's check of an
 * upgrade request (as parsed by Node's HTTP parser) and its 101 or error answer.
 */
import * as crypto from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import { badArgument } from './protocol-error';
import { HeaderValue, ParsedExtension, hasToken, headerText, isToken, parseExtensions, parseTokenList } from './header-lists';

/** Fixed GUID of RFC 6455 section 1.3, appended to the key before hashing. */
export const WEBSOCKET_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

/** Prefix of every client handshake error, as lua-websockets words it. */
export const HANDSHAKE_FAILED = 'Websocket Handshake failed: ';

/** Headers as Node gives them (`IncomingHttpHeaders`): lower-case names. */
export type HeaderMap = Readonly<Record<string, HeaderValue>>;

/** Extra headers a caller adds to a request or response. */
export type ExtraHeaders = Readonly<Record<string, string | number | readonly string[]>>;

/**
 * `Sec-WebSocket-Accept` for `key`: base64(SHA-1(key + GUID)). The one-shot crypto.hash (Node 20.12+) makes
 * no Hash object: about half the cost of createHash().update().digest() per handshake.
 */
export function acceptKey(key: string): string {
  return crypto.hash('sha1', key + WEBSOCKET_GUID, 'base64');
}

/** True if `key` is the base64 encoding of exactly 16 bytes (RFC 6455 section 4.1). */
export function isValidKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{22}==$/.test(key);
}

function checkHeaderText(what: string, s: string): void {
  if (/[\r\n\0]/.test(s)) throw badArgument(what, 'header text must not contain CR, LF or NUL');
}

function formatExtraHeaders(extra: ExtraHeaders | undefined): string {
  if (extra === undefined) return '';
  let out = '';
  for (const [name, value] of Object.entries(extra)) {
    if (!isToken(name)) throw badArgument('headers', `invalid header name ${JSON.stringify(name)}`);
    const values = typeof value === 'object' ? value : [String(value)];
    for (const v of values) {
      checkHeaderText('headers', v);
      out += `${name}: ${v}\r\n`;
    }
  }
  return out;
}

/** What the client needs to open a connection. */
export interface ClientHandshakeOptions {
  /** `ws:` or `wss:` URL; path and query go into the request line. */
  url: URL;
  /** Sub-protocols to offer, in order of preference. */
  protocols: readonly string[];
  /** Extra request headers (e.g. Origin, Authorization). */
  headers?: ExtraHeaders;
  /** `Sec-WebSocket-Extensions` value to offer (see `createDeflateOffer`). */
  extensionOffer?: string;
}

/** The request to write and the key to check the answer against. */
export interface ClientHandshake {
  /** Full HTTP/1.1 request text, ending with the empty line. */
  request: string;
  /** The random `Sec-WebSocket-Key` that was sent. */
  key: string;
}

/** Builds the client's upgrade request with a fresh random key. Throws on a bad argument. */
export function createClientHandshake(options: ClientHandshakeOptions): ClientHandshake {
  const { url, protocols } = options;
  if (url.protocol !== 'ws:' && url.protocol !== 'wss:') {
    throw badArgument('url', `expected ws:// or wss://, got ${url.protocol}//`);
  }
  const seen = new Set<string>();
  for (const p of protocols) {
    if (!isToken(p)) throw badArgument('protocols', `${JSON.stringify(p)} is not a token`);
    if (seen.has(p)) throw badArgument('protocols', `${JSON.stringify(p)} given twice`);
    seen.add(p);
  }
  const key = crypto.randomBytes(16).toString('base64');
  let request =
    `GET ${url.pathname || '/'}${url.search} HTTP/1.1\r\n` +
    `Host: ${url.host}\r\n` +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Key: ${key}\r\n` +
    'Sec-WebSocket-Version: 13\r\n';
  if (protocols.length > 0) request += `Sec-WebSocket-Protocol: ${protocols.join(', ')}\r\n`;
  if (options.extensionOffer !== undefined && options.extensionOffer !== '') {
    checkHeaderText('extensionOffer', options.extensionOffer);
    request += `Sec-WebSocket-Extensions: ${options.extensionOffer}\r\n`;
  }
  request += formatExtraHeaders(options.headers);
  return { request: request + '\r\n', key };
}

/** Outcome of the client's check of the server's answer. */
export type ServerResponseCheck =
  | { ok: true; protocol: string | null; extensions: ParsedExtension[] }
  | { ok: false; error: string };

function fail(error: string): { ok: false; error: string } {
  return { ok: false, error: HANDSHAKE_FAILED + error };
}

/**
 * Client side: checks the server's answer. `offeredExtensions` are the extension names we
 * offered; the accepted ones come back parsed (check permessage-deflate's parameters with
 * `acceptDeflateResponse`).
 */
export function validateServerResponse(
  statusCode: number,
  headers: HeaderMap,
  key: string,
  offeredProtocols: readonly string[],
  offeredExtensions: readonly string[],
): ServerResponseCheck {
  if (statusCode !== 101) return fail(`unexpected HTTP status ${statusCode}`);
  if (!hasToken(headers['upgrade'], 'websocket')) return fail('missing "Upgrade: websocket"');
  if (!hasToken(headers['connection'], 'upgrade')) return fail('missing "Connection: Upgrade"');
  const expected = acceptKey(key);
  const accept = headerText(headers['sec-websocket-accept']);
  if (accept !== expected) {
    return fail(`Invalid Sec-Websocket-Accept (expected ${expected} got ${accept ?? 'nil'})`);
  }
  let protocol: string | null = null;
  const protocolHeader = headerText(headers['sec-websocket-protocol']);
  if (protocolHeader !== undefined) {
    const p = protocolHeader.trim();
    if (!offeredProtocols.includes(p)) return fail(`server chose a protocol that was not offered: ${p}`);
    protocol = p;
  }
  const extensions = parseExtensions(headers['sec-websocket-extensions']);
  if (extensions === null) return fail('invalid Sec-WebSocket-Extensions header');
  const seen = new Set<string>();
  for (const ext of extensions) {
    if (!offeredExtensions.includes(ext.name)) return fail(`server accepted an extension that was not offered: ${ext.name}`);
    if (seen.has(ext.name)) return fail(`server accepted ${ext.name} twice`);
    seen.add(ext.name);
  }
  return { ok: true, protocol, extensions };
}

/** Outcome of the server's check of an upgrade request. */
export type UpgradeRequestCheck =
  | { ok: true; key: string; protocols: string[]; extensions: ParsedExtension[] }
  | { ok: false; status: 400 | 405 | 426; headers: Record<string, string>; reason: string };

function refuse(
  status: 400 | 405 | 426,
  reason: string,
  headers: Record<string, string> = {},
): { ok: false; status: 400 | 405 | 426; headers: Record<string, string>; reason: string } {
  return { ok: false, status, headers, reason };
}

/**
 * Server side: checks an upgrade request (method, HTTP version and headers from Node's parser).
 * Refusals carry the status and headers to send with `buildHttpError`: 405 (not GET), 426 with
 * `Sec-WebSocket-Version: 13` (other version), 400 for anything else malformed. `extensions: false` (a
 * server without permessage-deflate) skips the extension offers: they come back empty.
 */
export function validateUpgradeRequest(
  method: string,
  httpVersion: string,
  headers: HeaderMap,
  options: { extensions?: boolean } = {},
): UpgradeRequestCheck {
  if (method !== 'GET') return refuse(405, `method ${method} not allowed`, { Allow: 'GET' });
  if (httpVersion !== '1.1' && !isLaterThan11(httpVersion)) return refuse(400, `HTTP/${httpVersion} cannot upgrade`);
  if (!hasToken(headers['upgrade'], 'websocket')) return refuse(400, 'missing "Upgrade: websocket"');
  if (!hasToken(headers['connection'], 'upgrade')) return refuse(400, 'missing "Connection: Upgrade"');
  const version = headerText(headers['sec-websocket-version'])?.trim();
  if (version !== '13') {
    return refuse(426, `unsupported Sec-WebSocket-Version ${version ?? '(none)'}`, { 'Sec-WebSocket-Version': '13' });
  }
  const key = headerText(headers['sec-websocket-key'])?.trim();
  if (key === undefined || !isValidKey(key)) return refuse(400, 'missing or invalid Sec-WebSocket-Key');
  const protocols = parseTokenList(headers['sec-websocket-protocol']);
  if (protocols === null) return refuse(400, 'invalid Sec-WebSocket-Protocol header');
  // A server that offers no extension ignores the header (as RFC 6455 9.1 lets it): nothing to parse.
  if (options.extensions === false) return { ok: true, key, protocols, extensions: [] };
  const extensions = parseExtensions(headers['sec-websocket-extensions']);
  if (extensions === null) return refuse(400, 'invalid Sec-WebSocket-Extensions header');
  return { ok: true, key, protocols, extensions };
}

function isLaterThan11(httpVersion: string): boolean {
  const [major, minor] = httpVersion.split('.').map(Number);
  return major > 1 || (major === 1 && minor >= 1);
}

/** The server's `101 Switching Protocols` answer, ending with the empty line. */
export function buildServerResponse(
  key: string,
  protocol: string | null,
  extensionsHeader: string | null,
  extraHeaders?: ExtraHeaders,
): string {
  let out =
    'HTTP/1.1 101 Switching Protocols\r\n' +
    'Upgrade: websocket\r\n' +
    'Connection: Upgrade\r\n' +
    `Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`;
  if (protocol !== null) {
    if (!isToken(protocol)) throw badArgument('protocol', `${JSON.stringify(protocol)} is not a token`);
    out += `Sec-WebSocket-Protocol: ${protocol}\r\n`;
  }
  if (extensionsHeader !== null && extensionsHeader !== '') {
    checkHeaderText('extensionsHeader', extensionsHeader);
    out += `Sec-WebSocket-Extensions: ${extensionsHeader}\r\n`;
  }
  return out + formatExtraHeaders(extraHeaders) + '\r\n';
}

/** A plain HTTP refusal (text body, `Connection: close`) for a request that cannot upgrade. */
export function buildHttpError(status: number, reason: string, extraHeaders?: ExtraHeaders): string {
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw badArgument('status', `expected an HTTP status code, got ${String(status)}`);
  }
  const body = Buffer.from(reason, 'utf8');
  const text = STATUS_CODES[status] ?? 'Error';
  return (
    `HTTP/1.1 ${status} ${text}\r\n` +
    'Connection: close\r\n' +
    'Content-Type: text/plain; charset=utf-8\r\n' +
    `Content-Length: ${body.length}\r\n` +
    formatExtraHeaders(extraHeaders) +
    '\r\n' +
    reason
  );
}
