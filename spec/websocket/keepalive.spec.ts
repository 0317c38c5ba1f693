/**
 * Keepalive on real sockets: a raw peer that never answers PINGs is closed with 1011 in about
 * interval + timeout (the handler's receive returns the close tuple), a `ws` peer that answers stays and gives
 * ws.latency; the copas client against a raw server that never answers; the sync client stays alive while its
 * caller is blocked (the worker sends the PINGs).
 */
import { createHash } from 'node:crypto';
import * as net from 'node:net';
import { WebSocket } from 'ws';
import { copas, websocket, type WsReceiveResult } from '../../src';
import { OP, RawClient } from '../support/raw-websocket';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';
import { startServers, stopServers } from './sync-helpers';

installCleanup();

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

describe('keepalive', () => {
  it('a raw peer that never answers is closed with 1011 after about interval + timeout; receive returns the close tuple', async () => {
    let got: WsReceiveResult | null = null;
    let at = 0;
    const server = listen({ port: 0, interface: '127.0.0.1', pingInterval: 0.2, pingTimeout: 0.2, protocols: { echo: function* (ws) {
      const t0 = copas.gettime();
      got = yield* ws.receive();
      at = copas.gettime() - t0;
    } } });
    const loop = startLoop();
    const raw = await RawClient.open(server.port);
    await raw.need(() => raw.ended, 5000);
    expect(got).toEqual([null, null, false, 1011, 'keepalive ping timeout']);
    expect(at).toBeGreaterThanOrEqual(0.38);
    expect(at).toBeLessThan(1.5);
    // on the wire: a PING with a 4-byte payload, then CLOSE 1011 with the reason, then the end
    expect(raw.buf[0]).toBe(0x80 | OP.PING);
    expect(raw.buf[1]).toBe(4);
    const close = raw.buf.subarray(6);
    expect(close[0]).toBe(0x80 | OP.CLOSE);
    expect(close.readUInt16BE(2)).toBe(1011);
    expect(close.subarray(4, 2 + close[1]).toString()).toBe('keepalive ping timeout');
    raw.destroy();
    server.close();
    await loopEnds(loop);
  });

  it('a ws peer answers: it stays through several intervals, and ws.latency gives the round trip', async () => {
    const latencies: Array<number | null> = [];
    const server = listen({ port: 0, interface: '127.0.0.1', pingInterval: 0.1, pingTimeout: 0.2, protocols: { echo: function* (ws) {
      for (;;) {
        const [m] = yield* ws.receive();
        if (m === null) return;
        latencies.push(ws.latency);
        yield* ws.send(m);
      }
    } } });
    const loop = startLoop();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo');
    let pings = 0;
    ws.on('ping', () => { pings++; });
    await new Promise((r) => ws.on('open', r));
    await new Promise((r) => setTimeout(r, 900));
    const echoed = await new Promise<string>((r) => { ws.once('message', (d) => r(d.toString())); ws.send('still here'); });
    expect(echoed).toBe('still here');
    expect(pings).toBeGreaterThanOrEqual(4);
    expect(typeof latencies[0]).toBe('number');
    expect(latencies[0] as number).toBeGreaterThanOrEqual(0);
    expect(latencies[0] as number).toBeLessThan(0.2);
    const code = await new Promise<number>((r) => { ws.on('close', (c) => r(c)); ws.close(1000); });
    expect(code).toBe(1000);
    server.close();
    await loopEnds(loop);
  });

  it('pingInterval: null sends no PING', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', pingInterval: null, protocols: { echo: function* (ws) { yield* ws.receive(); } } });
    const loop = startLoop();
    const raw = await RawClient.open(server.port);
    await new Promise((r) => setTimeout(r, 300));
    expect(raw.buf.length).toBe(0);
    raw.destroy();
    server.close();
    await loopEnds(loop);
  });

  it('the copas client closes a server that never answers with 1011', async () => {
    const raw = net.createServer((s) => {
      s.on('error', () => undefined);
      s.once('data', (d) => {
        const key = /sec-websocket-key: *(\S+)/i.exec(d.toString())?.[1] ?? '';
        const accept = createHash('sha1').update(key + GUID).digest('base64');
        s.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
      });
    });
    await new Promise<void>((r) => raw.listen(0, '127.0.0.1', r));
    const port = (raw.address() as net.AddressInfo).port;
    let got: unknown = null;
    copas.addthread(function* () {
      const c = websocket.client.copas({ pingInterval: 0.15, pingTimeout: 0.15 });
      expect((yield* c.connect(`ws://127.0.0.1:${port}`))[0]).toBe(true);
      got = yield* c.receive();
    });
    await loopEnds(startLoop(), 5000);
    expect(got).toEqual([null, null, false, 1011, 'keepalive ping timeout']);
    await new Promise((r) => raw.close(r));
  });

  it('the sync client stays connected while its caller is blocked: the worker sends the PINGs', async () => {
    // the ws echo server runs in a child process: this thread is blocked during the nap
    const { child, ports } = await startServers();
    try {
      const c = websocket.client.sync({ timeout: 5, pingInterval: 0.1, pingTimeout: 0.2 });
      expect(c.connect(`ws://127.0.0.1:${ports.ws}`)[0]).toBe(true);
      expect(c.latency).toBeNull();
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 800); // the caller is busy for 0.8 s
      expect(c.send('after the nap')).toEqual([true]);
      expect(c.receive()).toEqual(['after the nap', websocket.TEXT]);
      const latency = c.latency; // the PONGs were read on the way to the echo
      expect(typeof latency).toBe('number');
      expect(c.bufferedAmount).toBe(0);
      expect(c.close()[0]).toBe(true);
    } finally {
      stopServers(child);
    }
  }, 60000);
});
