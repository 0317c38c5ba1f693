import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');
/** The installed command: bin/copas-ts.js, which runs the built dist/cli. */
export const bin = path.join(root, 'bin', 'copas-ts.js');

export function requireBuild(): void {
  if (!fs.existsSync(path.join(root, 'dist', 'cli', 'main.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
}

const running = new Set<Cli>();

/** Kills what a failed test left running (call in afterEach), so jest is not held open. */
export function killLeftovers(): void {
  for (const cli of running) cli.child.kill('SIGKILL');
  running.clear();
}

/** A running `copas-ts ...` child process, collecting its output. */
export class Cli {
  readonly child: ChildProcessWithoutNullStreams;
  stdout = '';
  stderr = '';
  readonly exited: Promise<number | null>;

  constructor(args: string[]) {
    this.child = spawn(process.execPath, [bin, ...args], { stdio: 'pipe' });
    this.child.stdout.setEncoding('utf8').on('data', (d: string) => { this.stdout += d; });
    this.child.stderr.setEncoding('utf8').on('data', (d: string) => { this.stderr += d; });
    running.add(this);
    this.exited = new Promise((resolve) => this.child.on('close', (code) => { running.delete(this); resolve(code); }));
  }

  /** Resolves with the first match of `re` in stdout, waiting for it to be printed. */
  async waitFor(re: RegExp, ms = 10_000): Promise<RegExpMatchArray> {
    const deadline = Date.now() + ms;
    for (;;) {
      const m = re.exec(this.stdout);
      if (m !== null) return m;
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`no ${re} in stdout: ${JSON.stringify(this.stdout)}, stderr: ${JSON.stringify(this.stderr)}`);
      }
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}

/** Runs `copas-ts ...` with `input` piped to stdin, to its end. */
export async function runCli(args: string[], input = ''): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = new Cli(args);
  cli.child.stdin.end(input);
  const code = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}
