/**
 * `copas-ts inspect <script>` in a child process: it serves the inspector's page, the page's WebSocket lists the
 * script's tasks, --paused holds the program until a step, and SIGTERM ends it with 0. Driven by `ws` on loopback.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import WebSocket from 'ws';
import { Cli, killLeftovers, requireBuild, runCli } from './helpers';

const dist = path.resolve(__dirname, '..', '..', 'dist');
let dir: string;
let script: string;

beforeAll(() => {
  requireBuild();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-cli-inspect-'));
  script = path.join(dir, 'ticker.js');
  // the script loads the same copas-ts as the command (the project's dist), as an installed package would
  fs.writeFileSync(script, `const { copas } = require(${JSON.stringify(dist)});
let n = 0;
copas.addnamedthread('ticker', function* () { for (;;) { n++; console.log('tick ' + n); yield* copas.pause(0.05); } });
copas.loop();
`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
afterEach(killLeftovers);

function get(url: string): Promise<string> {
  return new Promise((resolve, reject) => {
    http.get(url, (res) => { let body = ''; res.setEncoding('utf8').on('data', (d: string) => { body += d; }).on('end', () => resolve(body)); }).on('error', reject);
  });
}

function updates(url: string): Promise<{ ws: WebSocket; next: () => Promise<Record<string, unknown>> }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url.replace(/^http/, 'ws'), 'copas-inspect');
    const got: Array<Record<string, unknown>> = [];
    let wake: (() => void) | null = null;
    ws.on('message', (d) => { got.push(JSON.parse(String(d)) as Record<string, unknown>); wake?.(); });
    const next = async (): Promise<Record<string, unknown>> => {
      while (got.length === 0) await new Promise<void>((r) => { wake = r; });
      return got.shift() as Record<string, unknown>;
    };
    ws.once('open', () => resolve({ ws, next }));
    ws.once('error', reject);
  });
}

describe('copas-ts inspect', () => {
  it('runs the script with the inspector: the page, its tasks, and SIGTERM exits 0', async () => {
    const cli = new Cli(['inspect', script, '--port', '0']);
    const [, url] = await cli.waitFor(/^inspector on (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    await cli.waitFor(/tick 2\n/);
    expect(await get(url)).toContain('<title>copas inspector</title>');
    const { ws, next } = await updates(url);
    let names: string[] = [];
    for (let i = 0; i < 50 && !names.includes('ticker'); i++) {
      const u = await next();
      if (u.type === 'update') names = (u.tasks as Array<{ name: string }>).map((t) => t.name);
    }
    expect(names).toEqual(['ticker']); // the script's task, not the inspector's
    ws.terminate();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('--paused holds the program until the page asks for a step', async () => {
    const cli = new Cli(['inspect', script, '--port', '0', '--paused']);
    const [, url] = await cli.waitFor(/^inspector on (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    await new Promise((r) => setTimeout(r, 300));
    expect(cli.stdout).not.toContain('tick');
    const { ws, next } = await updates(url);
    ws.send(JSON.stringify({ cmd: 'step' }));
    let reply: Record<string, unknown> = {};
    while (reply.type !== 'reply') reply = await next();
    expect(reply).toMatchObject({ ok: true, ran: 1 });
    await cli.waitFor(/tick 1\n/);
    await new Promise((r) => setTimeout(r, 300));
    expect(cli.stdout).not.toContain('tick 2'); // one step: the ticker ran once and is held again
    ws.terminate();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  });

  it('runs a teaching example (TypeScript, importing ../../src, exporting main) one step at a time', async () => {
    const example = path.resolve(__dirname, '..', '..', 'examples', 'teaching', 'ping-pong.ts');
    const cli = new Cli(['inspect', example, '--port', '0', '--paused']);
    const [, url] = await cli.waitFor(/^inspector on (http:\/\/127\.0\.0\.1:\d+\/)\n/);
    const { ws, next } = await updates(url);
    let names: string[] = [];
    for (let i = 0; i < 100 && names.length < 2; i++) {
      const u = await next();
      if (u.type === 'update') names = (u.tasks as Array<{ name: string }>).map((t) => t.name);
    }
    expect(names).toEqual(['ping', 'pong']); // its tasks live in the command's own copas
    expect(cli.stdout).not.toContain('ping 1');
    ws.send(JSON.stringify({ cmd: 'step' }));
    await cli.waitFor(/ping 1\npong 1\n/);
    await new Promise((r) => setTimeout(r, 200));
    expect(cli.stdout).not.toContain('ping 2');
    ws.send(JSON.stringify({ cmd: 'resume' }));
    await cli.waitFor(/ping done\npong done\n/); // the program ran to its end (the inspector keeps the loop up)
    ws.terminate();
    cli.child.kill('SIGTERM');
    expect(await cli.exited).toBe(0);
  }, 20000);

  it('--help, a missing script, a script that does not exist', async () => {
    const help = await runCli(['inspect', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: copas-ts inspect <script>/);
    const none = await runCli(['inspect']);
    expect(none.code).toBe(2);
    expect(none.stderr).toContain('copas-ts inspect: expected 1 argument, got 0');
    const missing = await runCli(['inspect', path.join(dir, 'nope.js'), '--port', '0']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('copas-ts inspect: no such script:');
  });
});
