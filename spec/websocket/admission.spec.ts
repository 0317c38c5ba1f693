/**
 * Admission before the 101, on real sockets: the Origin allow-list (403), authorize (a generator that waits
 * on a Promise, refusing with 401 and its header, or accepting; its time bound), maxConnections (503), and
 * two servers in manual mode sharing one http.Server by path. Real `ws` clients knock.
 */
import * as http from 'node:http';
import { WebSocket, type ClientOptions as WsOptions } from 'ws';
import { copas, type UpgradeRequest } from '../../src';
import { echo, rawHttp, RawClient } from '../support/raw-websocket';
import { installCleanup, listen, startLoop } from './helpers';

installCleanup();

/** Opens a `ws` client: 'open', or the HTTP status and body of the refusal. */
function knock(url: string, options: WsOptions = {}, protocol: string | string[] = 'echo'): Promise<{ open: true; ws: WebSocket } | { open: false; status: number; body: string; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol, options);
    ws.on('open', () => resolve({ open: true, ws }));
    ws.on('unexpected-response', (_req, res) => {
      let body = '';
      res.on('data', (d: Buffer) => { body += d.toString(); });
      res.on('end', () => resolve({ open: false, status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    ws.on('error', (err) => reject(err));
  });
}

function closeWs(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => { ws.on('close', (code) => resolve(code)); ws.close(1000); });
}

describe('admission before the upgrade', () => {
  it('origins: an Origin not on the list gets 403, one on it (any case) is served, a missing one is refused unless null is listed', async () => {
    const errors: string[] = [];
    const strict = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, origins: ['https://app.example'], on_error: (m) => errors.push(m) });
    const lenient = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, origins: ['https://app.example', null] });
    const loop = startLoop();
    const evil = await knock(`ws://127.0.0.1:${strict.port}`, { origin: 'https://evil.example' });
    expect(evil).toMatchObject({ open: false, status: 403, body: 'origin not allowed: https://evil.example' });
    const good = await knock(`ws://127.0.0.1:${strict.port}`, { origin: 'https://APP.example' });
    expect(good.open).toBe(true);
    if (good.open) expect(await closeWs(good.ws)).toBe(1000);
    const none = await knock(`ws://127.0.0.1:${strict.port}`); // ws sends no Origin unless asked
    expect(none).toMatchObject({ open: false, status: 403 });
    const noneOk = await knock(`ws://127.0.0.1:${lenient.port}`);
    expect(noneOk.open).toBe(true);
    if (noneOk.open) expect(await closeWs(noneOk.ws)).toBe(1000);
    expect(errors).toEqual(['origin not allowed', 'origin not allowed']);
    strict.close();
    lenient.close();
    await loop;
  });

  it('authorize may wait on a Promise (copas.await) and refuse with 401 and a header before any 101, or accept', async () => {
    const tokens = new Map([['good', 'alice']]);
    const lookupToken = (t: string): Promise<string | undefined> => new Promise((r) => setTimeout(() => r(tokens.get(t)), 20));
    const seen: UpgradeRequest[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: () => undefined,
      authorize: function* (request) {
        seen.push(request);
        const token = new URL(request.path, 'http://x').searchParams.get('token') ?? '';
        const user = yield* copas.await(lookupToken(token));
        return user !== undefined ? true : [401, 'bad token', { 'WWW-Authenticate': 'Bearer' }];
      } });
    const loop = startLoop();
    const refused = await knock(`ws://127.0.0.1:${server.port}/feed?token=nope`);
    expect(refused).toMatchObject({ open: false, status: 401, body: 'bad token' });
    if (!refused.open) expect(refused.headers['www-authenticate']).toBe('Bearer');
    const accepted = await knock(`ws://127.0.0.1:${server.port}/feed?token=good`);
    expect(accepted.open).toBe(true);
    if (accepted.open) {
      const echoed = await new Promise<string>((r) => { accepted.ws.once('message', (d) => r(d.toString())); accepted.ws.send('after authorize'); });
      expect(echoed).toBe('after authorize');
      expect(await closeWs(accepted.ws)).toBe(1000);
    }
    expect(seen.map((r) => [r.path, r.protocols, r.origin, r.remoteAddress])).toEqual([
      ['/feed?token=nope', ['echo'], null, '127.0.0.1'], ['/feed?token=good', ['echo'], null, '127.0.0.1']]);
    server.close();
    await loop;
  });

  it('authorize: false is 403, a status is that status, an error is 500, past the handshake timeout it is 503', async () => {
    const reported: unknown[] = [];
    const previous = copas.geterrorhandler();
    copas.seterrorhandler((err) => { reported.push(err); }, true);
    let verdict: unknown = false;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: () => undefined, handshakeTimeout: 0.3,
      authorize: function* () {
        if (verdict === 'hang') yield* copas.pause(10);
        if (verdict === 'throw') throw new Error('token store down');
        return verdict as boolean;
      } });
    const loop = startLoop();
    const url = `ws://127.0.0.1:${server.port}`;
    expect(await knock(url)).toMatchObject({ open: false, status: 403 });
    verdict = 429;
    expect(await knock(url)).toMatchObject({ open: false, status: 429 });
    verdict = 'throw';
    expect(await knock(url)).toMatchObject({ open: false, status: 500 });
    expect(String(reported[0])).toContain('token store down');
    verdict = 'hang';
    const t0 = Date.now();
    expect(await knock(url)).toMatchObject({ open: false, status: 503, body: 'authorization timed out' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(250);
    copas.seterrorhandler(previous, true);
    server.close();
    await loop;
  });

  it('maxConnections: past the count a request gets 503; once one closes there is room again', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, maxConnections: 2, on_error: () => undefined });
    const loop = startLoop();
    const url = `ws://127.0.0.1:${server.port}`;
    const a = await knock(url);
    const b = await knock(url);
    expect([a.open, b.open]).toEqual([true, true]);
    expect(await knock(url)).toMatchObject({ open: false, status: 503, body: 'too many connections' });
    if (a.open) await closeWs(a.ws);
    await new Promise((r) => setTimeout(r, 50)); // the server sees the close
    const c = await knock(url);
    expect(c.open).toBe(true);
    for (const x of [b, c]) if (x.open) await closeWs(x.ws);
    server.close();
    await loop;
  });

  it('manual mode: two servers share one http.Server, routed by path with handleUpgrade', async () => {
    const httpServer = http.createServer((_req, res) => res.end('plain http'));
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const port = (httpServer.address() as { port: number }).port;
    const upper = listen({ manual: true, default: function* (ws) {
      for (;;) {
        const [m] = yield* ws.receive();
        if (m === null) return;
        yield* ws.send(String(m).toUpperCase());
      }
    } });
    const plain = listen({ manual: true, protocols: { echo } });
    expect(upper.httpServer).toBeNull();
    httpServer.on('upgrade', (req, socket, head) => {
      if (req.url === '/upper') upper.handleUpgrade(req, socket, head);
      else if (req.url === '/echo') plain.handleUpgrade(req, socket, head);
      else socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n');
    });
    const loop = startLoop();
    const ask = async (path: string): Promise<string> => {
      const k = await knock(`ws://127.0.0.1:${port}${path}`, {}, path === '/upper' ? [] : 'echo');
      if (!k.open) return `status ${k.status}`;
      const got = await new Promise<string>((r) => { k.ws.once('message', (d) => r(d.toString())); k.ws.send('hi'); });
      await closeWs(k.ws);
      return got;
    };
    expect(await ask('/upper')).toBe('HI');
    expect(await ask('/echo')).toBe('hi');
    expect(await ask('/other')).toBe('status 404');
    expect(await rawHttp(port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n')).toContain('plain http');
    upper.close();
    plain.close();
    await loop;
    expect(httpServer.listening).toBe(true);
    await new Promise((r) => httpServer.close(r));
  });

  it('a raw client that resets the connection while authorize runs ends only that request', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((r) => { release = r; });
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: () => undefined,
      authorize: function* () { yield* copas.await(gate); return true; } });
    const loop = startLoop();
    const raw = await RawClient.connect(server.port);
    raw.write(RawClient.request(server.port, 'dGhlIHNhbXBsZSBub25jZQ=='));
    await new Promise((r) => setTimeout(r, 30));
    raw.sock.resetAndDestroy();
    await new Promise((r) => setTimeout(r, 30));
    release();
    const after = await knock(`ws://127.0.0.1:${server.port}`);
    expect(after.open).toBe(true);
    if (after.open) await closeWs(after.ws);
    server.close();
    await loop;
  });
});
