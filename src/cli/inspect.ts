import * as fs from 'node:fs';
import Module from 'node:module';
import * as path from 'node:path';
import { copas } from '../index';
import { pauseScheduler } from '../scheduler/step-gate';
import { numberOption, parseOptions } from './options';
import { UsageError, type Subcommand } from './subcommand';

const usage = `Usage: copas-ts inspect <script> [--port 8000] [--host 127.0.0.1] [--long-run 0.1] [--paused]

Runs a copas program with the live inspector on (see docs/inspect.md): a page with the task table, a
timeline lane per task, and step mode (pause, one step, one task's turn, resume). It prints
'inspector on http://...' and then runs <script> (a .js file; a .ts file needs ts-node installed), which
uses copas-ts as usual: it may end with copas.loop(), or export a main() (as examples/teaching do), which is
called. Its 'copas-ts' (and this package's own src/, which the examples import) is this command's copas-ts.
The page stays up after the program ends; Ctrl-C (or SIGTERM) stops everything and exits 0.

Options:
  -p, --port <n>           the page's port (default 8000; 0 = any free port, printed)
      --host <address>     the interface to listen on (default 127.0.0.1: the page controls the program)
      --long-run <s>       flag a task that runs longer than this without yielding (default 0.1 s)
      --paused             start paused: the program's first step waits for Step on the page
  -h, --help               this text`;

/**
 * Makes the script's copas-ts this command's own, so the inspector sees its tasks: `require('copas-ts')` and
 * the TypeScript sources of this package (what the examples import, `../../src`) resolve to the built dist/.
 */
function shareCopas(): void {
  const dist = path.resolve(__dirname, '..');
  const src = path.join(path.dirname(dist), 'src') + path.sep;
  const loader = Module as unknown as { _resolveFilename(request: string, ...rest: unknown[]): string };
  const resolve = loader._resolveFilename;
  loader._resolveFilename = function resolveShared(request: string, ...rest: unknown[]): string {
    if (request === 'copas-ts') return path.join(dist, 'index.js');
    const file = resolve.call(this, request, ...rest);
    if (file.startsWith(src) && file.endsWith('.ts')) {
      const built = path.join(dist, file.slice(src.length, -3) + '.js');
      if (fs.existsSync(built)) return built;
    }
    return file;
  };
}

/**
 * Loads the script (plain require for JavaScript, ts-node, transpile only, for TypeScript) and calls the
 * `main()` it exports, if any: the examples run main() only when started directly.
 */
function load(file: string): void {
  if (/\.[cm]?ts$/.test(file)) {
    let tsNode: { register(options: { transpileOnly: boolean }): unknown };
    try {
      tsNode = require(require.resolve('ts-node', { paths: [path.dirname(file), process.cwd()] })) as typeof tsNode;
    } catch {
      throw new Error(`${file} is TypeScript: install ts-node (npm install --save-dev ts-node) or run its compiled .js`);
    }
    tsNode.register({ transpileOnly: true });
  }
  const exported = require(file) as { main?: unknown };
  if (typeof exported?.main === 'function') {
    const r = (exported.main as () => unknown)();
    if (r instanceof Promise) r.catch((err: unknown) => { process.stderr.write(`copas-ts inspect: ${file}: main(): ${String(err)}\n`); });
  }
}

async function run(argv: string[]): Promise<number> {
  const { values, positionals } = parseOptions('inspect', argv, {
    port: { type: 'string', short: 'p' },
    host: { type: 'string' },
    'long-run': { type: 'string' },
    paused: { type: 'boolean' },
  }, 1);
  if (values.help === true) {
    process.stdout.write(`${usage}\n`);
    return 0;
  }
  const port = numberOption('inspect', 'port', values.port, 8000, 0);
  if (!Number.isInteger(port) || port > 65535) throw new UsageError(`copas-ts inspect: --port must be a port number 0-65535, got '${values.port}'`);
  const longRun = numberOption('inspect', 'long-run', values['long-run'], 0.1, 0);
  const script = path.resolve(positionals[0]);
  if (!fs.existsSync(script)) {
    process.stderr.write(`copas-ts inspect: no such script: ${script}\n`);
    return 1;
  }
  let inspector;
  try {
    inspector = copas.inspect({ port, interface: values.host ?? '127.0.0.1', longRun });
  } catch (err) {
    process.stderr.write(`copas-ts inspect: ${(err as Error).message}\n`);
    return 1;
  }
  process.stdout.write(`inspector on ${inspector.url}\n`);
  if (values.paused === true) pauseScheduler();
  let stop: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => {
    stop = (): void => { inspector.close(); copas.cancelall(); resolve(); };
  });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    shareCopas();
    load(script);
    // a script that did not start the loop (or whose loop is still to come) gets it started here
    const ended = copas.running ? null : copas.loop();
    await stopped;
    if (ended !== null) await ended;
    while (copas.running) await new Promise<void>((r) => setImmediate(r));
  } catch (err) {
    inspector.close();
    copas.cancelall();
    process.stderr.write(`copas-ts inspect: ${script}: ${err instanceof Error ? err.stack ?? err.message : String(err)}\n`);
    return 1;
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
  return 0;
}

/** `copas-ts inspect <script>`: runs a script with the live inspector on. */
export const inspect: Subcommand = { name: 'inspect', summary: 'run a copas script with the live inspector (task table, timeline, step mode)', usage, run };
