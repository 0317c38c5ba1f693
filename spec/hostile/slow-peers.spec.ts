/**
 * Hostile peers that are slow on purpose: a slowloris handshake (one byte per 100 ms) is dropped after the
 * server's handshakeTimeout, and a peer that never answers our CLOSE is dropped after closeTimeout, both from
 * a handler's close and from server.close(). Meanwhile a well-behaved client keeps getting its echoes.
 */
import { randomBytes } from 'node:crypto';
import type { ServerConnection } from '../../src';
import { EchoServer, OP, RawClient, closePayload, echo, frame, keepEchoing, sleep, stillServes, within } from '../support/raw-websocket';

describe('slowloris', () => {
  let srv: EchoServer;
  beforeEach(() => { srv = EchoServer.start({ handshakeTimeout: 1 }); });
  afterEach(async () => { await srv.stop(); });

  it('handshakes sent one byte per 100 ms are dropped after the 1 s handshake timeout; others are served', async () => {
    const good = keepEchoing(srv.port);
    const peers = await Promise.all(Array.from({ length: 10 }, () => RawClient.connect(srv.port)));
    const request = Buffer.from(RawClient.request(srv.port, randomBytes(16).toString('base64')));
    const start = Date.now();
    const droppedAfter: number[] = [];
    await within(Promise.all(peers.map(async (p) => {
      for (let i = 0; i < request.length && !p.ended; i++) {
        p.write(request.subarray(i, i + 1));
        await sleep(100);
      }
      droppedAfter.push(Date.now() - start);
      expect(p.ended).toBe(true);
      expect(p.buf.toString('latin1')).not.toMatch(/^HTTP\/1\.1 101/);
      p.destroy();
    })), 8000, 'slowloris peers to be dropped');
    expect(request.length).toBeGreaterThan(60); // it would take over 6 s to finish
    for (const t of droppedAfter) {
      expect(t).toBeGreaterThanOrEqual(900);
      expect(t).toBeLessThan(3500);
    }
    expect(await good.stop()).toBeGreaterThan(5);
    await stillServes(srv.port);
  });

  it('a complete handshake sent in a few quick pieces is not mistaken for slowloris', async () => {
    const c = await RawClient.connect(srv.port);
    const request = Buffer.from(RawClient.request(srv.port, randomBytes(16).toString('base64')));
    for (let i = 0; i < request.length; i += 40) { c.write(request.subarray(i, i + 40)); await sleep(50); }
    expect(await c.readHead()).toMatch(/^HTTP\/1\.1 101 /);
    await sleep(1500); // well past the handshake timeout: the open connection stays
    c.write(frame(OP.TEXT, 'late but fine'));
    expect((await c.readMessage())?.data.toString()).toBe('late but fine');
    c.destroy();
  });
});

describe('a peer that never answers our CLOSE', () => {
  let srv: EchoServer;
  let results: unknown[];

  beforeEach(() => {
    results = [];
    srv = EchoServer.start({
      closeTimeout: 0.5,
      protocols: {
        echo,
        closer: function* (ws: ServerConnection) {
          const [m] = yield* ws.receive();
          if (m === null) return;
          results.push(yield* ws.close(4000, 'bye'));
        },
      },
    });
  });
  afterEach(async () => { await srv.stop(); });

  it("is dropped closeTimeout after the handler's close; the handler sees [false, 1006, 'timeout']", async () => {
    const good = keepEchoing(srv.port);
    const silent = await srv.open({ protocol: 'closer' });
    silent.write(frame(OP.TEXT, 'close me'));
    const f = await silent.readFrame();
    const sent = Date.now();
    expect(f).toMatchObject({ opcode: OP.CLOSE, fin: true, masked: false });
    expect(f!.payload.equals(closePayload(4000, 'bye'))).toBe(true);
    // we never answer
    await within(silent.need(() => false, 5000).catch(() => undefined), 6000, 'the silent peer to be dropped');
    const after = Date.now() - sent;
    expect(silent.ended).toBe(true);
    expect(after).toBeGreaterThanOrEqual(400);
    expect(after).toBeLessThan(2000);
    expect(silent.buf.length).toBe(0);
    expect(results).toEqual([[false, 1006, 'timeout']]);
    expect(await good.stop()).toBeGreaterThan(3);
    await stillServes(srv.port);
  });

  it('server.close(): the silent peer is dropped after closeTimeout, a good client closes cleanly with 1001, the loop ends', async () => {
    const silent = await srv.open();
    const polite = await srv.open();
    silent.write(frame(OP.TEXT, 'hi'));
    expect((await silent.readMessage())?.data.toString()).toBe('hi');
    const start = Date.now();
    srv.server.close();
    const p = await polite.readFrame();
    expect(p).toMatchObject({ opcode: OP.CLOSE });
    expect(p!.payload.readUInt16BE(0)).toBe(1001);
    polite.write(frame(OP.CLOSE, p!.payload));
    expect(await polite.waitEnd(2000)).toBe(true);
    expect(Date.now() - start).toBeLessThan(400); // the polite one did not wait for the timeout
    const s = await silent.readFrame();
    expect(s!.payload.readUInt16BE(0)).toBe(1001);
    await within(srv.loop, 3000, 'the loop to end after the close timeout');
    const elapsed = Date.now() - start;
    expect(silent.ended).toBe(true);
    expect(elapsed).toBeGreaterThanOrEqual(400);
    expect(elapsed).toBeLessThan(2000);
  });
});
