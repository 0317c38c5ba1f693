/**
 * `copas-ts connect` in a child process against a real `ws` server on loopback: piped lines go out as TEXT,
 * replies are printed (binary as hex), the close is printed, the exit code says how it ended.
 */
import type { AddressInfo } from 'node:net';
import type { IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import { Cli, killLeftovers, requireBuild, runCli } from './helpers';

describe('copas-ts connect', () => {
  let wss: WebSocketServer;
  let url: string;
  const seen: { protocol: string; header: string | undefined; messages: Array<[string, boolean]> }[] = [];

  beforeAll(async () => {
    requireBuild();
    wss = new WebSocketServer({ port: 0, host: '127.0.0.1', handleProtocols: (offered) => [...offered].pop() ?? false });
    await new Promise((r) => wss.once('listening', r));
    url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;
    wss.on('connection', (ws: WebSocket, req: IncomingMessage) => {
      const record = { protocol: ws.protocol, header: req.headers['x-course'] as string | undefined, messages: [] as Array<[string, boolean]> };
      seen.push(record);
      ws.on('message', (data: Buffer, isBinary: boolean) => {
        const text = data.toString();
        record.messages.push([text, isBinary]);
        if (text === 'binary please') ws.send(Buffer.from([0, 1, 0xab, 0xff]));
        else if (text === 'goodbye') ws.close(4001, 'class is over');
        else if (text !== 'silence') ws.send(`echo: ${text}`);
      });
    });
  });
  afterAll(async () => {
    for (const c of wss.clients) c.terminate();
    await new Promise((r) => wss.close(r));
  });
  beforeEach(() => { seen.length = 0; });
  afterEach(killLeftovers);

  it('sends each piped line as TEXT, prints the replies and binary as hex, closes with 1000 and exits 0', async () => {
    const r = await runCli(['connect', url, '--protocol', 'v1', '-p', 'v2', '--header', 'X-Course: cooperative'],
      'hello\nbinary please\nlast line\n');
    expect(r.stdout).toBe('echo: hello\n[binary 4 bytes] 0001abff\necho: last line\nclosed: 1000\n');
    expect(r.code).toBe(0);
    expect(r.stderr).toBe(`connected to ${url} (protocol: v2)\n`);
    expect(seen).toEqual([{ protocol: 'v2', header: 'cooperative',
      messages: [['hello', false], ['binary please', false], ['last line', false]] }]);
  });

  it("prints the server's close code and reason when the server closes first", async () => {
    const r = await runCli(['connect', url], 'one\ngoodbye\n');
    expect(r.stdout).toBe('echo: one\nclosed: 4001 class is over\n');
    expect(r.code).toBe(0);
  });

  it('exits when the server closes while stdin is still open', async () => {
    const cli = new Cli(['connect', url]);
    cli.child.stdin.write('goodbye\n');
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toBe('closed: 4001 class is over\n');
  });

  it('waits for replies only up to --wait seconds, then closes', async () => {
    const started = Date.now();
    const r = await runCli(['connect', url, '--wait', '0.3'], 'silence\n');
    const took = Date.now() - started;
    expect(r.stdout).toBe('closed: 1000\n');
    expect(r.code).toBe(0);
    expect(took).toBeGreaterThanOrEqual(300);
    expect(seen[0].messages).toEqual([['silence', false]]);
  });

  it('stays open while stdin is open, and sends lines as they are typed', async () => {
    const cli = new Cli(['connect', url]);
    cli.child.stdin.write('first\n');
    await cli.waitFor(/echo: first\n/);
    cli.child.stdin.write('second\n');
    await cli.waitFor(/echo: second\n/);
    expect(cli.child.exitCode).toBeNull();
    cli.child.stdin.end();
    expect(await cli.exited).toBe(0);
    expect(cli.stdout).toBe('echo: first\necho: second\nclosed: 1000\n');
  });

  it('Ctrl-C (SIGINT) closes with 1000 at once and exits 0', async () => {
    const cli = new Cli(['connect', url]);
    cli.child.stdin.write('still here\n');
    await cli.waitFor(/echo: still here\n/);
    const closedByPeer = new Promise<number>((resolve) => {
      const ws = [...wss.clients][0];
      ws.once('close', (code: number) => resolve(code));
    });
    cli.child.kill('SIGINT');
    expect(await cli.exited).toBe(0);
    expect(await closedByPeer).toBe(1000);
    expect(cli.stdout).toBe('echo: still here\nclosed: 1000\n');
  });

  it('exits 1 with the error when it cannot connect', async () => {
    const closed = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((r) => closed.once('listening', r));
    const port = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r));
    const r = await runCli(['connect', `ws://127.0.0.1:${port}`]);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('copas-ts connect: connection refused\n');
    expect(r.stdout).toBe('');
  });

  it('--help prints the usage; bad arguments exit 2 naming what is wrong', async () => {
    const help = await runCli(['connect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: copas-ts connect <url>/);
    for (const [args, message] of [
      [['connect'], 'copas-ts connect: expected 1 argument, got 0'],
      [['connect', 'http://x'], "copas-ts connect: <url> must start with ws:// or wss://, got 'http://x'"],
      [['connect', url, '--header', 'no colon'], "copas-ts connect: --header must look like 'Name: value', got 'no colon'"],
      [['connect', url, '--wait', 'soon'], "copas-ts connect: --wait must be a number >= 0, got 'soon'"],
      [['connect', url, '--bogus'], "copas-ts connect: Unknown option '--bogus'"],
    ] as Array<[string[], string]>) {
      const r = await runCli(args);
      expect(r.code).toBe(2);
      expect(r.stderr.split('\n')[0]).toContain(message);
    }
  });

  it('copas-ts --help lists the commands; an unknown command exits 2', async () => {
    const help = await runCli(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/connect .*\n.*serve /);
    const bad = await runCli(['teleport']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^copas-ts: unknown command 'teleport'/);
  });
});
