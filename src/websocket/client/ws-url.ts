import { argError } from '../../util/args';

/**
 * A client's URL argument as a WHATWG URL; throws for a non-string and (`Invalid URL: ...`, as before) for
 * what does not parse, with the form that was expected.
 */
export function parseWsUrl(url: unknown): URL {
  if (typeof url !== 'string') throw argError('connect', 'url', "a WebSocket URL such as 'ws://host:port/path'", url);
  try {
    return new URL(url);
  } catch {
    throw new Error(`Invalid URL: ${url} (expected ws://host:port/path or wss://...)`);
  }
}

/**
 * null for a ws: or wss: URL, else lua-websockets' 'bad protocol' followed by what was expected, so code that
 * tests `err.startsWith('bad protocol')` keeps working and a user sees what to write.
 */
export function schemeError(parsed: URL, url: string): string | null {
  if (parsed.protocol === 'ws:' || parsed.protocol === 'wss:') return null;
  const hint = parsed.protocol === 'http:' || parsed.protocol === 'https:' ? `ws${url.slice(4)}`
    : url.includes('//') ? null : `ws://${url}`;
  return `bad protocol: expected a ws:// or wss:// URL, got '${url}'${hint === null ? '' : ` (write '${hint}')`}`;
}
