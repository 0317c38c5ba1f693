/**
 * Publishing to 10,000 subscribers costs one frame encoding per message, not one per recipient, and every
 * subscriber gets each message: the server (fixtures/encode-count-server.ts) runs in a child process with
 * its own descriptor limit, the 10,000 clients are raw node:net WebSocket clients here that count frames.
 */
import { fork } from 'node:child_process';
import * as path from 'node:path';
import { RawClient } from '../support/raw-websocket';
import { until } from './helpers';

const N = 10000;
const ROOT = path.resolve(__dirname, '..', '..');

interface Event { event: string; [k: string]: unknown }

describe('topics at 10,000 subscribers', () => {
  it('one frame encoding per publish; each of the 10,000 gets all three messages', async () => {
    const child = fork(path.join(__dirname, 'fixtures', 'encode-count-server.ts'), [], {
      execArgv: ['-r', 'ts-node/register/transpile-only'], cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const events: Event[] = [];
    child.on('message', (m) => events.push(m as Event));
    const next = async (name: string, ms: number): Promise<Event> => {
      const seen = events.length;
      await until(() => events.slice(seen).some((e) => e.event === name), ms, `the server's '${name}'`);
      return events.slice(seen).find((e) => e.event === name) as Event;
    };
    const clients: RawClient[] = [];
    try {
      await until(() => events.some((e) => e.event === 'listening'), 60000, 'the server to listen');
      const port = (events.find((e) => e.event === 'listening') as Event).port as number;
      // what each client must get: 'hello everyone' (2 + 14 bytes), 4096 B binary (4 + 4096), 'small' (2 + 5)
      const expected = (2 + 14) + (4 + 4096) + (2 + 5);
      const got: number[] = [];
      for (let i = 0; i < N; i += 250) {
        const batch = await Promise.all(Array.from({ length: Math.min(250, N - i) }, () => RawClient.open(port)));
        for (const c of batch) {
          const k = got.push(0) - 1;
          c.sock.removeAllListeners('data');
          c.sock.on('data', (d: Buffer) => { got[k] += d.length; });
          clients.push(c);
        }
      }
      const clientCount = async (): Promise<number> => { child.send({ cmd: 'clients' }); return (await next('clients', 10000)).n as number; };
      const deadline = Date.now() + 30000;
      while (await clientCount() < N && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      expect(await clientCount()).toBe(N);
      child.send({ cmd: 'publish' });
      const published = await next('published', 30000);
      expect(published.reached).toEqual([N, N, N]);
      expect(published.encodes).toBe(3);
      await until(() => got.every((n) => n === expected), 60000, () => `every subscriber to get all three (${got.filter((n) => n !== expected).length} short)`);
    } finally {
      for (const c of clients) c.destroy();
      child.kill();
    }
  }, 240000);
});
