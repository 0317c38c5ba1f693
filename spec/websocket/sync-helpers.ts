/**
 * Helpers for the sync client's specs: the echo server process (spec/websocket/fixtures/sync-echo-server.ts,
 * run with ts-node) and a way to run one scenario through both the copas and the sync client.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';
import * as path from 'node:path';
import { copas, websocket, type ClientOptions } from '../../src';
import type { TaskGenerator } from '../../src';

export const ROOT = path.resolve(__dirname, '..', '..');
export const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

export interface ServerPorts { copas: number; ws: number }

/** Starts the echo servers in a child process; resolves with their ports. */
export function startServers(): Promise<{ child: ChildProcess; ports: ServerPorts }> {
  const child = fork(path.join(__dirname, 'fixtures', 'sync-echo-server.ts'), [], { execArgv: TS_NODE, cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  return new Promise((resolve, reject) => {
    child.once('message', (ports) => resolve({ child, ports: ports as ServerPorts }));
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`echo server exited with ${code}`)));
  });
}

export function stopServers(child: ChildProcess | undefined): void {
  if (child !== undefined && child.connected) child.disconnect();
}

/** A port nobody listens on. */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise((r) => s.close(r));
  return port;
}

/** The client interface as operations: the copas client's own, or the sync client's plain calls wrapped. */
export interface OpClient {
  connect(url: string, protocol?: string | string[]): TaskGenerator<unknown[]>;
  send(message: string | Uint8Array, opcode?: number): TaskGenerator<unknown[]>;
  receive(): TaskGenerator<unknown[]>;
  close(code?: number, reason?: string): TaskGenerator<unknown[]>;
  ping(data?: string | Uint8Array): TaskGenerator<unknown[]>;
  readonly state: string;
}

export type Scenario = (c: OpClient, ports: ServerPorts & { refused: number }) => TaskGenerator<unknown[]>;

/** Runs a scenario with a copas client inside a task. */
export function runCopas(scenario: Scenario, options: ClientOptions, ports: ServerPorts & { refused: number }): Promise<unknown[]> {
  return copas.run(function* () {
    return yield* scenario(websocket.client.copas(options) as unknown as OpClient, ports);
  });
}

/** Runs a scenario with a sync client: its operations never yield, so the generator completes in one next(). */
export function runSync(scenario: Scenario, options: ClientOptions, ports: ServerPorts & { refused: number }): unknown[] {
  const c = websocket.client.sync(options);
  const wrapped: OpClient = {
    // eslint-disable-next-line require-yield
    *connect(url, protocol) { return c.connect(url, protocol); },
    // eslint-disable-next-line require-yield
    *send(message, opcode) { return c.send(message, opcode); },
    // eslint-disable-next-line require-yield
    *receive() { return c.receive(); },
    // eslint-disable-next-line require-yield
    *close(code, reason) { return c.close(code, reason); },
    // eslint-disable-next-line require-yield
    *ping(data) { return c.ping(data); },
    get state() { return c.state; },
  };
  const it = scenario(wrapped, ports);
  const r = it.next();
  if (r.done !== true) throw new Error('a sync client operation yielded');
  return r.value;
}

/** A connect tuple with its headers reduced to their sorted names (values such as the accept key differ). */
export function normConnect(r: unknown[]): unknown[] {
  const headers = r[2] as Record<string, string> | undefined;
  return headers === undefined ? r : [r[0], r[1], Object.keys(headers).sort()];
}

/** The error a call throws (or null). */
export function thrown(fn: () => unknown): Error | null {
  try {
    fn();
  } catch (err) {
    return err as Error;
  }
  return null;
}
