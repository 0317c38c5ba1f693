/**
 * The copas WebSocket server on real sockets: many concurrent clients, broadcast, close with and without
 * keep_clients, on_error, plain HTTP requests, mounting on an http.Server, and handlers that throw or return.
 */
import * as http from 'node:http';
import { WebSocket } from 'ws';
import { copas, websocket, type ServerConnection, type WebSocketServer } from '../../src';
import { RawClient, echo, frame, rawHttp, within } from '../support/raw-websocket';
import { loopEnds, installCleanup, listen, startLoop } from './helpers';

installCleanup();

const { TEXT } = websocket;
const url = (s: WebSocketServer): string => `ws://127.0.0.1:${s.port}`;

/** Resolves when `test()` holds (polled), or fails after `ms`. */
function until(test: () => boolean, ms: number, what: string): Promise<void> {
  return within(new Promise<void>((resolve) => {
    const t = setInterval(() => { if (test()) { clearInterval(t); resolve(); } }, 5);
  }), ms, what);
}

describe('server', () => {
  it('serves 1,000 concurrent copas clients echoing', async () => {
    const N = 1000;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    const loop = startLoop();
    const connects = copas.semaphore.new(N, 100, 10); // bound the connects in flight (listen backlog)
    let connected = 0;
    let peak = 0;
    const ok: boolean[] = [];
    for (let i = 0; i < N; i++) {
      copas.addthread(function* () {
        const client = websocket.client.copas({ timeout: 10 });
        yield* connects.take(1);
        const [c, err] = yield* client.connect(url(server), 'echo');
        connects.give(1);
        expect([c, err]).toEqual([true, 'echo']);
        connected++;
        while (connected < N) yield* copas.pause(0.01); // all of them open at once
        peak = Math.max(peak, server.clients.length);
        for (let k = 0; k < 3; k++) {
          const msg = `client ${i} message ${k}`;
          yield* client.send(msg);
          const [echo] = yield* client.receive();
          if (echo !== msg) throw new Error(`client ${i} got ${String(echo)}`);
        }
        expect(yield* client.close()).toEqual([true, 1000, '']);
        ok.push(true);
      });
    }
    await until(() => ok.length === N, 20000, '1000 clients');
    expect(peak).toBe(N);
    await until(() => server.clients.length === 0, 3000, 'server connections to close');
    server.close();
    await loopEnds(loop);
  }, 30000);

  it('broadcast reaches every client of the same protocol exactly once (20 clients)', async () => {
    const N = 20;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: {
      chat: function* (ws) {
        for (;;) {
          const [message] = yield* ws.receive();
          if (message === null) return;
          expect(yield* ws.broadcast(message)).toEqual([true]);
        }
      },
      other: echo,
    } });
    const loop = startLoop();
    const inboxes: string[][] = [];
    let opened = 0;
    let otherGot: unknown;
    copas.addthread(function* () {
      const other = websocket.client.copas({ timeout: 0.3 });
      yield* other.connect(url(server), 'other');
      while (inboxes.length < N || inboxes.some((b) => b.length < N + 1)) yield* copas.pause(0.01);
      otherGot = yield* other.receive(); // nothing was broadcast to another protocol
      yield* other.close();
    });
    for (let i = 0; i < N; i++) {
      copas.addthread(function* () {
        const client = websocket.client.copas({ timeout: 5 });
        expect((yield* client.connect(url(server), 'chat'))[0]).toBe(true);
        const inbox: string[] = [];
        inboxes[i] = inbox;
        opened++;
        while (opened < N) yield* copas.pause(0.01);
        expect(yield* client.send(`from ${i}`)).toEqual([true]);
        while (inbox.length < N) {
          const [m] = yield* client.receive();
          inbox.push(m as string);
        }
        // once everyone has all N, client 0 sends a marker: a duplicate would have arrived before it
        while (inboxes.some((b) => b === undefined || b.length < N)) yield* copas.pause(0.01);
        if (i === 0) yield* client.send('end');
        const [m] = yield* client.receive();
        inbox.push(m as string);
        yield* client.close();
      });
    }
    await until(() => inboxes.length === N && inboxes.every((b) => b !== undefined && b.length === N + 1) && otherGot !== undefined, 10000, 'broadcasts');
    const all = Array.from({ length: N }, (_, i) => `from ${i}`).sort();
    for (const inbox of inboxes) {
      expect(inbox.slice(0, N).sort()).toEqual(all);
      expect(inbox[N]).toBe('end');
    }
    expect(otherGot).toEqual([null, null, false, 1006, 'timeout']);
    server.close();
    await loopEnds(loop);
  });

  it('broadcast sends to the others first and then to the sender', async () => {
    const order: string[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { chat: function* (ws) {
      const [message] = yield* ws.receive();
      if (message === null) return;
      // the order the frames are handed to the sockets (broadcast queues them without waiting, no send() call)
      const watchWrites = (c: ServerConnection) => {
        const sock = c.sock as NonNullable<ServerConnection['sock']>;
        const write = sock.write.bind(sock);
        sock.write = (buffers) => { order.push(c === ws ? 'sender' : 'other'); return write(buffers); };
      };
      for (const c of server.clients) watchWrites(c);
      yield* ws.broadcast(message);
      yield* ws.receive();
    } } });
    const loop = startLoop();
    const got: unknown[] = [];
    let ready = 0;
    for (let i = 0; i < 3; i++) {
      copas.addthread(function* () {
        const c = websocket.client.copas({ timeout: 2 });
        yield* c.connect(url(server), 'chat');
        ready++;
        while (ready < 3) yield* copas.pause(0.01);
        if (i === 0) yield* c.send('hi');
        got.push(yield* c.receive());
        yield* c.close();
      });
    }
    await until(() => got.length === 3, 3000, 'broadcast');
    expect(got).toEqual([['hi', TEXT], ['hi', TEXT], ['hi', TEXT]]);
    expect(order.slice(0, 3)).toEqual(['other', 'other', 'sender']); // then the close frames
    server.close();
    await loopEnds(loop);
  });

  it('close() closes every client with a clean close handshake, code 1001', async () => {
    const handlerSaw: unknown[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      for (;;) {
        const r = yield* ws.receive();
        if (r[0] === null) { handlerSaw.push(r); return; }
        yield* ws.send(r[0], r[1]);
      }
    } } });
    const loop = startLoop();
    const ours: unknown[] = [];
    let opened = 0;
    for (let i = 0; i < 3; i++) {
      copas.addthread(function* () {
        const c = websocket.client.copas({ timeout: 5 });
        yield* c.connect(url(server), 'echo');
        opened++;
        ours.push(yield* c.receive());
      });
    }
    const ws = new WebSocket(url(server), 'echo');
    const wsClosed = new Promise((r) => ws.on('close', (code, reason) => r([code, reason.toString()])));
    await new Promise((r) => ws.once('open', r));
    const raw = await RawClient.open(server.port, { protocol: 'echo' });
    await until(() => opened === 3 && server.clients.length === 5, 3000, 'clients to connect');
    server.close();
    // what the server sends: a CLOSE frame with 1001 and no reason; we answer and the server closes TCP
    const frameSeen = await raw.readFrame();
    expect(frameSeen).toMatchObject({ opcode: 8, fin: true, masked: false });
    expect(frameSeen?.payload.readUInt16BE(0)).toBe(1001);
    expect(frameSeen?.payload.length).toBe(2);
    raw.write(frame(8, frameSeen!.payload));
    expect(await raw.readFrame()).toBe(null); // TCP closed by the server after the handshake
    raw.destroy();
    expect(await wsClosed).toEqual([1001, '']);
    await loopEnds(loop);
    expect(ours).toEqual([[null, null, true, 1001, ''], [null, null, true, 1001, ''], [null, null, true, 1001, '']]);
    expect(handlerSaw).toHaveLength(5);
    for (const r of handlerSaw) expect(r).toEqual([null, null, true, 1001, '']);
  });

  it('close() drops a client that never answers the CLOSE after closeTimeout', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', closeTimeout: 0.3, protocols: { echo } });
    const loop = startLoop();
    const raw = await RawClient.open(server.port, { protocol: 'echo' });
    await until(() => server.clients.length === 1, 2000, 'the client');
    const t0 = Date.now();
    server.close();
    const f = await raw.readFrame();
    expect(f?.opcode).toBe(8);
    expect(f?.payload.readUInt16BE(0)).toBe(1001);
    expect(await raw.readFrame(3000)).toBe(null); // no reply from us: the server drops TCP
    const waited = Date.now() - t0;
    expect(waited).toBeGreaterThanOrEqual(250);
    expect(waited).toBeLessThan(2000);
    raw.destroy();
    await loopEnds(loop);
  });

  it('close(true) keeps existing clients working while new connects are refused', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    const loop = startLoop();
    const got: unknown[] = [];
    copas.addthread(function* () {
      const c = websocket.client.copas({ timeout: 2 });
      yield* c.connect(url(server), 'echo');
      server.close(true);
      yield* copas.pause(0.05);
      yield* c.send('still open');
      got.push(yield* c.receive());
      const late = websocket.client.copas({ timeout: 2 });
      got.push(yield* late.connect(url(server), 'echo'));
      yield* c.send('again');
      got.push(yield* c.receive());
      got.push(yield* c.close(4000, 'done'));
    });
    await loopEnds(loop);
    expect(got).toEqual([['still open', TEXT], [null, 'connection refused'], ['again', TEXT], [true, 4000, 'done']]);
  });

  it('on_error is called for an incomplete request and for an invalid one (400 Bad Request)', async () => {
    const errors: string[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, on_error: (m) => errors.push(m) });
    const loop = startLoop();
    const half = await RawClient.connect(server.port);
    half.write('GET / HT');
    half.sock.end();
    await half.readAll(2000);
    half.destroy();
    await until(() => errors.length === 1, 2000, 'on_error for the incomplete request');
    expect(errors).toEqual(['invalid request']);
    const answer = await rawHttp(server.port, 'THIS IS NOT HTTP\r\n\r\n');
    expect(answer).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
    await until(() => errors.length === 2, 2000, 'on_error for the invalid request');
    expect(errors).toEqual(['invalid request', 'invalid request']);
    // and it keeps serving
    const echoed: unknown[] = [];
    copas.addthread(function* () {
      const c = websocket.client.copas({ timeout: 2 });
      yield* c.connect(url(server), 'echo');
      yield* c.send('fine');
      echoed.push(yield* c.receive(), yield* c.close());
    });
    await until(() => echoed.length === 2, 3000, 'echo');
    expect(echoed).toEqual([['fine', TEXT], [true, 1000, '']]);
    server.close();
    await loopEnds(loop);
  });

  it('a plain GET gets 426 unless config.on_request is set', async () => {
    const plain = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    const withPage = listen({ port: 0, interface: '127.0.0.1', protocols: { echo },
      on_request: (_req, res) => res.writeHead(200, { 'Content-Type': 'text/plain', Connection: 'close' }).end('a page') });
    const loop = startLoop();
    const a = await rawHttp(plain.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(a).toMatch(/^HTTP\/1\.1 426 /);
    const b = await rawHttp(withPage.port, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    expect(b).toMatch(/^HTTP\/1\.1 200 /);
    expect(b).toContain('a page');
    plain.close();
    withPage.close();
    await loopEnds(loop);
  });

  it('mounts on an existing http.Server (config.server)', async () => {
    const httpServer = http.createServer((_req, res) => res.end('from the http server'));
    await new Promise<void>((r) => httpServer.listen(0, '127.0.0.1', r));
    const server = listen({ server: httpServer, protocols: { echo } });
    const port = (httpServer.address() as { port: number }).port;
    expect(server.port).toBe(port);
    const loop = startLoop();
    const got: unknown[] = [];
    copas.addthread(function* () {
      const c = websocket.client.copas({ timeout: 2 });
      got.push((yield* c.connect(`ws://127.0.0.1:${port}/mounted`, 'echo')).slice(0, 2));
      yield* c.send('mounted echo');
      got.push(yield* c.receive(), yield* c.close());
    });
    const page = await within(new Promise<string>((resolve) => http.get(`http://127.0.0.1:${port}/`, (res) => {
      let body = '';
      res.on('data', (d) => { body += d; });
      res.on('end', () => resolve(body));
    })), 3000, 'page');
    expect(page).toBe('from the http server');
    await until(() => got.length === 3, 3000, 'echo');
    expect(got).toEqual([[true, 'echo'], ['mounted echo', TEXT], [true, 1000, '']]);
    server.close();
    await loopEnds(loop);
    expect(httpServer.listening).toBe(true); // server.close() leaves the user's http.Server alone
    await new Promise((r) => httpServer.close(r));
  });
});

describe('handlers', () => {
  it('a handler that throws closes its connection with 1011 and the server keeps serving', async () => {
    const previous = copas.geterrorhandler();
    const caught: unknown[] = [];
    copas.seterrorhandler((err) => { caught.push(err); }, true);
    try {
      const server = listen({ port: 0, interface: '127.0.0.1', protocols: {
        boom: function* (ws) {
          const [m] = yield* ws.receive();
          throw new Error(`boom: ${String(m)}`);
        },
        echo,
      } });
      const loop = startLoop();
      const got: unknown[] = [];
      copas.addthread(function* () {
        const keeper = websocket.client.copas({ timeout: 3 });
        yield* keeper.connect(url(server), 'echo');
        const victim = websocket.client.copas({ timeout: 3 });
        yield* victim.connect(url(server), 'boom');
        yield* victim.send('go');
        got.push(yield* victim.receive());
        yield* keeper.send('still served');
        got.push(yield* keeper.receive());
        const fresh = websocket.client.copas({ timeout: 3 });
        got.push((yield* fresh.connect(url(server), 'echo'))[0]);
        yield* fresh.send('new one');
        got.push(yield* fresh.receive(), yield* fresh.close(), yield* keeper.close());
        server.close();
      });
      await loopEnds(loop);
      expect(got).toEqual([[null, null, true, 1011, ''], ['still served', TEXT], true, ['new one', TEXT], [true, 1000, ''], [true, 1000, '']]);
      expect(caught).toHaveLength(1);
      expect(String((caught[0] as Error).message)).toBe('boom: go');
    } finally {
      copas.seterrorhandler(previous, true);
    }
  });

  it('a handler that returns without closing: the client sees a clean 1000 and nothing keeps spinning', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { hello: function* (ws) {
      yield* ws.send('hello and goodbye');
    } } });
    const loop = startLoop();
    const got: unknown[] = [];
    copas.addthread(function* () {
      const c = websocket.client.copas({ timeout: 3 });
      yield* c.connect(url(server), 'hello');
      got.push(yield* c.receive(), yield* c.receive());
    });
    await until(() => got.length === 2, 3000, 'the close');
    expect(got).toEqual([['hello and goodbye', TEXT], [null, null, true, 1000, '']]);
    await until(() => server.clients.length === 0, 2000, 'the connection to be dropped');
    // only the listening server is left: no task ready, reading or sleeping
    expect(copas.status()).toMatchObject({ active: 0, read: 0, timer: 0, inactive: 0 });
    server.close();
    await loopEnds(loop, 1000);
  });

  it('a handler sees the request: protocol, path, headers, and the peer address also after the close', async () => {
    const seen: unknown[] = [];
    let handlerConn: ServerConnection | null = null;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { info: function* (ws) {
      handlerConn = ws;
      seen.push(ws.protocol, ws.path, ws.headers['x-hello']);
      const [m] = yield* ws.receive(); // the client closes: m is null, the socket is gone
      seen.push(m, ws.remoteAddress, ws.remotePort);
    } } });
    const loop = startLoop();
    const client = new WebSocket(`${url(server)}/room?id=7`, 'info', { headers: { 'X-Hello': 'there' } });
    await within(new Promise((r) => client.once('open', r)), 3000, 'open');
    const localPort = (client as unknown as { _socket: { localPort: number } })._socket.localPort;
    client.close(1000);
    await until(() => seen.length === 6, 3000, 'the handler');
    expect(seen).toEqual(['info', '/room?id=7', 'there', null, '127.0.0.1', localPort]);
    expect(handlerConn).not.toBeNull();
    server.close();
    await loopEnds(loop, 1000);
  });
});
