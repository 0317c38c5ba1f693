/**
 * Shared helpers for the websocket specs on real sockets: handlers, a raw `node:net` WebSocket client that
 * writes frames byte by byte, and small Promise utilities.
 */
import * as net from 'node:net';
import { randomBytes } from 'node:crypto';
import { copas, websocket, type ServerConfig, type ServerConnection, type WebSocketServer } from '../../src';
import { acceptKey } from '../../src/websocket/core';

/** An echo handler in lua-websockets' style: echo until the peer closes. */
export function* echoHandler(ws: ServerConnection): Generator<any, void, any> {
  for (;;) {
    const [message, opcode] = yield* ws.receive();
    if (message === null) return;
    yield* ws.send(message, opcode);
  }
}

/** Rejects after `ms` with `what` in the message (so a hang fails the spec instead of jest's timeout). */
export function within<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  const t = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms); });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

export const delay = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** ASCII text of exactly `n` bytes with varied content. */
export function textOf(n: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,;:!?';
  const bytes = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += alphabet[bytes[i] % alphabet.length];
  return s;
}

export const SIZES = [0, 1, 125, 126, 127, 65535, 65536, 1024 * 1024];

/** Encodes one frame as a client would (masked by default). `len` forces a length form for small payloads. */
export function frame(opcode: number, payload: Buffer | string = Buffer.alloc(0), opts: { fin?: boolean; rsv?: number; mask?: boolean } = {}): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : payload;
  const fin = opts.fin ?? true;
  const mask = opts.mask ?? true;
  const b0 = (fin ? 0x80 : 0) | ((opts.rsv ?? 0) << 4) | opcode;
  let head: Buffer;
  const m = mask ? 0x80 : 0;
  if (data.length < 126) head = Buffer.from([b0, m | data.length]);
  else if (data.length < 65536) { head = Buffer.alloc(4); head[0] = b0; head[1] = m | 126; head.writeUInt16BE(data.length, 2); }
  else { head = Buffer.alloc(10); head[0] = b0; head[1] = m | 127; head.writeBigUInt64BE(BigInt(data.length), 2); }
  if (!mask) return Buffer.concat([head, data]);
  const key = randomBytes(4);
  const body = Buffer.alloc(data.length);
  for (let i = 0; i < data.length; i++) body[i] = data[i] ^ key[i & 3];
  return Buffer.concat([head, key, body]);
}

/** A CLOSE payload: 2-byte code plus reason. */
export function closePayload(code: number, reason = ''): Buffer {
  const b = Buffer.alloc(2 + Buffer.byteLength(reason));
  b.writeUInt16BE(code, 0);
  b.write(reason, 2);
  return b;
}

export interface RawFrame { fin: boolean; rsv: number; opcode: number; masked: boolean; payload: Buffer }

/** A plain TCP client that speaks WebSocket by hand: raw HTTP, raw frames. */
export class RawClient {
  buf = Buffer.alloc(0);
  ended = false;
  private wake: (() => void) | null = null;

  private constructor(readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d: Buffer) => { this.buf = Buffer.concat([this.buf, d]); this.poke(); });
    sock.on('end', () => { this.ended = true; this.poke(); });
    sock.on('close', () => { this.ended = true; this.poke(); });
    sock.on('error', () => { this.ended = true; this.poke(); });
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

  /** Connects and completes a WebSocket handshake (checking the 101 and the accept key). */
  static async open(port: number, protocol = 'echo'): Promise<RawClient> {
    const c = await RawClient.connect(port);
    const key = randomBytes(16).toString('base64');
    c.write(`GET /raw HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
    const head = await c.readHead();
    if (!head.startsWith('HTTP/1.1 101 ')) throw new Error(`handshake refused: ${head}`);
    if (!head.includes(`Sec-WebSocket-Accept: ${acceptKey(key)}\r\n`)) throw new Error(`bad accept: ${head}`);
    return c;
  }

  write(data: Buffer | string): void {
    this.sock.write(data);
  }

  /** Waits until `n` bytes are buffered (or the connection ends). */
  private async need(test: () => boolean, ms: number): Promise<void> {
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

  /** The HTTP response head (up to and including the empty line); the rest stays buffered. */
  async readHead(ms = 3000): Promise<string> {
    await this.need(() => this.buf.includes('\r\n\r\n'), ms);
    const i = this.buf.indexOf('\r\n\r\n');
    if (i < 0) throw new Error(`raw client: no HTTP head, got ${JSON.stringify(this.buf.toString())}`);
    const head = this.buf.subarray(0, i + 4).toString('latin1');
    this.buf = this.buf.subarray(i + 4);
    return head;
  }

  /** Everything until the peer closes. */
  async readAll(ms = 3000): Promise<string> {
    await this.need(() => false, ms).catch(() => undefined);
    return this.buf.toString('latin1');
  }

  /** The next frame from the server, or null once the connection ended. */
  async readFrame(ms = 3000): Promise<RawFrame | null> {
    const complete = (): number => {
      const b = this.buf;
      if (b.length < 2) return -1;
      let len = b[1] & 0x7f;
      let off = 2;
      if (len === 126) { if (b.length < 4) return -1; len = b.readUInt16BE(2); off = 4; }
      else if (len === 127) { if (b.length < 10) return -1; len = Number(b.readBigUInt64BE(2)); off = 10; }
      if (b[1] & 0x80) off += 4;
      return b.length >= off + len ? off + len : -1;
    };
    await this.need(() => complete() >= 0, ms);
    const total = complete();
    if (total < 0) return null;
    const b = this.buf;
    let len = b[1] & 0x7f;
    let off = 2;
    if (len === 126) { len = b.readUInt16BE(2); off = 4; } else if (len === 127) { len = Number(b.readBigUInt64BE(2)); off = 10; }
    const masked = (b[1] & 0x80) !== 0;
    let payload = Buffer.from(b.subarray(masked ? off + 4 : off, total));
    if (masked) { const key = b.subarray(off, off + 4); payload = Buffer.from(payload.map((x, i) => x ^ key[i & 3])); }
    this.buf = b.subarray(total);
    return { fin: (b[0] & 0x80) !== 0, rsv: (b[0] >> 4) & 7, opcode: b[0] & 0x0f, masked, payload };
  }

  /** Reads frames until the server's CLOSE: its code (null for an empty close), reason, and whether TCP then ended. */
  async readClose(ms = 3000): Promise<{ code: number | null; reason: string; ended: boolean }> {
    for (;;) {
      const f = await this.readFrame(ms);
      if (f === null) throw new Error('raw client: connection ended without a CLOSE frame');
      if (f.opcode !== 8) continue;
      await this.need(() => false, 1000).catch(() => undefined);
      return { code: f.payload.length >= 2 ? f.payload.readUInt16BE(0) : null, reason: f.payload.subarray(2).toString(), ended: this.ended };
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

/** Awaits copas.loop's promise, failing if it does not resolve in `ms`. */
export async function loopEnds(loop: Promise<void>, ms = 5000): Promise<void> {
  await within(loop, ms, 'copas.loop() to finish');
  expect(copas.finished()).toBe(true);
}

/**
 * Safety net for a failed spec: the next one must not find the loop still running or a server still open.
 * Call `tracked(server)` for each server and `startLoop()` instead of copas.loop(); `installCleanup()` once per file.
 */
const openServers: Array<{ close(keep?: boolean): void }> = [];
let lastLoop: Promise<void> | null = null;

export function tracked<S extends { close(keep?: boolean): void }>(server: S): S {
  openServers.push(server);
  return server;
}

/** websocket.server.copas.listen, tracked for the cleanup. */
export function listen(config: ServerConfig): WebSocketServer {
  return tracked(websocket.server.copas.listen(config));
}

export function startLoop(): Promise<void> {
  lastLoop = copas.loop();
  return lastLoop;
}

export function installCleanup(): void {
  afterEach(async () => {
    for (const s of openServers.splice(0)) s.close();
    if (copas.running && lastLoop !== null) {
      await Promise.race([lastLoop, delay(1000)]);
      if (copas.running) {
        copas.cancelall();
        await Promise.race([lastLoop, delay(1000)]);
      }
    }
    lastLoop = null;
  });
}

export { copas, websocket };
