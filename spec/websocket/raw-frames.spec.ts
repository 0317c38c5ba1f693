/**
 * Our server against hand-written bytes on a plain node:net socket: one spec per RFC 6455 rule, checking the
 * close code the server sends, plus the HTTP refusals of bad upgrade requests.
 */
import { WebSocket } from 'ws';
import { websocket, type WebSocketServer } from '../../src';
import { RawClient, closePayload, echo, frame, rawHttp } from '../support/raw-websocket';
import { loopEnds, installCleanup, listen, startLoop } from './helpers';

installCleanup();

const { TEXT, BINARY, CONTINUATION, CLOSE, PING, PONG } = websocket;

let server: WebSocketServer;
let loop: Promise<void>;
let errors: string[];

beforeEach(() => {
  errors = [];
  server = listen({
    port: 0, interface: '127.0.0.1', maxMessageSize: 1000,
    protocols: { echo }, on_error: (m) => errors.push(m),
  });
  loop = startLoop();
});

afterEach(async () => {
  server.close();
  await loopEnds(loop);
});

/** Opens a raw connection, writes `bytes`, and returns the close the server sent. */
async function closeCodeFor(...bytes: Buffer[]): Promise<{ code: number | null; reason: string; ended: boolean }> {
  const c = await RawClient.open(server.port);
  for (const b of bytes) c.write(b);
  const { code, reason, ended } = await c.readClose(3000, 1000);
  c.destroy();
  return { code, reason: reason.toString(), ended };
}

/** The server still echoes on a fresh connection. */
async function stillServes(): Promise<void> {
  const c = await RawClient.open(server.port);
  c.write(frame(TEXT, 'still here'));
  const f = await c.readFrame();
  expect(f).toMatchObject({ fin: true, opcode: TEXT, masked: false });
  expect(f?.payload.toString()).toBe('still here');
  c.write(frame(CLOSE, closePayload(1000)));
  expect((await c.readClose()).code).toBe(1000);
  c.destroy();
}

describe('raw frames against our server', () => {
  it('echoes a well-formed masked frame unmasked', async () => {
    await stillServes();
  });

  it('an unmasked client frame -> 1002', async () => {
    const r = await closeCodeFor(frame(TEXT, 'hello', { mask: false }));
    expect(r.code).toBe(1002);
    expect(r.ended).toBe(true);
    await stillServes();
  });

  it.each([1, 2, 4])('RSV bits %i without an extension -> 1002', async (rsv) => {
    expect((await closeCodeFor(frame(TEXT, 'x', { rsv }))).code).toBe(1002);
  });

  it.each([3, 7, 0xb, 0xf])('unknown opcode %i -> 1002', async (op) => {
    expect((await closeCodeFor(frame(op, 'x'))).code).toBe(1002);
  });

  it('a fragmented control frame -> 1002', async () => {
    expect((await closeCodeFor(frame(PING, 'x', { fin: false }))).code).toBe(1002);
  });

  it('a control frame over 125 bytes -> 1002', async () => {
    expect((await closeCodeFor(frame(PING, Buffer.alloc(126, 1)))).code).toBe(1002);
  });

  it('a continuation without a start -> 1002', async () => {
    expect((await closeCodeFor(frame(CONTINUATION, 'x'))).code).toBe(1002);
  });

  it('a new data frame inside a fragmented message -> 1002', async () => {
    expect((await closeCodeFor(frame(TEXT, 'a', { fin: false }), frame(TEXT, 'b'))).code).toBe(1002);
  });

  it('invalid UTF-8 in a TEXT message -> 1007', async () => {
    expect((await closeCodeFor(frame(TEXT, Buffer.from([0x68, 0xc3, 0x28])))).code).toBe(1007);
  });

  it('invalid UTF-8 in the first fragment is refused before the message ends (fail fast)', async () => {
    const c = await RawClient.open(server.port);
    c.write(frame(TEXT, Buffer.from([0x61, 0xff, 0x62]), { fin: false })); // no final fragment ever
    const r = await c.readClose(2000);
    expect(r.code).toBe(1007);
    c.destroy();
  });

  it('a UTF-8 sequence split across fragments is accepted', async () => {
    const c = await RawClient.open(server.port);
    const euro = Buffer.from('€'); // e2 82 ac
    c.write(frame(TEXT, euro.subarray(0, 1), { fin: false }));
    c.write(frame(CONTINUATION, euro.subarray(1)));
    expect((await c.readFrame())?.payload.toString()).toBe('€');
    c.write(frame(CLOSE, closePayload(1000)));
    expect((await c.readClose()).code).toBe(1000);
    c.destroy();
  });

  it.each([1005, 999, 5000, 1004, 1006, 1015, 0, 2999])('close code %i -> 1002', async (code) => {
    expect((await closeCodeFor(frame(CLOSE, closePayload(code)))).code).toBe(1002);
  });

  it('a close payload of 1 byte -> 1002', async () => {
    expect((await closeCodeFor(frame(CLOSE, Buffer.from([0x03])))).code).toBe(1002);
  });

  it('a close reason that is not UTF-8 -> 1007', async () => {
    expect((await closeCodeFor(frame(CLOSE, Buffer.concat([closePayload(1000), Buffer.from([0xff])])))).code).toBe(1007);
  });

  it('a message over maxMessageSize -> 1009 (one frame and fragmented)', async () => {
    expect((await closeCodeFor(frame(BINARY, Buffer.alloc(1001)))).code).toBe(1009);
    expect((await closeCodeFor(frame(BINARY, Buffer.alloc(600), { fin: false }), frame(CONTINUATION, Buffer.alloc(600)))).code).toBe(1009);
    // exactly at the limit is fine
    const c = await RawClient.open(server.port);
    c.write(frame(BINARY, Buffer.alloc(1000, 7)));
    const f = await c.readFrame();
    expect(f?.opcode).toBe(BINARY);
    expect(f?.payload.equals(Buffer.alloc(1000, 7))).toBe(true);
    c.destroy();
  });

  it('answers a PING between fragments with its PONG and reassembles the message', async () => {
    const c = await RawClient.open(server.port);
    c.write(Buffer.concat([frame(TEXT, 'Hel', { fin: false }), frame(PING, 'mid')]));
    const pong = await c.readFrame();
    expect(pong).toMatchObject({ opcode: PONG, fin: true, masked: false });
    expect(pong?.payload.toString()).toBe('mid');
    c.write(frame(PONG, 'unsolicited')); // a PONG between fragments is ignored
    c.write(frame(CONTINUATION, 'lo, ', { fin: false }));
    c.write(frame(CONTINUATION, 'world'));
    const msg = await c.readFrame();
    expect(msg).toMatchObject({ opcode: TEXT, fin: true });
    expect(msg?.payload.toString()).toBe('Hello, world');
    c.write(frame(CLOSE, closePayload(1000)));
    expect((await c.readClose()).code).toBe(1000);
    c.destroy();
  });

  it('reads a 2-byte frame header split across TCP writes', async () => {
    const c = await RawClient.open(server.port);
    const bytes = frame(TEXT, 'split');
    for (const part of [bytes.subarray(0, 1), bytes.subarray(1, 2), bytes.subarray(2, 4), bytes.subarray(4)]) {
      c.write(part);
      await new Promise((r) => setTimeout(r, 30));
    }
    expect((await c.readFrame())?.payload.toString()).toBe('split');
    // a 16-bit length header split inside the extended length
    const big = frame(BINARY, Buffer.alloc(300, 3));
    c.write(big.subarray(0, 3));
    await new Promise((r) => setTimeout(r, 30));
    c.write(big.subarray(3));
    expect((await c.readFrame())?.payload.equals(Buffer.alloc(300, 3))).toBe(true);
    c.destroy();
  });

  it("the server's close reply echoes the code and reason, then the server closes TCP", async () => {
    const r = await closeCodeFor(frame(CLOSE, closePayload(4001, 'lost interest')));
    expect(r).toEqual({ code: 4001, reason: 'lost interest', ended: true });
    const empty = await closeCodeFor(frame(CLOSE)); // no code: the reply has none either
    expect(empty.code).toBe(null);
  });

  it('the handler sees the code and reason of a client close', async () => {
    server.close();
    await loop;
    const seen: unknown[] = [];
    server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      seen.push(yield* ws.receive());
    } } });
    loop = startLoop();
    await closeCodeFor(frame(CLOSE, closePayload(4002, 'bye')));
    expect(seen).toEqual([[null, null, true, 4002, 'bye']]);
  });
});

describe('raw HTTP against our server', () => {
  const upgrade = (port: number, extra: string): string =>
    `GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n${extra}\r\n`;

  it('a bad Sec-WebSocket-Version gets 426 with Sec-WebSocket-Version: 13', async () => {
    const res = await rawHttp(server.port, upgrade(server.port, 'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 8\r\n'));
    expect(res).toMatch(/^HTTP\/1\.1 426 /);
    expect(res).toMatch(/\r\nSec-WebSocket-Version: 13\r\n/i);
    expect(errors).toEqual(['invalid request']);
  });

  it('no Sec-WebSocket-Key gets 400', async () => {
    const res = await rawHttp(server.port, upgrade(server.port, 'Sec-WebSocket-Version: 13\r\n'));
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('a malformed Sec-WebSocket-Key gets 400', async () => {
    const res = await rawHttp(server.port, upgrade(server.port, 'Sec-WebSocket-Key: short\r\nSec-WebSocket-Version: 13\r\n'));
    expect(res).toMatch(/^HTTP\/1\.1 400 /);
  });

  it('a POST upgrade gets 405', async () => {
    const res = await rawHttp(server.port, `POST / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n');
    expect(res).toMatch(/^HTTP\/1\.1 405 /);
  });

  it('keeps serving others after refusals and protocol errors', async () => {
    await rawHttp(server.port, upgrade(server.port, 'Sec-WebSocket-Version: 13\r\n'));
    await closeCodeFor(frame(TEXT, 'x', { mask: false }));
    await stillServes();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo');
    const echoed = await new Promise<string>((resolve, reject) => {
      ws.on('open', () => ws.send('after the errors'));
      ws.on('message', (d) => resolve(d.toString()));
      ws.on('error', reject);
    });
    expect(echoed).toBe('after the errors');
    const closed = new Promise((r) => ws.on('close', (code) => r(code)));
    ws.close(1000);
    expect(await closed).toBe(1000);
  });
});
