/**
 * The copas client from async code that runs no task, against a `ws` server on loopback: awaited connect,
 * send and close, and `for await` over the messages. Inside tasks the same calls are operations.
 */
import { WebSocketServer as WsServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { copas, websocket } from '../../src';

let wss: WsServer;
let url: string;
const peers: WebSocket[] = [];

beforeAll(async () => {
  wss = new WsServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
  wss.on('connection', (peer) => {
    peers.push(peer);
    peer.on('message', (data, isBinary) => {
      const text = data.toString();
      if (!isBinary && text.startsWith('close:')) peer.close(4000 + Number(text.slice(6)), 'asked');
      else if (!isBinary && text.startsWith('burst:')) for (let i = 0; i < Number(text.slice(6)); i++) peer.send(`m${i}`);
      else peer.send(data, { binary: isBinary });
    });
  });
});
afterAll(async () => {
  for (const p of peers) p.terminate();
  await new Promise<void>((r) => wss.close(() => r()));
});

describe('the copas client from async code', () => {
  it('awaits connect, send and close, and iterates messages with for await (TEXT string, BINARY Buffer)', async () => {
    const client = websocket.client.copas({ timeout: 5 });
    const [ok, protocol] = await client.connect(url);
    expect([ok, protocol]).toEqual([true, null]);
    expect(await client.send('hello')).toEqual([true]);
    expect(await client.send(Buffer.from([7, 8]), websocket.BINARY)).toEqual([true]);
    const got: unknown[] = [];
    for await (const [message, opcode] of client) {
      got.push(opcode === websocket.TEXT ? message.toUpperCase() : [...message]);
      if (got.length === 2) break;
    }
    expect(got).toEqual(['HELLO', [7, 8]]);
    expect(client.state).toBe('OPEN'); // leaving the loop keeps the connection
    expect(await client.send('again')).toEqual([true]);
    for await (const [message] of client) { expect(message).toBe('again'); break; }
    expect(await client.close(1000, 'done')).toEqual([true, 1000, 'done']);
    expect(client.state).toBe('CLOSED');
    expect(await client.send('late')).toEqual([null, false, 1006, 'wrong state']);
  });

  it('the loop ends when the server closes; a burst arrives whole and in order', async () => {
    const client = websocket.client.copas({ timeout: 5 });
    await client.connect(url);
    await client.send('burst:50');
    await client.send('close:7');
    const got: string[] = [];
    for await (const [message, opcode] of client) if (opcode === websocket.TEXT) got.push(message);
    expect(got).toEqual(Array.from({ length: 50 }, (_, i) => `m${i}`));
    expect(client.state).toBe('CLOSED');
  });

  it('the same calls are operations inside a task; yield without * of one is explained as such', async () => {
    const r = await copas.run(function* () {
      const client = websocket.client.copas({ timeout: 5 });
      const c = yield* client.connect(url);
      yield* client.send('in a task');
      const m = yield* client.receive();
      let misuse = '';
      try { yield client.close() as never; } catch (e) { misuse = (e as Error).message; }
      return [c[0], m, misuse, yield* client.close()];
    });
    expect(r).toEqual([true, ['in a task', websocket.TEXT],
      'copas: a task yielded an operation without `*`; write `yield* op` (for example `yield* copas.pause(1)`), not `yield op`',
      [true, 1000, '']]);
  });
});
