/**
 * `copas-ts serve` in a child process, driven by real `ws` clients on loopback: echo, broadcast, sub-protocols,
 * and SIGTERM closing every client with 1001 before it exits 0.
 */
import WebSocket from 'ws';
import { Cli, killLeftovers, requireBuild, runCli } from './helpers';

function open(url: string, protocol?: string): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, protocol);
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function next(ws: WebSocket): Promise<[string, boolean]> {
  return new Promise((resolve) => ws.once('message', (data: Buffer, isBinary: boolean) => resolve([isBinary ? data.toString('hex') : data.toString(), isBinary])));
}

async function start(args: string[]): Promise<{ cli: Cli; url: string }> {
  const cli = new Cli(['serve', '--port', '0', ...args]);
  const [, port] = await cli.waitFor(/^listening on ws:\/\/localhost:(\d+) \((?:echo|broadcast)\)\n/);
  return { cli, url: `ws://127.0.0.1:${port}` };
}

describe('copas-ts serve', () => {
  beforeAll(requireBuild);
  afterEach(killLeftovers);

  it('--echo (the default) sends each TEXT and BINARY message back, logs it, and SIGTERM closes clients with 1001', async () => {
    const { cli, url } = await start([]);
    const ws = await open(url);
    const replyText = next(ws);
    ws.send('hello teacher');
    expect(await replyText).toEqual(['hello teacher', false]);
    const replyBinary = next(ws);
    ws.send(Buffer.from([0xde, 0xad]));
    expect(await replyBinary).toEqual(['dead', true]);
    await cli.waitFor(/< \[binary 2 bytes\] dead\n/);
    const closed = new Promise<number>((resolve) => ws.once('close', (code: number) => resolve(code)));
    cli.child.kill('SIGTERM');
    expect(await closed).toBe(1001);
    expect(await cli.exited).toBe(0);
    const lines = cli.stdout.split('\n');
    expect(lines[1]).toMatch(/^\+ 127\.0\.0\.1:\d+ connected$/);
    expect(lines[2]).toMatch(/^127\.0\.0\.1:\d+ < hello teacher$/);
    expect(lines[4]).toMatch(/^- 127\.0\.0\.1:\d+ closed: 1001/);
  });

  it('--broadcast sends each message to every client of any protocol, the sender too; --protocol is accepted', async () => {
    const { cli, url } = await start(['--broadcast', '--protocol', 'chat']);
    const a = await open(url, 'chat');
    const b = await open(url);
    expect(a.protocol).toBe('chat');
    await cli.waitFor(/^\+ .*\n\+ .*\n/m);
    const atA = next(a);
    const atB = next(b);
    a.send('to everyone');
    expect(await atA).toEqual(['to everyone', false]);
    expect(await atB).toEqual(['to everyone', false]);
    const closed = new Promise<number>((resolve) => b.once('close', (code: number) => resolve(code)));
    a.close(1000);
    await cli.waitFor(/closed: 1000\n/);
    cli.child.kill('SIGINT');
    expect(await closed).toBe(1001);
    expect(await cli.exited).toBe(0);
  });

  it('--help prints the usage; bad options exit 2', async () => {
    const help = await runCli(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: copas-ts serve/);
    for (const [args, message] of [
      [['serve', '--echo', '--broadcast'], 'copas-ts serve: --echo and --broadcast exclude each other'],
      [['serve', '--port', '70000'], "copas-ts serve: --port must be a port number 0-65535, got '70000'"],
      [['serve', 'extra'], 'copas-ts serve: expected no arguments, got 1'],
    ] as Array<[string[], string]>) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toBe(message);
    }
  });

  it('a port in use exits 1 with the error', async () => {
    const { cli, url } = await start([]);
    const port = new URL(url).port;
    const r = await runCli(['serve', '--port', port]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^copas-ts serve: .*address already in use/i);
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });
});
