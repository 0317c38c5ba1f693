/**
 * wss://: our client against our server with TLS, and our client against a ws server over https, with a
 * self-signed certificate made by the openssl CLI in a temporary directory.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import { WebSocketServer as WsServer } from 'ws';
import { copas, websocket } from '../../src';
import { echo } from '../support/raw-websocket';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';

installCleanup();

const { TEXT, BINARY } = websocket;
let dir: string;
let keyFile: string;
let certFile: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-wss-'));
  keyFile = path.join(dir, 'key.pem');
  certFile = path.join(dir, 'cert.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyFile, '-out', certFile,
    '-days', '1', '-subj', '/CN=localhost', '-addext', 'subjectAltName=DNS:localhost,IP:127.0.0.1'], { stdio: 'ignore' });
});

afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('wss', () => {
  it('our client against our TLS server (verify none, and verify against the cafile)', async () => {
    const errors: string[] = [];
    const server = listen({ port: 0, interface: '127.0.0.1', on_error: (m) => errors.push(m), tls: { key: keyFile, certificate: certFile }, protocols: { echo } });
    const loop = startLoop();
    const got: unknown[] = [];
    const big = Buffer.alloc(200000, 9);
    copas.addthread(function* () {
      for (const tls of [{ verify: 'none' as const }, { cafile: certFile, verify: 'peer' as const }]) {
        const client = websocket.client.copas({ timeout: 3, tls });
        got.push((yield* client.connect(`wss://localhost:${server.port}/`, 'echo')).slice(0, 2));
        yield* client.send('over tls');
        got.push(yield* client.receive());
        yield* client.send(big, BINARY);
        const [m, op] = yield* client.receive();
        got.push([Buffer.isBuffer(m) && m.equals(big), op]);
        got.push(yield* client.close(4000, 'tls bye'));
      }
      // without the CA, the self-signed certificate is refused
      const strict = websocket.client.copas({ timeout: 3 });
      const [ok, err] = yield* strict.connect(`wss://localhost:${server.port}/`, 'echo');
      got.push([ok, err]);
      server.close();
    });
    await loopEnds(loop);
    const once = [[true, 'echo'], ['over tls', TEXT], [true, BINARY], [true, 4000, 'tls bye']];
    expect(got.slice(0, 8)).toEqual([...once, ...once]);
    expect(got[8]).toEqual([null, expect.stringMatching(/certificate/i)]);
    expect(errors.length).toBeLessThanOrEqual(1); // the refused client's aborted TLS handshake may be reported
  });

  it('our client against a ws server over https', async () => {
    const httpsServer = https.createServer({ key: fs.readFileSync(keyFile), cert: fs.readFileSync(certFile) });
    const wss = new WsServer({ server: httpsServer });
    wss.on('connection', (ws) => ws.on('message', (d, isBinary) => ws.send(d, { binary: isBinary })));
    await new Promise<void>((r) => httpsServer.listen(0, '127.0.0.1', r));
    const port = (httpsServer.address() as { port: number }).port;
    const got: unknown[] = [];
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 3, tls: { cafile: certFile } });
      got.push((yield* client.connect(`wss://localhost:${port}`))[0]);
      yield* client.send('hello ws over tls');
      got.push(yield* client.receive(), yield* client.close());
    });
    await loopEnds(startLoop());
    await new Promise((r) => wss.close(r));
    await new Promise((r) => httpsServer.close(r));
    expect(got).toEqual([true, ['hello ws over tls', TEXT], [true, 1000, '']]);
  });
});
