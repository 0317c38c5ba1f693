/**
 * Helpers for the pub/sub specs: a topic-server child process (fixtures/topic-server.ts) driven over IPC, and
 * `ws` clients that subscribe through it and record what they receive.
 */
import { fork, type ChildProcess } from 'node:child_process';
import * as path from 'node:path';
import { WebSocket } from 'ws';

/** The repository root, and the node flags that run a TypeScript file in a child process. */
export const ROOT = path.resolve(__dirname, '..', '..');
export const TS_NODE = ['-r', 'ts-node/register/transpile-only'];

/** Resolves when `test()` holds (polled), or fails after `ms` naming `what`. */
export function until(test: () => boolean, ms: number, what: string | (() => string)): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const started = Date.now();
    const t = setInterval(() => {
      let ok: boolean;
      try { ok = test(); } catch (err) { clearInterval(t); reject(err); return; }
      if (ok) { clearInterval(t); resolve(); return; }
      if (Date.now() - started >= ms) {
        clearInterval(t);
        reject(new Error(`timed out: ${typeof what === 'string' ? what : what()}`));
      }
    }, 5);
  });
}

interface ChildEvent { event: string; [k: string]: unknown }

/** A topic-server process: fixtures/topic-server.ts, or another fixture that speaks the same IPC. */
export class TopicServer {
  readonly events: ChildEvent[] = [];
  port = 0;
  private constructor(readonly child: ChildProcess) {
    child.on('message', (m) => this.events.push(m as ChildEvent));
  }

  /** Starts `fixture` (in fixtures/) with the Redis URL as its argument (none for null). */
  static async start(redisUrl: string | null, fixture = 'topic-server.ts'): Promise<TopicServer> {
    const args = redisUrl === null ? [] : [redisUrl];
    const child = fork(path.join(__dirname, 'fixtures', fixture), args, { execArgv: TS_NODE, cwd: ROOT, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    const s = new TopicServer(child);
    await s.next('listening', 60000); // ts-node compiles the fixture first: slow on a busy machine
    s.port = (s.events.find((e) => e.event === 'listening') as ChildEvent).port as number;
    return s;
  }

  get notices(): string[] {
    return this.events.filter((e) => e.event === 'notice').map((e) => e.message as string);
  }

  /** Waits for the next event named `name` after those already seen, and returns it. */
  async next(name: string, ms = 10000): Promise<ChildEvent> {
    const seen = this.events.filter((e) => e.event === name).length;
    let found: ChildEvent | undefined;
    await until(() => {
      if (this.child.exitCode !== null) throw new Error(`topic server exited with ${this.child.exitCode}`);
      const all = this.events.filter((e) => e.event === name);
      found = all.length > seen ? all[seen] : undefined;
      return found !== undefined;
    }, ms, `topic server event '${name}'`);
    return found as ChildEvent;
  }

  /** Sends a command over IPC (see the fixture). */
  command(msg: object): void {
    this.child.send(msg);
  }

  async stats(): Promise<ChildEvent> {
    const p = this.next('stats');
    this.command({ cmd: 'stats' });
    return p;
  }

  /** Resolves once the server's Redis link is ready (connected, topics subscribed). */
  async ready(ms = 10000): Promise<void> {
    const p = this.next('ready', ms);
    this.command({ cmd: 'ready' });
    await p;
  }

  /** Closes the server; a child that has not exited 10 s later is killed, so no spec leaves one behind. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise((r) => this.child.once('exit', r));
    if (this.child.connected) this.command({ cmd: 'close' });
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10000);
    await exited;
    clearTimeout(timer);
  }
}

/** A `ws` client of a topic server that keeps what it receives. */
export class Subscriber {
  readonly inbox: string[] = [];
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.inbox.push(d.toString()));
  }

  static connect(port: number): Promise<Subscriber> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://127.0.0.1:${port}`, 'cmd');
      const s = new Subscriber(ws);
      ws.once('open', () => resolve(s));
      ws.once('error', reject);
    });
  }

  /** Subscribes and waits for the server's 'ok', which it then removes from the inbox. */
  async subscribe(topic: string): Promise<void> {
    this.ws.send(`sub ${topic}`);
    await until(() => this.inbox.includes(`ok ${topic}`), 5000, `subscribe ${topic}`);
    this.inbox.splice(this.inbox.indexOf(`ok ${topic}`), 1);
  }

  /** The messages received that start with `prefix`, as the numbers after it. */
  numbers(prefix: string): number[] {
    return this.inbox.filter((m) => m.startsWith(prefix)).map((m) => Number(m.slice(prefix.length)));
  }

  close(): void {
    this.ws.close();
  }
}

/** 0, 1, ..., n-1. */
export const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);
