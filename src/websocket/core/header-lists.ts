/**
 * Parsing and formatting of the list-valued handshake headers (RFC 7230 section 7 `#rule`,
 * RFC 6455 section 9.1): `Sec-WebSocket-Protocol` (tokens), `Sec-WebSocket-Extensions`
 * (tokens with `;`-parameters whose values are tokens or quoted strings), and the
 * `Connection` / `Upgrade` token lists.
 */

/** One extension from a `Sec-WebSocket-Extensions` header, with its parameters in order. */
export interface ParsedExtension {
  /** Extension token, lower-cased (extension names are case-insensitive). */
  name: string;
  /** Parameters in order (duplicates kept so a negotiator can reject them); `true` = no value. */
  params: Array<[name: string, value: string | true]>;
}

/** Header value type as Node's `IncomingHttpHeaders` gives it. */
export type HeaderValue = string | string[] | undefined;

const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`|~0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ") {
  TOKEN_CHARS[c.charCodeAt(0)] = 1;
}

/** True if `s` is a non-empty RFC 7230 token. */
export function isToken(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** Joins a header that may have come as several lines into one comma list. */
export function headerText(value: HeaderValue): string | undefined {
  return Array.isArray(value) ? value.join(', ') : value;
}

/**
 * Splits a comma list of tokens (e.g. `Sec-WebSocket-Protocol: chat, superchat`), ignoring
 * empty elements. Returns null if an element is not a token.
 */
export function parseTokenList(value: HeaderValue): string[] | null {
  const text = headerText(value);
  if (text === undefined) return [];
  const out: string[] = [];
  for (const part of text.split(',')) {
    const item = part.trim();
    if (item.length === 0) continue;
    if (!isToken(item)) return null;
    out.push(item);
  }
  return out;
}

/** True if the comma list `value` holds `token` (case-insensitive; `/version` suffixes ignored). */
export function hasToken(value: HeaderValue, token: string): boolean {
  const text = headerText(value);
  if (text === undefined) return false;
  // Scanned in place (every handshake asks twice): no split, trim or lower-cased copies.
  const n = text.length;
  let start = 0;
  while (start <= n) {
    let end = text.indexOf(',', start);
    if (end < 0) end = n;
    let a = start;
    let b = end;
    while (a < b && isOws(text.charCodeAt(a))) a++;
    while (b > a && isOws(text.charCodeAt(b - 1))) b--;
    const slash = text.indexOf('/', a);
    if (slash >= 0 && slash < b) b = slash;
    if (equalsIgnoreCase(text, a, b, token)) return true;
    start = end + 1;
  }
  return false;
}

/** `text[a..b)` equals `token` ignoring ASCII case. */
function equalsIgnoreCase(text: string, a: number, b: number, token: string): boolean {
  if (b - a !== token.length) return false;
  for (let i = 0; i < token.length; i++) {
    const x = text.charCodeAt(a + i);
    const y = token.charCodeAt(i);
    if (x !== y && (x | 0x20) !== (y | 0x20)) return false;
    if (x !== y && !((x | 0x20) >= 0x61 && (x | 0x20) <= 0x7a)) return false; // only letters fold
  }
  return true;
}

function isOws(c: number): boolean {
  return c === 0x20 || c === 0x09;
}

/**
 * Parses `Sec-WebSocket-Extensions`. Returns null on any syntax error (the handshake then
 * fails), so a sloppy header never half-negotiates an extension.
 */
export function parseExtensions(value: HeaderValue): ParsedExtension[] | null {
  const text = headerText(value);
  if (text === undefined) return [];
  const s = text;
  const n = s.length;
  let i = 0;
  const skipOws = (): void => {
    while (i < n && isOws(s.charCodeAt(i))) i++;
  };
  const readToken = (): string => {
    const start = i;
    while (i < n) {
      const c = s.charCodeAt(i);
      if (c >= 128 || TOKEN_CHARS[c] === 0) break;
      i++;
    }
    return s.slice(start, i);
  };
  const out: ParsedExtension[] = [];
  for (;;) {
    skipOws();
    while (i < n && s[i] === ',') {
      i++;
      skipOws();
    }
    if (i >= n) break;
    const name = readToken();
    if (name.length === 0) return null;
    const ext: ParsedExtension = { name: name.toLowerCase(), params: [] };
    skipOws();
    while (i < n && s[i] === ';') {
      i++;
      skipOws();
      const param = readToken();
      if (param.length === 0) return null;
      skipOws();
      let paramValue: string | true = true;
      if (i < n && s[i] === '=') {
        i++;
        skipOws();
        if (s[i] === '"') {
          i++;
          let v = '';
          let closed = false;
          while (i < n) {
            const ch = s[i++];
            if (ch === '\\') {
              if (i >= n) return null;
              v += s[i++];
            } else if (ch === '"') {
              closed = true;
              break;
            } else {
              v += ch;
            }
          }
          // RFC 6455 9.1: an unescaped quoted value must itself be a token.
          if (!closed || !isToken(v)) return null;
          paramValue = v;
        } else {
          paramValue = readToken();
          if (paramValue.length === 0) return null;
        }
        skipOws();
      }
      ext.params.push([param.toLowerCase(), paramValue]);
    }
    out.push(ext);
    if (i >= n) break;
    if (s[i] !== ',') return null;
  }
  return out;
}

/** Formats extensions back into a header value (`name; a=1; b`). */
export function formatExtensions(extensions: readonly ParsedExtension[]): string {
  return extensions
    .map((ext) =>
      [ext.name, ...ext.params.map(([k, v]) => (v === true ? k : `${k}=${v}`))].join('; '),
    )
    .join(', ');
}
