import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import { copas, socket, type TlsParams } from '../../src';
import { listen, patternBuffer, selfSignedCert, sha256 } from './helpers';

/**
 * Copas' tests/largetransfer.lua: 50 MB sent with Lua index ranges, received once with '*a' and once with a
 * receivepartial loop, both transfers at the same time, with and without TLS; plus a TLS line echo.
 */
const SIZE = 50 * 1024 * 1024;
const SLICE = 4 * 1024 * 1024;
const body = patternBuffer(SIZE);
const bodyHash = sha256(body);
let cert: ReturnType<typeof selfSignedCert>;

beforeAll(() => { cert = selfSignedCert(); });
afterAll(() => { fs.rmSync(cert.dir, { recursive: true, force: true }); });

interface Outcome { length: number; hash: string; err: string | undefined; lastSent: number }

/** Runs both transfers (the '*a' one and the receivepartial one) and returns what each server received. */
async function transfer(tls: boolean): Promise<{ all: Outcome; partial: Outcome; ticks: number; nodeTicks: number }> {
  const sparams: TlsParams | undefined = tls ? { mode: 'server', key: cert.key, certificate: cert.certificate } : undefined;
  const cparams: TlsParams | undefined = tls ? { mode: 'client' } : undefined;
  const all: Outcome = { length: -1, hash: '', err: undefined, lastSent: 0 };
  const partial: Outcome = { length: -1, hash: '', err: undefined, lastSent: 0 };
  let done = 0;

  const [s1, p1] = listen();
  copas.addserver(s1, copas.handler(function* (skt) {
    const [data, err, part] = yield* skt.receive('*a');
    const got = data ?? part;
    all.length = got.length;
    all.hash = sha256(got);
    all.err = err;
    copas.removeserver(s1);
    done++;
  }, sparams));

  const [s2, p2] = listen();
  copas.addserver(s2, copas.handler(function* (skt) {
    const h = createHash('sha256');
    let n = 0;
    for (;;) {
      const [whole, err, part] = yield* skt.receivepartial(256 * 1024);
      // what came: the whole 256 KiB, or what was there as [null, 'timeout' ('wantread' on TLS), part]
      if (whole === null && err !== (tls ? 'wantread' : 'timeout')) {
        expect(part).toBe('');
        partial.err = err;
        break;
      }
      const data = whole ?? part as string;
      expect(data.length).toBeGreaterThan(0);
      expect(data.length).toBeLessThanOrEqual(256 * 1024);
      n += data.length;
      h.update(Buffer.from(data, 'latin1'));
    }
    partial.length = n;
    partial.hash = h.digest('hex');
    copas.removeserver(s2);
    done++;
  }, sparams));

  for (const [port, out] of [[p1, all], [p2, partial]] as const) {
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp(), cparams);
      expect(yield* skt.connect('localhost', port)).toEqual([1]);
      // Copas' loop: send(body, last + 1, -1) until all is sent, here in slices so the ranges are exercised
      let last = 0;
      while (last < SIZE) {
        const j = Math.min(last + SLICE, SIZE);
        const [sent, err, part] = yield* skt.send(body, last + 1, j);
        if (sent === null) throw new Error(`client send failed: ${err} after ${part}`);
        expect(sent).toBe(j);
        last = sent;
      }
      out.lastSent = last;
      skt.close();
      done++;
    });
  }

  let ticks = 0;
  copas.addthread(function* () {
    while (done < 4) { yield* copas.pause(0.05); ticks++; }
  });
  // the same ticker as a chain of Node timers: how often this process could run a 50 ms timer at all
  let nodeTicks = 0;
  let chain: NodeJS.Timeout | undefined;
  const tick = (): void => { chain = setTimeout(() => { if (done < 4) { nodeTicks++; tick(); } }, 50); };
  tick();
  await copas.loop();
  clearTimeout(chain);
  return { all, partial, ticks, nodeTicks };
}

describe('large transfers (Copas largetransfer test)', () => {
  it.each([['plain TCP', false], ['TLS', true]])('moves 50 MB through *a and receivepartial over %s', async (_label, tls) => {
    const t0 = copas.gettime();
    const { all, partial, ticks, nodeTicks } = await transfer(tls as boolean);
    const elapsed = copas.gettime() - t0;
    expect(all).toEqual({ length: SIZE, hash: bodyHash, err: 'closed', lastSent: SIZE });
    expect(partial).toEqual({ length: SIZE, hash: bodyHash, err: 'closed', lastSent: SIZE });
    // the timer task kept ticking during the transfers: at least half of what the clock allows, or, on a
    // machine so loaded that Node's own timers tick less (CI, a spec beside this one), half of what they did
    expect(ticks).toBeGreaterThanOrEqual(Math.floor(Math.min(elapsed / 0.05, nodeTicks) * 0.5));
    if (process.env.SPEC_VERBOSE) console.log(`largetransfer ${_label}: ${elapsed.toFixed(2)} s, ${ticks} ticks, ${nodeTicks} Node timer ticks`);
  });

  it('echoes lines over TLS with a self-signed certificate', async () => {
    const [server, port] = listen();
    const seen: string[] = [];
    copas.addserver(server, copas.handler(function* (skt) {
      for (;;) {
        const [line] = yield* skt.receive('*l');
        if (line === null) break;
        seen.push(line);
        expect(yield* skt.send(line + '\n')).toEqual([line.length + 1]);
      }
      copas.removeserver(server);
    }, { mode: 'server', key: cert.key, certificate: fs.readFileSync(cert.certificate, 'utf8') }));
    const echoes: unknown[] = [];
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp(), { mode: 'client' });
      expect(yield* skt.connect('127.0.0.1', port)).toEqual([1]);
      for (const line of ['hello', 'second line\r', '', 'x'.repeat(100_000), Buffer.from('h\u00e9llo').toString('latin1')]) {
        expect(yield* skt.send(line + '\n')).toEqual([line.length + 1]);
        echoes.push(yield* skt.receive('*l'));
      }
      skt.close();
    });
    await copas.loop();
    expect(echoes).toEqual([['hello'], ['second line'], [''], ['x'.repeat(100_000)], ['h\u00c3\u00a9llo']]);
    expect(seen).toEqual(['hello', 'second line', '', 'x'.repeat(100_000), 'h\u00c3\u00a9llo']);
  });

  it('a TLS client against a plain server: connect raises "TLS/SSL handshake failed: <reason>", as Copas does', async () => {
    const [server, port] = listen();
    copas.addserver(server, function* (skt) {
      yield* skt.send('HTTP/1.0 400 not tls\r\n\r\n');
      copas.removeserver(server);
    });
    let r: unknown = 'not thrown';
    copas.addthread(function* () {
      const skt = copas.wrap(socket.tcp(), { mode: 'client' });
      try { yield* skt.connect('127.0.0.1', port); } catch (e) { r = (e as Error).message; }
      skt.close();
    });
    await copas.loop();
    expect(r).toMatch(/^TLS\/SSL handshake failed: \S/);
  });
});
