/**
 * copas.http against real node:http / node:https servers on loopback: both forms of request, chunked and
 * sized bodies, redirects (and their limits), https with LuaSec-style parameters and SNI, timeouts while
 * other tasks keep running, and LuaSocket's error strings.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type * as tls from 'node:tls';
import { copas } from '../../src';
import { runMain, settle } from '../scheduler/helpers';

afterEach(settle);

type Handler = (req: http.IncomingMessage, body: Buffer, res: http.ServerResponse) => void;

const servers: net.Server[] = [];
afterAll(() => { for (const s of servers) s.close(); });

/** A server on a free loopback port that reads each request body before calling `handler`. */
async function serve(handler: Handler, secure?: https.ServerOptions): Promise<string> {
  const onRequest = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks), res));
  };
  const server = secure ? https.createServer(secure, onRequest) : http.createServer(onRequest);
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return `${secure ? 'https' : 'http'}://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

let certs: string;
beforeAll(() => {
  certs = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-http-'));
  execFileSync('bash', [path.join(__dirname, '../copas-parity/make-certs.sh'), certs]);
});
const tlsServer = (): https.ServerOptions => ({
  key: fs.readFileSync(path.join(certs, 'serverAkey.pem')),
  cert: fs.readFileSync(path.join(certs, 'serverA.pem')),
});

describe('copas.http.request, string form', () => {
  it('GETs a body with its code, lower-case headers and status line', async () => {
    const base = await serve((req, _b, res) => { res.setHeader('X-Thing', 'a'); res.end(`you asked ${req.method} ${req.url}`); });
    await runMain(function* () {
      const [body, code, headers, status] = yield* copas.http.request(`${base}/some/path?q=1`);
      expect(body?.toString()).toBe('you asked GET /some/path?q=1');
      expect(code).toBe(200);
      expect(headers).toMatchObject({ 'x-thing': 'a', 'content-length': '28' });
      expect(status).toBe('HTTP/1.1 200 OK');
    });
  });

  it('POSTs a body as a form, with its length, and sends LuaSocket\'s default headers', async () => {
    let seen: { method?: string; headers: http.IncomingHttpHeaders; body: string } | null = null;
    const base = await serve((req, body, res) => { seen = { method: req.method, headers: req.headers, body: body.toString() }; res.end('ok'); });
    await runMain(function* () {
      const [body, code] = yield* copas.http.request(`${base}/form`, 'a=1&b=é');
      expect([body?.toString(), code]).toEqual(['ok', 200]);
    });
    expect(seen).toMatchObject({ method: 'POST', body: 'a=1&b=é', headers: {
      'content-type': 'application/x-www-form-urlencoded', 'content-length': String(Buffer.byteLength('a=1&b=é')),
      'user-agent': 'copas-ts', connection: 'close, TE', te: 'trailers', host: base.slice('http://'.length),
    } });
  });

  it('reads a chunked response with trailers into the headers, and a body cut by the server\'s close', async () => {
    const base = await serve((req, _b, res) => {
      if (req.url === '/chunked') {
        res.writeHead(200, { Trailer: 'X-Sum' });
        res.write('part one, ');
        setTimeout(() => { res.addTrailers({ 'X-Sum': '42' }); res.end('part two'); }, 20);
      } else {
        res.socket?.end('HTTP/1.0 200 OK\r\nX-Old: yes\r\n\r\nuntil the end');
      }
    });
    await runMain(function* () {
      const [body, code, headers] = yield* copas.http.request(`${base}/chunked`);
      expect([body?.toString(), code, headers?.['transfer-encoding'], headers?.['x-sum']]).toEqual(['part one, part two', 200, 'chunked', '42']);
      const [old, code2, h2, status2] = yield* copas.http.request(`${base}/old`);
      expect([old?.toString(), code2, h2?.['x-old'], status2]).toEqual(['until the end', 200, 'yes', 'HTTP/1.0 200 OK']);
    });
  });
});

describe('copas.http.request, table form', () => {
  it('sends method, headers and a source (chunked without a length) and fills the sink', async () => {
    let seen: { method?: string; te?: string; ct?: string; body: string } | null = null;
    const base = await serve((req, body, res) => {
      seen = { method: req.method, te: req.headers['transfer-encoding'], ct: req.headers['content-type'], body: body.toString() };
      res.writeHead(201, 'Made', { 'Content-Type': 'text/plain' });
      res.end(Buffer.from([0, 255, 1]));
    });
    await runMain(function* () {
      const target: Buffer[] = [];
      const [one, code, headers, status] = yield* copas.http.request({
        url: `${base}/things`, method: 'PUT', headers: { 'Content-Type': 'application/json' }, source: '{"a":1}', sink: target,
      });
      expect([one, code, headers?.['content-type'], status]).toEqual([1, 201, 'text/plain', 'HTTP/1.1 201 Made']);
      expect(Buffer.concat(target)).toEqual(Buffer.from([0, 255, 1]));
    });
    expect(seen).toEqual({ method: 'PUT', te: 'chunked', ct: 'application/json', body: '{"a":1}' });
  });

  it('does not read a body for HEAD, 204 and 304', async () => {
    const base = await serve((req, _b, res) => {
      if (req.url === '/204') { res.writeHead(204); res.end(); return; }
      res.setHeader('Content-Length', '5');
      res.end(req.method === 'HEAD' ? undefined : 'hello');
    });
    await runMain(function* () {
      const sink: Buffer[] = [];
      expect((yield* copas.http.request({ url: `${base}/x`, method: 'HEAD', sink })).slice(0, 2)).toEqual([1, 200]);
      expect((yield* copas.http.request({ url: `${base}/204`, sink })).slice(0, 2)).toEqual([1, 204]);
      expect(sink).toEqual([]);
    });
  });

  it('refuses unknown options and misspelt timeout keys with Copas\' text', async () => {
    await runMain(function* () {
      expect(() => copas.http.request({ url: 'http://x/', proxi: 'p' } as never).next()).toThrow("http.request: unknown option 'reqt.proxi' (known: url, method");
      expect(() => copas.http.request({ url: 'http://x/', timeout: { recieve: 1 } } as never).next())
        .toThrow("'recieve' is not a valid timeout option. Valid: 'connect', 'send', 'receive'");
      expect(() => copas.http.request(42 as never).next()).toThrow("http.request: argument 'reqt' must be a URL string or a request table");
    });
  });
});

describe('redirects', () => {
  it('follows 301/302/303/307 for GET, passing the location back as a hint; redirect=false stops', async () => {
    const base = await serve((req, _b, res) => {
      const n = Number(req.url?.slice(1));
      if (n > 0) { res.writeHead([301, 302, 303, 307][n % 4], { Location: `/${n - 1}` }); res.end(); return; }
      res.end('landed');
    });
    await runMain(function* () {
      const [body, code, headers] = yield* copas.http.request(`${base}/4`);
      expect([body?.toString(), code, headers?.location]).toEqual(['landed', 200, '/0']);
      const [one, code2, h2] = yield* copas.http.request({ url: `${base}/2`, redirect: false });
      expect([one, code2, h2?.location]).toEqual([1, 303, '/1']);
    });
  });

  it('gives up after 5 redirects and returns the last 3xx, as LuaSocket does', async () => {
    let hits = 0;
    const base = await serve((_req, _b, res) => { hits++; res.writeHead(302, { Location: '/again' }); res.end(); });
    await runMain(function* () {
      const [, code] = yield* copas.http.request(`${base}/again`);
      expect(code).toBe(302);
    });
    expect(hits).toBe(6);
  });

  it('does not follow for POST, nor an https -> http downgrade unless redirect = "all"', async () => {
    const plain = await serve((_req, _b, res) => res.end('plain'));
    const secure = await serve((_req, _b, res) => { res.writeHead(302, { Location: `${plain}/` }); res.end(); }, tlsServer());
    await runMain(function* () {
      const [, code] = yield* copas.http.request(`${secure}/`, 'x=1');
      expect(code).toBe(302);
      expect(yield* copas.http.request(`${secure}/`)).toEqual([null, 'Unallowed insecure redirect https to http']);
      const sink: Buffer[] = [];
      const [ok, code2] = yield* copas.http.request({ url: `${secure}/`, redirect: 'all', sink });
      expect([ok, code2, Buffer.concat(sink).toString()]).toEqual([1, 200, 'plain']);
    });
  });
});

describe('https', () => {
  it('connects with Copas\' defaults (verify none), and verifies the peer when asked, with SNI from the host', async () => {
    let sni: string | false | null | undefined;
    const base = await serve((req, _b, res) => { sni = (req.socket as tls.TLSSocket).servername; res.end('secret'); }, tlsServer());
    const port = new URL(base).port;
    await runMain(function* () {
      const [body, code] = yield* copas.http.request(`https://localhost:${port}/`);
      expect([body?.toString(), code, sni]).toEqual(['secret', 200, 'localhost']);
      const sink: Buffer[] = [];
      const [ok] = yield* copas.http.request({
        url: `https://localhost:${port}/`, sink,
        sslparams: { wrap: { verify: 'peer', cafile: path.join(certs, 'rootA.pem') }, sni: { names: 'myhost.com' } },
      });
      expect([ok, sni]).toEqual([1, 'myhost.com']);
      const [none, err] = yield* copas.http.request({ url: `https://localhost:${port}/`, verify: 'peer', sslparams: { cafile: path.join(certs, 'serverA.pem') } });
      expect(none).toBeNull();
      expect(err).toMatch(/certificate/);
    });
  });
});

describe('timeouts and errors', () => {
  it('times out a silent server with copas.settimeout semantics while other tasks keep running', async () => {
    const base = await serve(() => undefined); // never answers
    await runMain(function* () {
      let ticks = 0;
      const ticker = copas.addthread(function* () { for (;;) { yield* copas.pause(0.02); ticks++; } });
      const t0 = copas.gettime();
      const r = yield* copas.http.request({ url: `${base}/`, timeout: 0.3 });
      const took = copas.gettime() - t0;
      copas.removethread(ticker);
      expect(r).toEqual([null, 'timeout']);
      expect(took).toBeGreaterThanOrEqual(0.29);
      expect(took).toBeLessThan(1);
      expect(ticks).toBeGreaterThanOrEqual(5);
    });
  });

  it('honours http.TIMEOUT as the default and { receive } per request', async () => {
    const base = await serve(() => undefined);
    const saved = copas.http.TIMEOUT;
    copas.http.TIMEOUT = 0.2;
    try {
      await runMain(function* () {
        expect(yield* copas.http.request(`${base}/`)).toEqual([null, 'timeout']);
        expect(yield* copas.http.request({ url: `${base}/`, timeout: { receive: 0.1 } })).toEqual([null, 'timeout']);
      });
    } finally {
      copas.http.TIMEOUT = saved;
    }
  });

  it("returns LuaSocket's strings: connection refused, closed, invalid host", async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const deadPort = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const rude = net.createServer((s) => s.destroy());
    servers.push(rude);
    await new Promise<void>((r) => rude.listen(0, '127.0.0.1', r));
    await runMain(function* () {
      expect(yield* copas.http.request(`http://127.0.0.1:${deadPort}/`)).toEqual([null, 'connection refused']);
      expect(yield* copas.http.request(`http://127.0.0.1:${(rude.address() as AddressInfo).port}/`)).toEqual([null, 'closed']);
      expect(yield* copas.http.request('no-scheme-here')).toEqual([null, "invalid host 'nil'"]);
    });
  });
});
