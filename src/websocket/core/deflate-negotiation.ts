/**
 * permessage-deflate negotiation (RFC 7692 section 7): the client's offer, the server's choice
 * among offers, and the client's check of the server's answer. The codec lives in
 * `permessage-deflate.ts`; this module only decides the parameters.
 */
import { ParsedExtension, formatExtensions } from './header-lists';
import { badArgument } from './protocol-error';

/** The extension's registered name. */
export const PERMESSAGE_DEFLATE = 'permessage-deflate';

/** Parameters both ends agreed on; window bits are 8..15 (15 when not restricted). */
export interface DeflateParams {
  /** The server starts each message with an empty compression context. */
  serverNoContextTakeover: boolean;
  /** The client starts each message with an empty compression context. */
  clientNoContextTakeover: boolean;
  /** Largest LZ77 window the server's compressor may use, as a power of two. */
  serverMaxWindowBits: number;
  /** Largest LZ77 window the client's compressor may use, as a power of two. */
  clientMaxWindowBits: number;
}

/** Local wishes for negotiation, plus codec tuning used by `PerMessageDeflate`. */
export interface DeflateOptions {
  /** Ask for / grant a server without context takeover (saves the server's 32 KiB window). */
  serverNoContextTakeover?: boolean;
  /** Ask for / require a client without context takeover. */
  clientNoContextTakeover?: boolean;
  /** Limit the server's window (8..15). */
  serverMaxWindowBits?: number;
  /** Limit the client's window (8..15). */
  clientMaxWindowBits?: number;
  /** Messages shorter than this many bytes are sent uncompressed (default 1024, as `ws`). */
  threshold?: number;
  /** zlib compression level (default `Z_DEFAULT_COMPRESSION`). */
  level?: number;
  /** zlib memLevel 1..9 (default 8). */
  memLevel?: number;
}

type ParamMap = {
  server_no_context_takeover?: true;
  client_no_context_takeover?: true;
  server_max_window_bits?: number;
  client_max_window_bits?: number | true;
};

const WINDOW_BITS = /^(?:[89]|1[0-5])$/;

function checkWindowOption(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isInteger(value) && value >= 8 && value <= 15)) {
    throw badArgument(name, `expected an integer 8..15, got ${String(value)}`);
  }
}

/** Validates options once, with an error naming the bad one. */
export function checkDeflateOptions(options: DeflateOptions): void {
  checkWindowOption('serverMaxWindowBits', options.serverMaxWindowBits);
  checkWindowOption('clientMaxWindowBits', options.clientMaxWindowBits);
  if (options.threshold !== undefined && !(options.threshold >= 0)) {
    throw badArgument('threshold', `expected a number >= 0, got ${String(options.threshold)}`);
  }
}

/**
 * Reads the parameters of one offer or response. Unknown names, duplicates and bad values
 * give null: RFC 7692 section 5 says such an offer is declined and such a response fails.
 */
function readParams(ext: ParsedExtension, isOffer: boolean): ParamMap | null {
  const map: ParamMap = {};
  for (const [name, value] of ext.params) {
    if (Object.prototype.hasOwnProperty.call(map, name)) return null;
    switch (name) {
      case 'server_no_context_takeover':
      case 'client_no_context_takeover':
        if (value !== true) return null;
        map[name] = true;
        break;
      case 'server_max_window_bits':
        if (value === true || !WINDOW_BITS.test(value)) return null;
        map.server_max_window_bits = Number(value);
        break;
      case 'client_max_window_bits':
        if (value === true) {
          if (!isOffer) return null;
          map.client_max_window_bits = true;
        } else {
          if (!WINDOW_BITS.test(value)) return null;
          map.client_max_window_bits = Number(value);
        }
        break;
      default:
        return null;
    }
  }
  return map;
}

/**
 * The client's `Sec-WebSocket-Extensions` offer. It always says `client_max_window_bits` (bare
 * unless limited) so a server may shrink our window.
 */
export function createDeflateOffer(options: DeflateOptions = {}): string {
  checkDeflateOptions(options);
  const params: ParsedExtension['params'] = [];
  if (options.serverNoContextTakeover) params.push(['server_no_context_takeover', true]);
  if (options.clientNoContextTakeover) params.push(['client_no_context_takeover', true]);
  if (options.serverMaxWindowBits !== undefined) {
    params.push(['server_max_window_bits', String(options.serverMaxWindowBits)]);
  }
  params.push([
    'client_max_window_bits',
    options.clientMaxWindowBits !== undefined ? String(options.clientMaxWindowBits) : true,
  ]);
  return formatExtensions([{ name: PERMESSAGE_DEFLATE, params }]);
}

/** The server's pick: the agreed parameters and the response header value. */
export interface DeflateAgreement {
  /** What both sides will use. */
  params: DeflateParams;
  /** Value for the 101 response's `Sec-WebSocket-Extensions`. */
  header: string;
}

/**
 * Server side: accepts the first acceptable permessage-deflate offer, or returns null
 * (then the connection runs uncompressed). Offers with unknown, duplicate or invalid
 * parameters are declined and the next one is tried.
 */
export function negotiateDeflate(options: DeflateOptions, offers: readonly ParsedExtension[]): DeflateAgreement | null {
  checkDeflateOptions(options);
  for (const offer of offers) {
    if (offer.name !== PERMESSAGE_DEFLATE) continue;
    const p = readParams(offer, true);
    if (p === null) continue;
    const params: DeflateParams = {
      serverNoContextTakeover: p.server_no_context_takeover === true || options.serverNoContextTakeover === true,
      clientNoContextTakeover: p.client_no_context_takeover === true || options.clientNoContextTakeover === true,
      serverMaxWindowBits: Math.min(p.server_max_window_bits ?? 15, options.serverMaxWindowBits ?? 15),
      clientMaxWindowBits: 15,
    };
    const response: ParsedExtension['params'] = [];
    if (params.serverNoContextTakeover) response.push(['server_no_context_takeover', true]);
    if (params.clientNoContextTakeover) response.push(['client_no_context_takeover', true]);
    if (p.server_max_window_bits !== undefined || params.serverMaxWindowBits < 15) {
      response.push(['server_max_window_bits', String(params.serverMaxWindowBits)]);
    }
    const offeredClientBits = p.client_max_window_bits;
    if (offeredClientBits !== undefined) {
      const limit = Math.min(offeredClientBits === true ? 15 : offeredClientBits, options.clientMaxWindowBits ?? 15);
      if (limit < 15 || options.clientMaxWindowBits !== undefined) {
        params.clientMaxWindowBits = limit;
        response.push(['client_max_window_bits', String(limit)]);
      }
    }
    return { params, header: formatExtensions([{ name: PERMESSAGE_DEFLATE, params: response }]) };
  }
  return null;
}

/** Result of the client's check of the server's answer. */
export type DeflateResponseCheck = { ok: true; params: DeflateParams | null } | { ok: false; error: string };

/**
 * Client side: checks the server's permessage-deflate answer against what we offered
 * (`options`, as passed to `createDeflateOffer`). No permessage-deflate in the answer means
 * uncompressed (`params: null`).
 */
export function acceptDeflateResponse(
  options: DeflateOptions,
  extensions: readonly ParsedExtension[],
): DeflateResponseCheck {
  const answers = extensions.filter((e) => e.name === PERMESSAGE_DEFLATE);
  if (answers.length === 0) return { ok: true, params: null };
  if (answers.length > 1) return { ok: false, error: 'permessage-deflate accepted more than once' };
  const p = readParams(answers[0], false);
  if (p === null) return { ok: false, error: 'invalid permessage-deflate parameters in response' };
  if (options.serverNoContextTakeover && !p.server_no_context_takeover) {
    return { ok: false, error: 'server ignored server_no_context_takeover' };
  }
  const serverBits = p.server_max_window_bits ?? 15;
  if (options.serverMaxWindowBits !== undefined && serverBits > options.serverMaxWindowBits) {
    return { ok: false, error: 'server_max_window_bits above the offer' };
  }
  const clientBits = typeof p.client_max_window_bits === 'number' ? p.client_max_window_bits : 15;
  const ourClientBits = options.clientMaxWindowBits ?? 15;
  if (clientBits > ourClientBits) return { ok: false, error: 'client_max_window_bits above the offer' };
  return {
    ok: true,
    params: {
      serverNoContextTakeover: p.server_no_context_takeover === true,
      clientNoContextTakeover: p.client_no_context_takeover === true || options.clientNoContextTakeover === true,
      serverMaxWindowBits: serverBits,
      clientMaxWindowBits: Math.min(clientBits, ourClientBits),
    },
  };
}
