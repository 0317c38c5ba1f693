/**
 * The tarball is the product: the project's tracked files, copied as a fresh clone has them (no dist/), are
 * packed with `npm pack` (whose prepare script builds), checked by `attw`, installed into a new project and
 * used there as a user would: strict tsc with declarations over a consumer that exports handlers (ESM and
 * CommonJS), then the compiled ESM and CommonJS scripts run a WebSocket echo on loopback.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
const bin = (name: string): string => path.join(root, 'node_modules', '.bin', name);

function run(cmd: string, args: string[], cwd: string): string {
  try {
    return execFileSync(cmd, args, { cwd, encoding: 'utf8', stdio: 'pipe', env: { ...process.env, npm_config_update_notifier: 'false' } });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${path.basename(cmd)} ${args.join(' ')} failed in ${cwd}:\n${err.stdout ?? ''}${err.stderr ?? err.message}`);
  }
}

/** Handlers and helpers whose types tsc must name in the consumer's declarations (TS2742 otherwise). */
const HANDLERS = `import { copas, websocket, type ServerConnection } from 'copas-ts';

export function* shout(ws: ServerConnection) {
  for (;;) {
    const [message, opcode] = yield* ws.receive();
    if (message === null) return;
    if (opcode === websocket.TEXT) yield* ws.send(message.toUpperCase());
    else yield* ws.send(message.subarray(0).reverse(), opcode);
  }
}
export const handlers = { shout };
export const start = (port: number) => websocket.server.copas.listen({ port, interface: '127.0.0.1', protocols: handlers });
export const newClient = () => websocket.client.copas({ timeout: 5 });
export const newSyncClient = () => websocket.client.sync;
export function* nap() { return yield* copas.pause(0); }
export const tools = { lock: () => copas.lock.new(), queue: () => copas.queue.new(), status: () => copas.status(), task: () => copas.addthread(nap) };
`;

/** ESM: awaitable connect/send/close and for await outside tasks; one instance for import and require. */
const MAIN_ESM = `import { createRequire } from 'node:module';
import { copas, websocket } from 'copas-ts';
import { newClient, start } from './handlers.js';

const server = start(0);
const client = newClient();
const connected = await client.connect(\`ws://127.0.0.1:\${server.port}\`, 'shout');
await client.send('hello');
await client.send(Buffer.from([1, 2, 3]), websocket.BINARY);
const got: unknown[] = [];
for await (const [message, opcode] of client) {
  got.push(opcode === websocket.TEXT ? message : [...message]);
  if (got.length === 2) break;
}
const closed = await client.close();
server.close();
const sameInstance = createRequire(import.meta.url)('copas-ts').copas === copas;
console.log(JSON.stringify({ connected: connected[0], got, closed, sameInstance }));
`;

/** CommonJS through require, with the generator API inside a task. */
const MAIN_CJS = `import copasTs = require('copas-ts');
const { copas, websocket } = copasTs;

export function* relay(ws: copasTs.ServerConnection): copasTs.TaskGenerator<void> {
  const [message] = yield* ws.receive();
  if (message !== null) yield* ws.send(message);
}
const server = websocket.server.copas.listen({ port: 0, interface: '127.0.0.1', protocols: { relay } });
copas.addthread(function* () {
  const client = websocket.client.copas({ timeout: 5 });
  const [ok] = yield* client.connect(\`ws://127.0.0.1:\${server.port}\`, 'relay');
  yield* client.send('from cjs');
  const [message, opcode] = yield* client.receive();
  const closed = yield* client.close();
  server.close();
  console.log(JSON.stringify({ ok, message, opcode, closed }));
});
copas.loop();
`;

describe('the packed tarball', () => {
  let work: string;
  let tarball: string;
  let files: string[];
  beforeAll(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-pack-'));
    const clone = path.join(work, 'clone');
    for (const f of run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], root).split('\0').filter((f) => f !== '' && fs.existsSync(path.join(root, f)))) {
      fs.mkdirSync(path.dirname(path.join(clone, f)), { recursive: true });
      fs.copyFileSync(path.join(root, f), path.join(clone, f));
    }
    fs.symlinkSync(path.join(root, 'node_modules'), path.join(clone, 'node_modules'), 'dir');
    const [packed] = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', work], clone)) as Array<{ filename: string; files: Array<{ path: string }> }>;
    tarball = path.join(work, packed.filename);
    files = packed.files.map((f) => f.path);
  }, 120_000);
  afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

  it('ships the build (ESM and CJS entries with their types), LICENSE and CHANGELOG, and nothing of the specs', () => {
    for (const f of ['package.json', 'README.md', 'LICENSE', 'CHANGELOG.md', 'dist/index.js', 'dist/index.mjs', 'dist/index.d.ts', 'dist/index.d.mts',
      'dist/websocket/client/sync-worker.js']) {
      expect(files).toContain(f);
    }
    expect(files.filter((f) => /^(spec|bench|examples|scripts|\.ci)\//.test(f))).toEqual([]);
  });

  it('has no @internal declarations and no source map pointing at a file it does not ship', () => {
    const unpacked = path.join(work, 'unpacked');
    fs.mkdirSync(unpacked);
    run('tar', ['-xzf', tarball, '-C', unpacked], work);
    const pkg = path.join(unpacked, 'package');
    const dangling: string[] = [];
    for (const f of files) {
      if (f.endsWith('.d.ts')) expect([f, fs.readFileSync(path.join(pkg, f), 'utf8').includes('@internal')]).toEqual([f, false]);
      if (!f.endsWith('.map')) continue;
      const map = JSON.parse(fs.readFileSync(path.join(pkg, f), 'utf8')) as { sources: string[] };
      for (const s of map.sources) {
        const target = path.relative(pkg, path.resolve(path.dirname(path.join(pkg, f)), s));
        if (!files.includes(target)) dangling.push(`${f} -> ${s}`);
      }
    }
    expect(dangling).toEqual([]);
  });

  it('attw finds no problem in it (node10, node16 from CJS and ESM, bundler)', () => {
    expect(run(bin('attw'), [tarball, '--format', 'ascii'], work)).toContain('No problems found');
  }, 60_000);

  it('installs into a new project, type-checks strictly with declarations, and runs from ESM and CommonJS', () => {
    const app = path.join(work, 'app');
    fs.mkdirSync(app);
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({
      name: 'consumer', private: true, type: 'module',
      dependencies: { 'copas-ts': `file:${tarball}`, '@types/node': `file:${path.join(root, 'node_modules', '@types', 'node')}` },
    }));
    run('npm', ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts'], app);
    fs.writeFileSync(path.join(app, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        strict: true, declaration: true, skipLibCheck: false, module: 'nodenext', moduleResolution: 'nodenext',
        target: 'es2022', outDir: 'out', types: ['node'], noUncheckedIndexedAccess: true, exactOptionalPropertyTypes: true,
      },
      include: ['src'],
    }));
    fs.mkdirSync(path.join(app, 'src'));
    fs.writeFileSync(path.join(app, 'src', 'handlers.ts'), HANDLERS);
    fs.writeFileSync(path.join(app, 'src', 'main.ts'), MAIN_ESM);
    fs.writeFileSync(path.join(app, 'src', 'main-cjs.cts'), MAIN_CJS);
    run(process.execPath, [path.join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', app], app);
    expect(fs.readFileSync(path.join(app, 'out', 'handlers.d.ts'), 'utf8')).not.toMatch(/dist\//);

    const esm = JSON.parse(run(process.execPath, [path.join(app, 'out', 'main.js')], app));
    expect(esm).toEqual({ connected: true, got: ['HELLO', [3, 2, 1]], closed: [true, 1000, ''], sameInstance: true });
    const cjs = JSON.parse(run(process.execPath, [path.join(app, 'out', 'main-cjs.cjs')], app));
    expect(cjs).toEqual({ ok: true, message: 'from cjs', opcode: 1, closed: [true, 1000, ''] });
  }, 120_000);
});
