import * as fs from 'node:fs';
import type * as tls from 'node:tls';
import { argError, checkOptions } from '../util/args';

const TLS_KEYS = ['mode', 'key', 'certificate', 'cafile', 'verify', 'protocol', 'password', 'servername', 'sni', 'node'] as const;
/** LuaSec's names with no mapping here: Node's own option goes in `node`. */
const LUASEC_UNMAPPED: Readonly<Record<string, string>> = Object.fromEntries(
  (['options', 'ciphers', 'ciphersuites', 'curve', 'curveslist', 'capath', 'depth', 'dhparam'] as const)
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
 * | sni { names }     | servername (client)                    |
 * | password          | passphrase                             |
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
  /** LuaSec's SNI table; `names` is used as the servername. */
  sni?: {
    /** The server name. */
    names?: string;
  };
  /** Passed to Node unchanged, for what LuaSec has no name for. */
  node?: tls.ConnectionOptions & tls.TlsOptions;
}

function pem(value: string | Buffer | undefined): string | Buffer | undefined {
  if (value === undefined) return undefined;
  if (Buffer.isBuffer(value) || value.includes('-----BEGIN')) return value;
  return fs.readFileSync(value);
}

const VERSIONS: Record<string, tls.SecureVersion> = { tlsv1: 'TLSv1', tlsv1_1: 'TLSv1.1', tlsv1_2: 'TLSv1.2', tlsv1_3: 'TLSv1.3' };

/** Refuses a key a LuaSec table may not have here (a misspelling, or LuaSec's names with no mapping). */
export function checkTlsKeys(fn: string, params: unknown): void {
  checkOptions(fn, 'tlsparams', params, TLS_KEYS, LUASEC_UNMAPPED);
}

/** Validates a LuaSec table and maps it onto Node's options. */
export function toNodeTls(fn: string, params: unknown): { server: boolean; options: tls.ConnectionOptions & tls.TlsOptions } {
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
    minVersion: p.protocol !== undefined && p.protocol !== 'any' ? VERSIONS[p.protocol] : undefined,
    servername: p.servername ?? p.sni?.names,
    ...p.node,
  };
  return { server, options };
}
