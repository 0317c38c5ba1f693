/**
 * Clean shutdown: `yield* server.shutdown(timeout)` from a task (clients get 1001, handlers' finally blocks
 * run, the loop resolves), a client that never answers is dropped at the timeout, and the example servers
 * in a child process on SIGINT / SIGTERM (the client sees 1001, the process exits 0).
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { WebSocket } from 'ws';
import { copas } from '../../src';
import { RawClient, echo } from '../support/raw-websocket';
import { installCleanup, listen, loopEnds, startLoop } from './helpers';
import { ROOT, TS_NODE } from './sync-helpers';

installCleanup();

function closeCode(ws: WebSocket): Promise<number> {
  return new Promise((resolve) => ws.on('close', (code) => resolve(code)));
}

function opened(ws: WebSocket): Promise<void> {
  return new Promise((resolve, reject) => { ws.on('open', () => resolve()); ws.on('error', reject); });
}

describe('shutdown', () => {
  it('yield* server.shutdown(): every client gets 1001, every handler\'s finally runs, the loop resolves', async () => {
    let finallies = 0;
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo: function* (ws) {
      try {
        for (;;) {
          const [m] = yield* ws.receive();
          if (m === null) return;
          yield* ws.send(m);
        }
      } finally {
        finallies++;
      }
    } } });
    const loop = startLoop();
    const clients = Array.from({ length: 5 }, () => new WebSocket(`ws://127.0.0.1:${server.port}`, 'echo'));
    await Promise.all(clients.map(opened));
    const codes = Promise.all(clients.map(closeCode));
    let clean: boolean | null = null;
    copas.addthread(function* () { clean = yield* server.shutdown(2); });
    expect(await codes).toEqual([1001, 1001, 1001, 1001, 1001]);
    await loopEnds(loop);
    expect(clean).toBe(true);
    expect(finallies).toBe(5);
    expect(server.clients).toEqual([]);
  });

  it('a client that never answers the close is dropped at the timeout; shutdown says it was not clean', async () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo }, closeTimeout: 30 });
    const loop = startLoop();
    const raw = await RawClient.open(server.port); // reads nothing, answers nothing
    let clean: boolean | null = null;
    const t0 = Date.now();
    copas.addthread(function* () { clean = yield* server.shutdown(0.3); });
    await loopEnds(loop);
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(clean).toBe(false);
    await raw.need(() => false, 2000).catch(() => undefined);
    expect(raw.ended).toBe(true);
    raw.destroy();
  });

  it('server.shutdown checks its argument', () => {
    const server = listen({ port: 0, interface: '127.0.0.1', protocols: { echo } });
    expect(() => server.shutdown(-1).next()).toThrow("server.shutdown: argument 'timeout' must be a time in seconds >= 0, got number -1");
    server.close();
  });

  /** Runs an example server in a child process, connects, sends `signal`: the close code, the exit code and the output. */
  async function signalled(example: string, signal: NodeJS.Signals, protocol: string): Promise<[number, number | null, string]> {
    const child = spawn(process.execPath, [...TS_NODE, path.join(ROOT, example), '0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const port = await new Promise<number>((resolve, reject) => {
      const t = setInterval(() => {
        const m = /(?:port |localhost:)(\d+)/.exec(out);
        if (m !== null) { clearInterval(t); resolve(Number(m[1])); }
      }, 20);
      void exited.then(() => { clearInterval(t); reject(new Error(`exited early: ${out}`)); });
    });
    const ws = new WebSocket(`ws://127.0.0.1:${port}`, protocol);
    await opened(ws);
    const code = closeCode(ws);
    child.kill(signal);
    return [await code, await exited, out];
  }

  it('the example servers in child processes on SIGINT / SIGTERM: the client sees 1001 and the process exits 0', async () => {
    const runs = await Promise.all([
      signalled('examples/test-server/test-server.ts', 'SIGINT', 'dumb-increment-protocol'),
      signalled('examples/echo-server-copas.ts', 'SIGTERM', 'echo'),
      signalled('examples/chat.ts', 'SIGINT', 'chat'),
    ]);
    expect(runs.map(([code, exit]) => [code, exit])).toEqual([[1001, 0], [1001, 0], [1001, 0]]);
    expect(runs.map(([, , out]) => /SIG\w+: closing/.exec(out)?.[0])).toEqual(['SIGINT: closing', 'SIGTERM: closing', 'SIGINT: closing']);
  }, 60000);
});
