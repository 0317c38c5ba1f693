import * as fs from 'node:fs';
import * as tls from 'node:tls';
import { argError, checkOptions } from '../util/args';

const TLS_KEYS = ['mode', 'key', 'certificate', 'cafile', 'verify', 'protocol', 'password', 'servername', 'sni', 'options', 'node'] as const;
/** LuaSec's names with no mapping here: Node's own option goes in `node`. */
const LUASEC_UNMAPPED: Readonly<Record<string, string>> = Object.fromEntries(
  (['ciphers', 'ciphersuites', 'curve', 'curveslist', 'capath', 'depth', 'dhparam'] as const)
    .map((k) => [k, `LuaSec's ${k} has no mapping: pass Node's tls option in 'node: { ... }'`]),
);

/**
 * LuaSec's parameter table, as Copas passes it to `copas.wrap(skt, params)` / `copas.handler(fn, params)`.
 *
 * | LuaSec            | Node tls option                        |
 * |-------------------|----------------------------------------|
 * | mode 'client'     | tls.connect                            |
 * | mode 'server'     | new tls.TLSSocket(..., isServer)       |
 * | key               | key (a PEM file path or PEM text)      |
 * | certificate       | cert (path or PEM)                     |
 * | cafile            | ca (path or PEM)                       |
 * | verify 'none'     | rejectUnauthorized: false              |
 * | verify 'peer'     | rejectUnauthorized: true (client), requestCert (server) |
 * | protocol 'tlsv1_2' / 'any' | minVersion                    |
 * | sni { names }     | servername (client); a name -> params table picks the certificate (server) |
 * | sni { strict }    | a client naming no listed host fails the handshake (server) |
 * | options           | 'no_tlsv1' / 'no_tlsv1_1' / 'no_tlsv1_2' raise minVersion; 'all', 'no_sslv2', 'no_sslv3', 'no_compression', 'single_dh_use', 'single_ecdh_use' are Node's behaviour already |
 * | password          | passphrase                             |
 *
 * Copas' nested form `{ wrap = {...}, sni = { names, strict } }` is accepted as well (see normaliseTlsParams).
 */
export interface TlsParams {
  /** Which side of the handshake this socket takes. */
  mode?: 'client' | 'server';
  /** The private key: a PEM file path or PEM text. */
  key?: string | Buffer;
  /** The certificate: a PEM file path or PEM text. */
  certificate?: string | Buffer;
  /** The trusted CA certificates: a PEM file path or PEM text. */
  cafile?: string | Buffer;
  /** 'peer' checks the other side's certificate; 'none' does not. */
  verify?: 'none' | 'peer' | string[];
  /** The lowest TLS version accepted. */
  protocol?: 'any' | 'tlsv1' | 'tlsv1_1' | 'tlsv1_2' | 'tlsv1_3';
  /** The passphrase of an encrypted key. */
  password?: string;
  /** The server name a client sends (SNI) and checks the certificate against. */
  servername?: string;
  /**
   * LuaSec's SNI table. A client sends `names` (a host name) as its servername. A server picks the parameters
   * (LuaSec: the context) for the name the client sent from `names` (host name -> TLS parameters); `strict`
   * makes a name not in the table fail the handshake ('callback failed', as LuaSec), a client sending none
   * gets the main parameters.
   */
  sni?: {
    /** Client: the server name. Server: the parameters per host name. */
    names?: string | Record<string, TlsParams>;
    /** Server: refuse a client whose name is not in `names`. */
    strict?: boolean;
  };
  /** LuaSec's options list; see the table above for what each maps to. */
  options?: string[];
  /** Passed to Node unchanged, for what LuaSec has no name for. */
  node?: tls.ConnectionOptions & tls.TlsOptions;
}

function pem(value: string | Buffer | undefined): string | Buffer | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value) || value.includes('-----BEGIN')) return value;
  return fs.readFileSync(value);
}

/** Copas' nested form: `{ wrap = params, sni = { names, strict } }` (anything with a mode or protocol is flat). */
export interface NestedTlsParams {
  /** The LuaSec parameters. */
  wrap?: TlsParams;
  /** The SNI table, as TlsParams.sni. */
  sni?: TlsParams['sni'];
}

/**
 * One flat TlsParams from either of Copas' forms (its normalize_sslt): a table with `wrap` and no `mode` /
 * `protocol` is the nested form. Returns undefined for undefined.
 */
export function normaliseTlsParams(fn: string, params: unknown): TlsParams | undefined {
  if (params === undefined) return undefined;
  if (params === null || typeof params !== 'object') throw argError(fn, 'tlsparams', 'a LuaSec-style table', params);
  const p = params as TlsParams & NestedTlsParams;
  if (p.mode !== undefined || p.protocol !== undefined || !('wrap' in p)) {
    checkTlsKeys(fn, p);
    return p;
  }
  checkOptions(fn, 'tlsparams', p, ['wrap', 'sni'] as const);
  if (p.wrap !== undefined) checkTlsKeys(fn, p.wrap);
  return p.sni === undefined ? { ...p.wrap } : { ...p.wrap, sni: p.sni };
}

/** LuaSec options that name what Node does anyway (no SSLv2/3, no compression, fresh DH keys, bug workarounds). */
const OPTIONS_ALREADY = new Set(['all', 'no_sslv2', 'no_sslv3', 'no_compression', 'single_dh_use', 'single_ecdh_use']);
/** LuaSec options that raise the lowest version accepted. */
const OPTIONS_MIN: Record<string, tls.SecureVersion> = { no_tlsv1: 'TLSv1.1', no_tlsv1_1: 'TLSv1.2', no_tlsv1_2: 'TLSv1.3' };
const ORDER: tls.SecureVersion[] = ['TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'];

function minFromOptions(fn: string, options: unknown, base: tls.SecureVersion | undefined): tls.SecureVersion | undefined {
  if (options === undefined) return base;
  if (!Array.isArray(options)) throw argError(fn, 'tlsparams.options', "a list of LuaSec option names ('all', 'no_tlsv1', ...)", options);
  let min = base;
  for (const o of options) {
    if (OPTIONS_ALREADY.has(o)) continue;
    const v = OPTIONS_MIN[o as string];
    if (v === undefined) throw argError(fn, 'tlsparams.options', `LuaSec option names with a Node mapping (${[...OPTIONS_ALREADY, ...Object.keys(OPTIONS_MIN)].join(', ')}); pass others in 'node'`, o);
    if (min === undefined || ORDER.indexOf(v) > ORDER.indexOf(min)) min = v;
  }
  return min;
}

const VERSIONS: Record<string, tls.SecureVersion> = { tlsv1: 'TLSv1', tlsv1_1: 'TLSv1.1', tlsv1_2: 'TLSv1.2', tlsv1_3: 'TLSv1.3' };

/** Refuses a key a LuaSec table may not have here (a misspelling, or LuaSec's names with no mapping). */
export function checkTlsKeys(fn: string, params: unknown): void {
  checkOptions(fn, 'tlsparams', params, TLS_KEYS, LUASEC_UNMAPPED);
}

/** Node's TLS options for a LuaSec table, and for a server with an SNI table its SNICallback. */
export interface NodeTls {
  server: boolean;
  options: tls.ConnectionOptions & tls.TlsOptions;
  sni: ((servername: string, cb: (err: Error | null, ctx?: tls.SecureContext) => void) => void) | undefined;
}

/** Validates a LuaSec table and maps it onto Node's options. */
export function toNodeTls(fn: string, params: unknown): NodeTls {
  if (params === null || typeof params !== 'object') throw argError(fn, 'tlsparams', 'a LuaSec-style table ({ mode, key, certificate, ... })', params);
  checkTlsKeys(fn, params);
  const p = params as TlsParams;
  if (p.mode !== undefined && p.mode !== 'client' && p.mode !== 'server') throw argError(fn, 'tlsparams.mode', "'client' or 'server'", p.mode);
  const verify = Array.isArray(p.verify) ? p.verify : p.verify === undefined ? [] : [p.verify];
  const peer = verify.includes('peer');
  const server = p.mode === 'server';
  const options: tls.ConnectionOptions & tls.TlsOptions = {
    key: pem(p.key),
    cert: pem(p.certificate),
    ca: pem(p.cafile),
    passphrase: p.password,
    rejectUnauthorized: server ? peer : !verify.includes('none') && (peer || p.cafile !== undefined),
    requestCert: server ? peer : undefined,
    minVersion: minFromOptions(fn, p.options, p.protocol !== undefined && p.protocol !== 'any' ? VERSIONS[p.protocol] : undefined),
    servername: p.servername ?? (typeof p.sni?.names === 'string' ? p.sni.names : undefined),
    ...p.node,
  };
  return { server, options, sni: server ? sniCallback(fn, p.sni) : undefined };
}

/** A server's SNICallback for LuaSec's `sni = { names = { host = params }, strict }`. */
function sniCallback(fn: string, sni: TlsParams['sni']): NodeTls['sni'] {
  if (sni === undefined || sni.names === undefined) return undefined;
  if (typeof sni.names !== 'object' || sni.names === null) throw argError(fn, 'tlsparams.sni.names', 'a table of host name -> TLS parameters on a server', sni.names);
  const contexts = new Map<string, tls.SecureContext>();
  for (const [name, params] of Object.entries(sni.names)) contexts.set(name, tls.createSecureContext(toNodeTls(fn, { ...params, mode: 'server' }).options));
  const strict = sni.strict === true;
  return (servername, cb) => {
    const ctx = contexts.get(servername);
    if (ctx !== undefined) cb(null, ctx);
    // OpenSSL's text when a servername callback refuses, which is what LuaSec reports for strict
    else if (strict) cb(new Error('callback failed'));
    else cb(null, undefined);
  };
}
