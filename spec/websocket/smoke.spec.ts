import { WebSocket, WebSocketServer as WsServer } from 'ws';
import { copas, websocket } from '../../src';

describe('websocket smoke', () => {
  it('our client echoes with a ws server', async () => {
    const wss = new WsServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    wss.on('connection', (ws) => ws.on('message', (data, isBinary) => ws.send(data, { binary: isBinary })));
    const port = (wss.address() as { port: number }).port;
    const got: unknown[] = [];
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 2 });
      got.push((yield* client.connect(`ws://127.0.0.1:${port}`))[0]);
      got.push(yield* client.send('hello'));
      got.push(yield* client.receive());
      got.push(yield* client.send(Buffer.from([1, 2, 3]), websocket.BINARY));
      got.push(yield* client.receive());
      got.push(yield* client.close(4001, 'lost interest'));
    });
    await copas.loop();
    wss.close();
    expect(got).toEqual([true, [true], ['hello', 1], [true], [Buffer.from([1, 2, 3]), 2], [true, 4001, 'lost interest']]);
  });

  it('our server echoes with a ws client', async () => {
    const server = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: {
      echo: function* (ws) {
        for (;;) {
          const [message, opcode] = yield* ws.receive();
          if (message === null) return;
          yield* ws.send(message, opcode);
        }
      } } });
    const loop = copas.loop();
    const ws = new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo');
    const echoed = await new Promise((resolve, reject) => {
      ws.on('open', () => ws.send('hi there'));
      ws.on('message', (d) => resolve(d.toString()));
      ws.on('error', reject);
    });
    const closed = new Promise((r) => ws.on('close', (code, reason) => r([code, reason.toString()])));
    ws.close(4000, 'bye');
    expect(await closed).toEqual([4000, 'bye']);
    server.close();
    await loop;
    expect(echoed).toBe('hi there');
  });
});
