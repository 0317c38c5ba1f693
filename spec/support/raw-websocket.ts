/**
 * A hand-made WebSocket client shared by the websocket, conformance and hostile-peer specs: a raw HTTP upgrade
 * on node:net, frames encoded and masked here (independently of src/), the server's frames parsed here, and
 * permessage-deflate done with zlib directly. Also starts and stops an echo server under copas, and has the
 * well-behaved-client and memory probes the hostile specs run beside their attacks.
 */
import * as net from 'node:net';
import * as zlib from 'node:zlib';
import { createHash, randomBytes } from 'node:crypto';
import { copas, websocket, type ServerConfig, type ServerConnection, type TaskGenerator, type WebSocketServer } from '../../src';

export const OP = { CONT: 0, TEXT: 1, BINARY: 2, CLOSE: 8, PING: 9, PONG: 10 } as const;

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const TAIL = Buffer.from([0x00, 0x00, 0xff, 0xff]);

/** An echo handler: echo every message with its opcode until the peer closes. */
export function* echo(ws: ServerConnection): TaskGenerator<void> {
  for (;;) {
    const [message, opcode] = yield* ws.receive();
    if (message === null) return;
    yield* ws.send(message, opcode);
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Rejects after `ms` naming `what`, so a hang fails the spec with a reason. */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

/** A running echo server (listen + copas.loop) and everything needed to stop it cleanly. */
export class EchoServer {
  readonly clients = new Set<RawClient>();
  private constructor(readonly server: WebSocketServer, readonly loop: Promise<void>) {}

  static start(config: Partial<ServerConfig> = {}): EchoServer {
    const server = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: () => undefined, ...config });
    return new EchoServer(server, copas.loop());
  }

  get port(): number { return this.server.port; }

  /** A raw client after a successful handshake (tracked, destroyed by stop()). */
  async open(opts: OpenOptions = {}): Promise<RawClient> {
    const c = await RawClient.open(this.port, opts);
    this.clients.add(c);
    return c;
  }

  /** Destroys every raw client, closes the server and waits for the loop to end. */
  async stop(ms = 8000): Promise<void> {
    for (const c of this.clients) c.destroy();
    this.clients.clear();
    this.server.close();
    await within(this.loop, ms, 'copas.loop() to finish');
  }
}

/** Encodes one client frame. `mask: false` sends it unmasked; `len` forces a declared length (lies allowed). */
export function frame(opcode: number, payload: Buffer | string = Buffer.alloc(0),
  opts: { fin?: boolean; rsv?: number; mask?: boolean; len?: bigint } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const b0 = ((opts.fin ?? true) ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode;
  const mask = opts.mask ?? true;
  const m = mask ? 0x80 : 0;
  const declared = opts.len ?? BigInt(data.length);
  let head: Buffer;
  if (declared < 126n) head = Buffer.from([b0, m | Number(declared)]);
  else if (declared < 65536n) { head = Buffer.alloc(4); head[0] = b0; head[1] = m | 126; head.writeUInt16BE(Number(declared), 2); }
  else { head = Buffer.alloc(10); head[0] = b0; head[1] = m | 127; head.writeBigUInt64BE(declared, 2); }
  if (!mask) return Buffer.concat([head, data]);
  const key = randomBytes(4);
  const out = Buffer.allocUnsafe(head.length + 4 + data.length);
  head.copy(out, 0);
  key.copy(out, head.length);
  const at = head.length + 4;
  for (let i = 0; i < data.length; i++) out[at + i] = data[i] ^ key[i & 3];
  return out;
}

/** A CLOSE payload: a 2-byte code and a reason (string or raw bytes). */
export function closePayload(code: number, reason: string | Buffer = ''): Buffer {
  const r = typeof reason === 'string' ? Buffer.from(reason) : reason;
  const b = Buffer.alloc(2 + r.length);
  b.writeUInt16BE(code & 0xffff, 0);
  r.copy(b, 2);
  return b;
}

/** Splits `data` into fragment frames at the given byte offsets (first keeps `opcode`, the rest continue). */
export function fragments(opcode: number, data: Buffer, cuts: number[], rsv = 0): Buffer[] {
  const points = [0, ...cuts, data.length];
  const out: Buffer[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const last = i + 2 === points.length;
    out.push(frame(i === 0 ? opcode : OP.CONT, data.subarray(points[i], points[i + 1]), { fin: last, rsv: i === 0 ? rsv : 0 }));
  }
  return out;
}

export interface ServerFrame { fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Buffer }
export interface CloseResult { code: number | null; reason: Buffer; ended: boolean; before: ServerFrame[] }
export interface OpenOptions { protocol?: string; extensions?: string; path?: string }

/** What the server agreed for permessage-deflate (from its 101 response). */
export interface Agreed { serverNoContextTakeover: boolean; clientNoContextTakeover: boolean; serverMaxWindowBits: number; clientMaxWindowBits: number }

/** Parses the 101's Sec-WebSocket-Extensions: permessage-deflate's parameters or null. */
export function parseAgreement(header: string | undefined): Agreed | null {
  if (header === undefined) return null;
  const parts = header.split(';').map((s) => s.trim());
  if (parts[0] !== 'permessage-deflate') throw new Error(`unexpected extension answer: ${header}`);
  const a: Agreed = { serverNoContextTakeover: false, clientNoContextTakeover: false, serverMaxWindowBits: 15, clientMaxWindowBits: 15 };
  for (const p of parts.slice(1)) {
    const [k, v] = p.split('=').map((s) => s.trim());
    if (k === 'server_no_context_takeover') a.serverNoContextTakeover = true;
    else if (k === 'client_no_context_takeover') a.clientNoContextTakeover = true;
    else if (k === 'server_max_window_bits') a.serverMaxWindowBits = Number(v);
    else if (k === 'client_max_window_bits') a.clientMaxWindowBits = Number(v);
    else throw new Error(`unknown permessage-deflate parameter in answer: ${p}`);
  }
  return a;
}

/** A plain TCP client speaking WebSocket by hand. */
export class RawClient {
  buf: Buffer = Buffer.alloc(0);
  ended = false;
  /** Response headers of the handshake (lower-case names). */
  headers: Record<string, string> = {};
  agreed: Agreed | null = null;
  private wake: (() => void) | null = null;
  /** Compression state (our compressor's window, the server's window for our inflater). */
  private ownWindow: Buffer = Buffer.alloc(0);
  private peerWindow: Buffer = Buffer.alloc(0);

  constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => { this.buf = this.buf.length === 0 ? d : Buffer.concat([this.buf, d]); this.poke(); });
    const end = (): void => { this.ended = true; this.poke(); };
    sock.on('end', end);
    sock.on('close', end);
    sock.on('error', end);
  }

  private poke(): void {
    const w = this.wake;
    this.wake = null;
    if (w !== null) w();
  }

  static connect(port: number, host = '127.0.0.1'): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const s = net.connect(port, host, () => { s.off('error', reject); resolve(new RawClient(s)); });
      s.once('error', reject);
    });
  }

  /** The upgrade request for `key`. */
  static request(port: number, key: string, opts: OpenOptions = {}): string {
    return `GET ${opts.path ?? '/'} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${opts.protocol ?? 'echo'}\r\n` +
      (opts.extensions !== undefined ? `Sec-WebSocket-Extensions: ${opts.extensions}\r\n` : '') + '\r\n';
  }

  /** Connects and completes the handshake, checking the 101 and the accept key. */
  static async open(port: number, opts: OpenOptions = {}): Promise<RawClient> {
    const c = await RawClient.connect(port);
    const key = randomBytes(16).toString('base64');
    c.write(RawClient.request(port, key, opts));
    const head = await c.readHead();
    const lines = head.split('\r\n');
    if (!lines[0].startsWith('HTTP/1.1 101 ')) { c.destroy(); throw new Error(`handshake refused: ${head}`); }
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      if (i > 0) c.headers[l.slice(0, i).trim().toLowerCase()] = l.slice(i + 1).trim();
    }
    const accept = createHash('sha1').update(key + GUID).digest('base64');
    if (c.headers['sec-websocket-accept'] !== accept) { c.destroy(); throw new Error(`bad accept: ${head}`); }
    c.agreed = parseAgreement(c.headers['sec-websocket-extensions']);
    return c;
  }

  write(data: Buffer | string | Buffer[]): void {
    if (this.sock.destroyed) return;
    this.sock.write(Array.isArray(data) ? Buffer.concat(data) : data);
  }

  /** Waits until `test()` holds or the connection ends; throws after `ms`. */
  async need(test: () => boolean, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!test() && !this.ended) {
      const left = until - Date.now();
      if (left <= 0) throw new Error('raw client: timed out waiting for data');
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => { this.wake = null; resolve(); }, left);
        this.wake = () => { clearTimeout(t); resolve(); };
      });
    }
  }

  /** Exactly the next `n` bytes (throws on timeout or if the connection ends first). */
  async readBytes(n: number, ms = 3000): Promise<Buffer> {
    await this.need(() => this.buf.length >= n, ms);
    if (this.buf.length < n) throw new Error(`raw client: connection ended after ${this.buf.length} of ${n} bytes`);
    const out = Buffer.from(this.buf.subarray(0, n));
    this.buf = this.buf.subarray(n);
    return out;
  }

  /** True once the peer ended TCP (waits up to `ms`). */
  async waitEnd(ms = 3000): Promise<boolean> {
    await this.need(() => false, ms).catch(() => undefined);
    return this.ended;
  }

  /** Everything until the peer closes (or `ms` passes), as latin1 text. */
  async readAll(ms = 3000): Promise<string> {
    await this.need(() => false, ms).catch(() => undefined);
    return this.buf.toString('latin1');
  }

  /** The HTTP response head (up to and including the empty line); the rest stays buffered. */
  async readHead(ms = 3000): Promise<string> {
    await this.need(() => this.buf.includes('\r\n\r\n'), ms);
    const i = this.buf.indexOf('\r\n\r\n');
    if (i < 0) throw new Error(`raw client: no HTTP head, got ${JSON.stringify(this.buf.toString('latin1'))}`);
    const head = this.buf.subarray(0, i + 4).toString('latin1');
    this.buf = this.buf.subarray(i + 4);
    return head;
  }

  private frameSize(): number {
    const b = this.buf;
    if (b.length < 2) return -1;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) { if (b.length < 4) return -1; len = b.readUInt16BE(2); off = 4; }
    else if (len === 127) { if (b.length < 10) return -1; len = Number(b.readBigUInt64BE(2)); off = 10; }
    if (b[1] & 0x80) off += 4;
    return b.length >= off + len ? off + len : -1;
  }

  /** The next frame, or null once the connection ended without one. Checks the server's frames are well-formed. */
  async readFrame(ms = 3000): Promise<ServerFrame | null> {
    await this.need(() => this.frameSize() >= 0, ms);
    const total = this.frameSize();
    if (total < 0) return null;
    const b = this.buf;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) { len = b.readUInt16BE(2); off = 4; } else if (len === 127) { len = Number(b.readBigUInt64BE(2)); off = 10; }
    const masked = (b[1] & 0x80) !== 0;
    let payload = Buffer.from(b.subarray(masked ? off + 4 : off, total));
    if (masked) { const key = b.subarray(off, off + 4); payload = Buffer.from(payload.map((x, i) => x ^ key[i & 3])); }
    // Minimal length encoding (RFC 6455 5.2: "the minimal number of bytes MUST be used").
    if (off === 4 && len < 126) throw new Error('server used a 16-bit length for a short payload');
    if (off === 10 && len < 65536) throw new Error('server used a 64-bit length for a short payload');
    this.buf = b.subarray(total);
    return { fin: (b[0] & 0x80) !== 0, rsv: (b[0] >> 4) & 7, opcode: b[0] & 0x0f, masked, payload };
  }

  /**
   * The next whole message (fragments joined; control frames between are collected in `controls`),
   * inflated when RSV1 is set. Null when the connection ended or a CLOSE came first (then in `controls`).
   */
  async readMessage(ms = 3000): Promise<{ opcode: number; data: Buffer; compressed: boolean; frames: number; controls: ServerFrame[] } | null> {
    const controls: ServerFrame[] = [];
    const parts: Buffer[] = [];
    let first: ServerFrame | null = null;
    let frames = 0;
    for (;;) {
      const f = await this.readFrame(ms);
      if (f === null) return null;
      if (f.masked) throw new Error('server sent a masked frame');
      if (f.opcode >= 8) {
        if (f.rsv !== 0 || !f.fin) throw new Error('server sent a bad control frame');
        controls.push(f);
        if (f.opcode === OP.CLOSE) return null;
        continue;
      }
      frames++;
      if (first === null) {
        if (f.opcode === OP.CONT) throw new Error('server sent a continuation without a start');
        first = f;
      } else if (f.opcode !== OP.CONT || f.rsv !== 0) throw new Error('server sent a bad continuation');
      parts.push(f.payload);
      if (f.fin) break;
    }
    const compressed = (first.rsv & 4) !== 0;
    if ((first.rsv & 3) !== 0) throw new Error('server set RSV2/RSV3');
    if (compressed && this.agreed === null) throw new Error('server compressed without permessage-deflate');
    const joined = Buffer.concat(parts);
    const data = compressed ? this.inflate(joined) : joined;
    return { opcode: first.opcode, data, compressed, frames, controls };
  }

  /** Inflates a server message under the agreed parameters (its window bits, its context takeover). */
  inflate(payload: Buffer): Buffer {
    const a = this.agreed as Agreed;
    const out = zlib.inflateRawSync(Buffer.concat([payload, TAIL]), {
      finishFlush: zlib.constants.Z_SYNC_FLUSH, windowBits: a.serverMaxWindowBits,
      dictionary: a.serverNoContextTakeover || this.peerWindow.length === 0 ? undefined : this.peerWindow,
      // Small output chunks make zlib check every distance against the window (one big output buffer would
      // let a too-far distance reach back into the same call's output): a server using a bigger window than
      // agreed fails here with "invalid distance too far back".
      chunkSize: a.serverMaxWindowBits < 15 ? 64 : 64 * 1024,
    });
    if (!a.serverNoContextTakeover) this.peerWindow = keepLast(this.peerWindow, out, 1 << a.serverMaxWindowBits);
    return out;
  }

  /** Deflates a client message under the agreed parameters (the tail 00 00 ff ff removed). */
  deflate(data: Buffer): Buffer {
    const a = this.agreed as Agreed;
    const bits = Math.max(9, a.clientMaxWindowBits);
    const takeover = !a.clientNoContextTakeover;
    const out = zlib.deflateRawSync(data, {
      finishFlush: zlib.constants.Z_SYNC_FLUSH, windowBits: bits,
      dictionary: takeover && this.ownWindow.length > 0 ? this.ownWindow : undefined,
    });
    if (takeover) this.ownWindow = keepLast(this.ownWindow, data, 1 << bits);
    if (!out.subarray(out.length - 4).equals(TAIL)) throw new Error('deflate did not end with a sync flush');
    return out.subarray(0, out.length - 4);
  }

  /** Reads frames until the server's CLOSE; then waits (up to `endMs`) for the server to end TCP. */
  async readClose(ms = 3000, endMs = 2000): Promise<CloseResult> {
    const before: ServerFrame[] = [];
    for (;;) {
      const f = await this.readFrame(ms);
      if (f === null) throw new Error(`raw client: connection ended without a CLOSE frame (after ${before.length} frames)`);
      if (f.opcode !== OP.CLOSE) { before.push(f); continue; }
      const ended = await this.waitEnd(endMs);
      return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null, reason: f.payload.subarray(2), ended, before };
    }
  }

  destroy(): void {
    this.sock.destroy();
  }
}

/** Sends a raw HTTP request on a fresh socket and returns the whole answer (the server closes after it). */
export async function rawHttp(port: number, request: string): Promise<string> {
  const c = await RawClient.connect(port);
  c.write(request);
  const all = await c.readAll(3000);
  c.destroy();
  return all;
}

function keepLast(window: Buffer, data: Buffer, size: number): Buffer {
  const joined = window.length === 0 ? Buffer.from(data) : Buffer.concat([window, data]);
  return joined.length > size ? Buffer.from(joined.subarray(joined.length - size)) : joined;
}

/** The exact bytes RFC 6455 requires of a server frame: unmasked, minimal length encoding. */
export function serverFrame(opcode: number, payload: Buffer | string = Buffer.alloc(0), fin = true, rsv = 0): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const b0 = (fin ? 0x80 : 0) | (rsv << 4) | opcode;
  let head: Buffer;
  if (data.length < 126) head = Buffer.from([b0, data.length]);
  else if (data.length < 65536) { head = Buffer.alloc(4); head[0] = b0; head[1] = 126; head.writeUInt16BE(data.length, 2); }
  else { head = Buffer.alloc(10); head[0] = b0; head[1] = 127; head.writeBigUInt64BE(BigInt(data.length), 2); }
  return Buffer.concat([head, data]);
}

/** ASCII text of `n` bytes, varied. */
export function textOf(n: number, seed = 1): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?';
  let x = seed >>> 0 || 1;
  let s = '';
  for (let i = 0; i < n; i++) { x = (x * 1103515245 + 12345) >>> 0; s += alphabet[(x >>> 16) % alphabet.length]; }
  return s;
}

/** A well-behaved client still gets its echo (a fresh connection, text and binary, then a clean close). */
export async function stillServes(port: number, label = 'still here'): Promise<void> {
  const c = await RawClient.open(port);
  try {
    c.write(frame(OP.TEXT, label));
    const m = await c.readMessage(5000);
    if (m === null || m.opcode !== OP.TEXT || m.data.toString() !== label) throw new Error(`no echo of ${label}: ${JSON.stringify(m)}`);
    c.write(frame(OP.CLOSE, closePayload(1000)));
    const r = await c.readClose(5000);
    if (r.code !== 1000) throw new Error(`close echo ${r.code}`);
  } finally {
    c.destroy();
  }
}

export { copas, websocket };

/**
 * A well-behaved client that keeps echoing on one connection every `everyMs` while hostile peers do their
 * worst; `stop()` closes it cleanly and returns how many round trips succeeded (throws on any failure).
 */
export function keepEchoing(port: number, everyMs = 50): { stop: () => Promise<number> } {
  let running = true;
  let count = 0;
  const done = (async () => {
    const c = await RawClient.open(port);
    try {
      while (running) {
        const label = `well-behaved #${count}`;
        c.write(frame(OP.TEXT, label));
        const m = await c.readMessage(5000);
        if (m === null || m.data.toString() !== label) throw new Error(`well-behaved client lost its echo: ${JSON.stringify(m)}`);
        count++;
        await sleep(everyMs);
      }
      c.write(frame(OP.CLOSE, closePayload(1000)));
      const r = await c.readClose(5000);
      if (r.code !== 1000) throw new Error(`well-behaved client's close got ${r.code}`);
    } finally {
      c.destroy();
    }
  })();
  done.catch(() => undefined);
  return { stop: async () => { running = false; await done; return count; } };
}

/** Samples process memory every `everyMs` until stopped; reports the peaks above the baseline taken at start. */
export function memorySampler(everyMs = 10): { stop: () => { rss: number; arrayBuffers: number; heapUsed: number } } {
  const base = process.memoryUsage();
  const peak = { rss: 0, arrayBuffers: 0, heapUsed: 0 };
  const sample = (): void => {
    const m = process.memoryUsage();
    peak.rss = Math.max(peak.rss, m.rss - base.rss);
    peak.arrayBuffers = Math.max(peak.arrayBuffers, m.arrayBuffers - base.arrayBuffers);
    peak.heapUsed = Math.max(peak.heapUsed, m.heapUsed - base.heapUsed);
  };
  const t = setInterval(sample, everyMs);
  return { stop: () => { clearInterval(t); sample(); return peak; } };
}

export const MiB = 1024 * 1024;
