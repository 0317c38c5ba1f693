/**
 * A script that uses the sync client ends by itself: the worker and its ports are unref'd, so nothing keeps
 * the process alive, whether the script closes, forgets to close, or throws midway. Runs each script as its
 * own node process with ts-node (and, when it is built, against dist/).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ROOT, TS_NODE, startServers, stopServers, type ServerPorts } from './sync-helpers';

let child: ChildProcess | undefined;
let ports: ServerPorts;

beforeAll(async () => {
  const s = await startServers();
  child = s.child;
  ports = s.ports;
});
afterAll(() => stopServers(child));

const SCRIPT = path.join(__dirname, 'fixtures', 'sync-exit-script.ts');
const LIMIT_MS = 25000;

function runScript(args: string[]): Promise<{ code: number | null; signal: string | null; stdout: string; stderr: string; ms: number }> {
  const t0 = Date.now();
  const p = spawn(process.execPath, [...TS_NODE, SCRIPT, ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  p.stdout.on('data', (d) => { stdout += d; });
  p.stderr.on('data', (d) => { stderr += d; });
  const killer = setTimeout(() => p.kill('SIGKILL'), LIMIT_MS);
  return new Promise((resolve) => {
    p.on('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, stdout, stderr, ms: Date.now() - t0 });
    });
  });
}

describe('a sync client script exits by itself', () => {
  it('after connect, echo and close', async () => {
    const r = await runScript([`ws://127.0.0.1:${ports.copas}`, 'close']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello\n010203\ntrue 4001 lost interest\n');
    expect(r.ms).toBeLessThan(LIMIT_MS);
  });

  it('when it forgets to close', async () => {
    const r = await runScript([`ws://127.0.0.1:${ports.copas}`, 'forget']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello\n010203\n');
  });

  it('when it leaves a second client open with an unread message', async () => {
    const r = await runScript([`ws://127.0.0.1:${ports.ws}`, 'receive-then-forget']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('hello\n010203\n');
  });

  it('when it throws midway (exit code 1, no hang)', async () => {
    const r = await runScript([`ws://127.0.0.1:${ports.copas}`, 'throw']);
    expect(r.signal).toBeNull();
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('hello\n010203\n');
    expect(r.stderr).toMatch(/Error: midway/);
  });

  const dist = path.join(ROOT, 'dist', 'index.js');
  (fs.existsSync(dist) && fs.existsSync(path.join(ROOT, 'dist', 'websocket', 'client', 'sync-worker.js')) ? it : it.skip)(
    'from the build in dist/ (the worker loads dist/*.js)', async () => {
      const r = await runScript([`ws://127.0.0.1:${ports.copas}`, 'close', dist]);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
      expect(r.stdout).toBe('hello\n010203\ntrue 4001 lost interest\n');
    });
});
