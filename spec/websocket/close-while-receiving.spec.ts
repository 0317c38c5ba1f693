/**
 * close() from one task while another task of the same connection is blocked in receive(): the reader gets
 * the peer's close reply, and close() returns the same outcome once the connection is CLOSED (no polling).
 */
import { WebSocketServer as WsServer } from 'ws';
import { copas, websocket } from '../../src';
import { installCleanup, loopEnds, startLoop } from './helpers';

installCleanup();

describe('close while another task receives', () => {
  it('the reader sees the clean close and close() returns the peer answer', async () => {
    const wss = new WsServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => wss.once('listening', r));
    const port = (wss.address() as { port: number }).port;
    let received: unknown;
    let closed: unknown;
    let closeTook = 0;
    copas.addthread(function* () {
      const client = websocket.client.copas({ timeout: 5 });
      expect((yield* client.connect(`ws://127.0.0.1:${port}`))[0]).toBe(true);
      copas.addthread(function* () { received = yield* client.receive(); });
      yield* copas.pause(0.05); // the reader is blocked in receive() now
      const t0 = copas.gettime();
      closed = yield* client.close(4100, 'from another task');
      closeTook = copas.gettime() - t0;
      expect(client.state).toBe('CLOSED');
    });
    await loopEnds(startLoop());
    wss.close();
    expect(received).toEqual([null, null, true, 4100, 'from another task']);
    expect(closed).toEqual([true, 4100, 'from another task']);
    expect(closeTook).toBeLessThan(1);
  });
});
