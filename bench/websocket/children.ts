/**
 * bench/websocket/children.ts: the processes of the WebSocket benchmarks (run.ts, profile.ts): src/ and the two
 * child scripts transpiled once to plain JavaScript, the echo servers and the load generator, each started
 * pinned to its core (taskset) and driven over IPC.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const ROOT = path.resolve(__dirname, '../..');

// ---- plain JS for the children -----------------------------------------------------------------------------

/**
 * The children run plain JavaScript, not ts-node: the TypeScript compiler in a server process would add tens of
 * MB of heap and code to the memory measured and show up in profiles. src/ (or COPAS_SRC) and the two child
 * scripts are transpiled once (ts.transpileModule, what ts-node --transpile-only does) into a temp directory;
 * packages (ws, bufferutil) resolve from the repository through NODE_PATH. COPAS_LIB instead names an already
 * built copas-ts (e.g. dist/) that the copas server loads as is.
 */
export const BUILD = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-bench-'));
function transpileTree(from: string, to: string): void {
  // eslint-disable-next-line @typescript-eslint/no-var-requires
  const ts = require('typescript');
  const options = { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, esModuleInterop: true, sourceMap: false };
  const walk = (dir: string, out: string): void => {
    fs.mkdirSync(out, { recursive: true });
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const f = path.join(dir, e.name);
      if (e.isDirectory()) walk(f, path.join(out, e.name));
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) {
        const js = ts.transpileModule(fs.readFileSync(f, 'utf8'), { compilerOptions: options, fileName: f }).outputText;
        fs.writeFileSync(path.join(out, e.name.replace(/\.ts$/, '.js')), js);
      }
    }
  };
  if (fs.statSync(from).isDirectory()) walk(from, to);
  else { fs.mkdirSync(to, { recursive: true }); const js = ts.transpileModule(fs.readFileSync(from, 'utf8'), { compilerOptions: options, fileName: from }).outputText; fs.writeFileSync(path.join(to, path.basename(from).replace(/\.ts$/, '.js')), js); }
}
transpileTree(path.resolve(process.env.COPAS_SRC ?? path.join(ROOT, 'src')), path.join(BUILD, 'src'));
transpileTree(path.join(__dirname, 'server.ts'), path.join(BUILD, 'bench/websocket'));
transpileTree(path.join(__dirname, 'load.ts'), path.join(BUILD, 'bench/websocket'));
if (process.env.COPAS_ALT_SRC) transpileTree(path.resolve(process.env.COPAS_ALT_SRC), path.join(BUILD, 'alt-src'));
const CHILD_ENV: NodeJS.ProcessEnv = {
  NODE_PATH: path.join(ROOT, 'node_modules'),
  COPAS_LIB: process.env.COPAS_LIB ? path.resolve(process.env.COPAS_LIB) : path.join(BUILD, 'src'),
};
process.on('exit', () => fs.rmSync(BUILD, { recursive: true, force: true }));

// ---- servers and scenarios ---------------------------------------------------------------------------------

export interface ServerDef { id: string; label: string; kind: 'copas' | 'core' | 'ws' | 'net'; load: 'ws' | 'net'; env: NodeJS.ProcessEnv; nodeArgs: string[] }

export const ALL_SERVERS: ServerDef[] = [
  { id: 'copas', label: 'copas-ts', kind: 'copas', load: 'ws', env: {}, nodeArgs: (process.env.BENCH_COPAS_NODE_ARGS ?? '').split(' ').filter(Boolean) },
  { id: 'ws', label: 'ws', kind: 'ws', load: 'ws', env: { WS_NO_BUFFER_UTIL: '1' }, nodeArgs: (process.env.BENCH_WS_NODE_ARGS ?? '').split(' ').filter(Boolean) },
  { id: 'wsbu', label: 'ws+bufferutil', kind: 'ws', load: 'ws', env: {}, nodeArgs: [] },
  { id: 'net', label: 'node:net', kind: 'net', load: 'net', env: {}, nodeArgs: [] },
];
// COPAS_ALT_SRC: a second copas-ts source tree (a change under test) measured as one more server, 'copas-alt'.
if (process.env.COPAS_ALT_SRC) {
  ALL_SERVERS.splice(1, 0, { id: 'copasalt', label: 'copas-ts (alt)', kind: 'copas', load: 'ws', env: { COPAS_LIB: '@alt' }, nodeArgs: ALL_SERVERS[0].nodeArgs });
}
/** Diagnostics, measured only when BENCH_SERVERS names them: the protocol core without the copas layers. */
const OPTIONAL_SERVERS: ServerDef[] = [
  { id: 'core', label: 'copas-ts core, callbacks', kind: 'core', load: 'ws', env: {}, nodeArgs: [] },
];
export const SERVERS = process.env.BENCH_SERVERS
  ? [...ALL_SERVERS, ...OPTIONAL_SERVERS].filter((s) => process.env.BENCH_SERVERS!.split(',').includes(s.id))
  : ALL_SERVERS;

export interface Scenario { id: string; title: string; conns: number; inflight: number; size: number; binary: boolean }

export const THROUGHPUT: Scenario[] = [
  { id: 'text-1x1', title: '32 B text, 1 conn x 1 in flight', conns: 1, inflight: 1, size: 32, binary: false },
  { id: 'text-1x100', title: '32 B text, 1 conn x 100 in flight', conns: 1, inflight: 100, size: 32, binary: false },
  { id: 'text-50x100', title: '32 B text, 50 conns x 100 in flight', conns: 50, inflight: 100, size: 32, binary: false },
  { id: 'bin64k-1x16', title: '64 KiB binary, 1 conn x 16 in flight', conns: 1, inflight: 16, size: 65536, binary: true },
];
export const IDLE_ID = 'idle';

// ---- child processes ---------------------------------------------------------------------------------------

let hasTaskset = false;
try { execFileSync('taskset', ['-p', String(process.pid)], { stdio: 'ignore' }); hasTaskset = true; } catch { /* absent */ }
export const cores = os.cpus().length;
export const pin = hasTaskset && cores >= 2;
export const SERVER_CPU = process.env.BENCH_SERVER_CPU ?? '0';
export const LOAD_CPU = process.env.BENCH_LOAD_CPU ?? '1';

export class Child {
  readonly proc: ChildProcess;
  private nextId = 1;
  private pending = new Map<number, { resolve: (v: any) => void; reject: (e: Error) => void }>();
  private listeners: Array<(m: any) => void> = [];
  readonly exited: Promise<number | null>;

  constructor(name: string, script: string, args: string[], env: NodeJS.ProcessEnv, nodeArgs: string[], cpu: string) {
    const cmd = [...(pin ? ['taskset', '-c', cpu] : []), process.execPath, '--expose-gc', ...nodeArgs, path.join(BUILD, script), ...args];
    // Raise the fd limit in the child: as high as 65535 when the hard limit allows, else to the hard limit.
    this.proc = spawn('sh', ['-c', 'ulimit -n 65535 2>/dev/null || ulimit -n "$(ulimit -Hn)"; exec "$@"', name, ...cmd], {
      cwd: ROOT, env: { ...process.env, ...CHILD_ENV, ...env, ...(env.COPAS_LIB === '@alt' ? { COPAS_LIB: path.join(BUILD, 'alt-src') } : {}) }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    this.proc.on('message', (m: any) => {
      if (typeof m === 'object' && m !== null && typeof m.id === 'number' && this.pending.has(m.id)) {
        const p = this.pending.get(m.id)!;
        this.pending.delete(m.id);
        if (m.error !== undefined) p.reject(new Error(m.error)); else p.resolve(m.result);
        return;
      }
      const ls = this.listeners;
      this.listeners = [];
      for (const l of ls) l(m);
    });
    this.exited = new Promise((r) => this.proc.on('exit', (code) => r(code)));
  }

  /** The next unsolicited message (ready, mem). */
  next(timeoutMs = 60000): Promise<any> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('child did not answer')), timeoutMs);
      this.listeners.push((m) => { clearTimeout(t); resolve(m); });
    });
  }

  request(cmd: string, params?: object): Promise<any> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.proc.send({ cmd, id, params });
    });
  }

  async mem(): Promise<{ mem: { rss: number; heapUsed: number; external: number; arrayBuffers: number }; conns: number }> {
    const p = this.next();
    this.proc.send({ cmd: 'mem' });
    return p;
  }

  async stop(): Promise<void> {
    if (this.proc.exitCode !== null) return;
    try { this.proc.send({ cmd: 'exit' }); } catch { /* gone */ }
    const t = setTimeout(() => this.proc.kill('SIGKILL'), 10000);
    await this.exited;
    clearTimeout(t);
  }
}

export interface Running { def: ServerDef; child: Child; port: number; pid: number; bufferutil: boolean }

export async function startServer(def: ServerDef): Promise<Running> {
  const child = new Child(`bench-${def.id}`, 'bench/websocket/server.js', [def.kind], def.env, def.nodeArgs, SERVER_CPU);
  const m = await child.next();
  if (!m.ready) throw new Error(`server ${def.id} did not start`);
  if (def.id === 'wsbu' && !m.bufferutil) throw new Error('ws+bufferutil: bufferutil was not loaded (npm install --save-dev bufferutil)');
  if (def.id === 'ws' && m.bufferutil) throw new Error('ws: bufferutil was loaded although WS_NO_BUFFER_UTIL=1');
  return { def, child, port: m.port, pid: m.pid, bufferutil: m.bufferutil };
}
