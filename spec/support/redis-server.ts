/**
 * A real Debian `redis-server` for the pub/sub specs (never a mock): started on a free loopback port with
 * persistence off (`--save '' --appendonly no`), stopped with SIGTERM and waited for. `restart()` brings it back
 * on the same port, for the outage specs.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as net from 'node:net';

/** A free TCP port on 127.0.0.1 (bound, read, released). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.on('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** A running redis-server child. */
export class RedisServer {
  private child: ChildProcess | null = null;
  private exited: Promise<void> = Promise.resolve();

  private constructor(readonly port: number) {}

  /** The URL to give `listen({ pubsub: { redis } })`. */
  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** Starts redis-server on a free port and resolves once it accepts connections. */
  static async start(port?: number): Promise<RedisServer> {
    const r = new RedisServer(port ?? await freePort());
    await r.launch();
    return r;
  }

  private async launch(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--loglevel', 'warning'], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    let output = '';
    child.stdout?.on('data', (d: Buffer) => { output += d.toString(); });
    child.stderr?.on('data', (d: Buffer) => { output += d.toString(); });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const deadline = Date.now() + 10000;
    for (;;) {
      if (child.exitCode !== null) throw new Error(`redis-server exited (${child.exitCode}): ${output}`);
      if (await answersPing(this.port)) return;
      if (Date.now() > deadline) throw new Error(`redis-server did not answer on port ${this.port}: ${output}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  /** Kills the server at once (SIGKILL: an outage, not a shutdown) and waits for it to be gone. */
  async kill(): Promise<void> {
    if (this.child === null) return;
    this.child.kill('SIGKILL');
    await this.exited;
    this.child = null;
  }

  /** Starts it again on the same port (after kill). */
  async restart(): Promise<void> {
    await this.kill();
    await this.launch();
  }

  /**
   * The reply to one inline command (`PUBSUB NUMSUB chan`), as Redis writes it, read for up to 200 ms: for a
   * spec's failure message, e.g. whether a process's subscription is there at all.
   */
  inline(command: string): Promise<string> {
    return new Promise((resolve) => {
      const s = net.connect(this.port, '127.0.0.1');
      let got = '';
      const done = (): void => { s.destroy(); resolve(got.replace(/\r\n/g, ' ').trim()); };
      s.setTimeout(1000, done);
      s.on('error', (e) => { got += `(${e.message})`; done(); });
      s.on('connect', () => { s.write(`${command}\r\n`); setTimeout(done, 200); });
      s.on('data', (d) => { got += d.toString(); });
    });
  }

  /** Stops the server (SIGTERM) and waits for its exit. */
  async stop(): Promise<void> {
    if (this.child === null) return;
    this.child.kill('SIGTERM');
    await this.exited;
    this.child = null;
  }
}

/** True when something on `port` answers a RESP PING with +PONG. */
function answersPing(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    let got = '';
    const done = (ok: boolean): void => { s.destroy(); resolve(ok); };
    s.setTimeout(1000, () => done(false));
    s.on('error', () => done(false));
    s.on('connect', () => s.write('PING\r\n'));
    s.on('data', (d) => { got += d.toString(); if (got.includes('\r\n')) done(got.startsWith('+PONG')); });
  });
}
