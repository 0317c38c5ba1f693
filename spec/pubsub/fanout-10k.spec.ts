/**
 * Publishing to 10,000 subscribers costs one frame encoding per message, not one per recipient, and every
 * subscriber gets each message: the server (fixtures/encode-count-server.ts) runs in a child process with
 * its own descriptor limit, the 10,000 clients are raw node:net WebSocket clients here that count frames.
 */
import { RawClient } from '../support/raw-websocket';
import { TopicServer, until } from './helpers';

const N = 10000;

describe('topics at 10,000 subscribers', () => {
  it('one frame encoding per publish; each of the 10,000 gets all three messages', async () => {
    const server = await TopicServer.start(null, 'encode-count-server.ts');
    const ask = async (cmd: string, answer: string): Promise<Record<string, unknown>> => {
      const p = server.next(answer, 30000);
      server.command({ cmd });
      return p;
    };
    const clients: RawClient[] = [];
    try {
      // what each client must get: 'hello everyone' (2 + 14 bytes), 4096 B binary (4 + 4096), 'small' (2 + 5)
      const expected = (2 + 14) + (4 + 4096) + (2 + 5);
      const got: number[] = [];
      for (let i = 0; i < N; i += 250) {
        const batch = await Promise.all(Array.from({ length: Math.min(250, N - i) }, () => RawClient.open(server.port)));
        for (const c of batch) {
          const k = got.push(0) - 1;
          c.sock.removeAllListeners('data');
          c.sock.on('data', (d: Buffer) => { got[k] += d.length; });
          clients.push(c);
        }
      }
      const clientCount = async (): Promise<number> => (await ask('clients', 'clients')).n as number;
      const deadline = Date.now() + 30000;
      while (await clientCount() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await clientCount()).toBe(N);
      const published = await ask('publish', 'published');
      expect(published.reached).toEqual([N, N, N]);
      expect(published.encodes).toBe(3);
      await until(() => got.every((n) => n === expected), 60000, () => `every subscriber to get all three (${got.filter((n) => n !== expected).length} short)`);
    } finally {
      for (const c of clients) c.destroy();
      await server.stop();
    }
  }, 240000);
});
