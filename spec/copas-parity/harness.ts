/**
 * Runs a port of one of Copas' test scripts, captures what it prints, and compares it line by line with what
 * the Lua script printed under Copas 4.11 (lua/NAME.out, made by scripts/refresh-copas-parity.sh).
 *
 * Both sides go through the same normalisation: times and other floats, thread addresses, Lua's `file:line:`
 * error prefix, and stack tracebacks (Lua's frames and V8's differ by nature). Lines that differ on purpose
 * are listed by the spec as Differences (the Lua line, the line copas-ts prints instead, and why, with the
 * section of docs/porting.md), matched after normalisation; the Lua side is rewritten with them before
 * comparing, never dropped.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { copas } from '../../src';
import type { ErrorHandler } from '../../src/scheduler';
import { state } from './lua-shim';

/**
 * A deliberate difference: normalised Lua lines matching `lua` are expected as `ts` (null: no such line; an
 * array: several lines instead of one).
 */
export interface Difference {
  lua: string | RegExp;
  ts: string | string[] | null;
  why: string;
}

export interface ParityOptions {
  differences?: Difference[];
  /**
   * Blocks printed from a `for name, test in pairs(tests)` loop start with a line matching this: Lua's
   * pairs() order is unspecified (it changes from run to run), so the blocks are compared sorted.
   */
  pairsBlocks?: RegExp;
  /** More replacements, applied to both sides (ports, addresses). */
  normalise?: Array<[RegExp, string]>;
}

/** The default error handler copas-ts was loaded with (the spec setup replaces it before each test). */
export const builtinErrorHandler: ErrorHandler = copas.geterrorhandler();

const common: Array<[RegExp, string]> = [
  [/thread: (0x[0-9a-f]+|#\d+)/g, 'thread: <id>'],
  [/(^|\s)[^\s:]*\.lua:\d+: /g, '$1'],
  [/-?\d+\.\d+(e[-+]?\d+)?/g, '<float>'],
];

/** Applies the normalisation to one side's lines; tracebacks collapse to one line. */
export function normalise(lines: string[], extra: Array<[RegExp, string]> = []): string[] {
  const out: string[] = [];
  let inTrace = false;
  for (const raw of lines) {
    if (inTrace && /^\s/.test(raw)) continue;
    inTrace = false;
    let line = raw;
    for (const [re, to] of [...extra, ...common]) line = line.replace(re, to);
    const t = line.indexOf('stack traceback:');
    if (t >= 0) { line = `${line.slice(0, t)}stack traceback: <frames>`; inTrace = true; }
    out.push(line);
  }
  return out;
}

function sortBlocks(lines: string[], start: RegExp): string[] {
  const head: string[] = [];
  const blocks: string[][] = [];
  const tail: string[] = [];
  for (const line of lines) {
    if (start.test(line)) { blocks.push([line]); continue; }
    if (blocks.length === 0) head.push(line);
    else if (/^\[✓\]|^exit: /.test(line)) tail.push(line);
    else if (tail.length === 0) blocks[blocks.length - 1].push(line);
    else tail.push(line);
  }
  blocks.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  return [...head, ...blocks.flat(), ...tail];
}

/** The saved output of lua/NAME.lua, as lines (the last one is `exit: CODE`). */
export function luaOutput(name: string): string[] {
  const text = readFileSync(join(__dirname, 'lua', `${name}.out`), 'utf8');
  return text.replace(/\n$/, '').split('\n');
}

/**
 * Runs `main` (the port) with console.log captured and the built-in default error handler in place; returns
 * the printed lines and an `exit: CODE` line (1 when main threw, as lua5.3 exits on an uncaught error).
 */
export async function runPort(main: () => Promise<void>): Promise<{ lines: string[]; error: unknown }> {
  const lines: string[] = [];
  const log = console.log;
  state.exited = false;
  state.code = 0;
  copas.seterrorhandler(builtinErrorHandler, true);
  console.log = (...args: unknown[]): void => { lines.push(...args.map(String).join(' ').split('\n')); };
  let error: unknown = null;
  try {
    await main();
  } catch (e) {
    error = e;
    if (!state.exited) { state.exited = true; state.code = 1; }
  } finally {
    console.log = log;
  }
  lines.push(`exit: ${state.code}`);
  return { lines, error };
}

/** Runs the port and expects its normalised output to equal the Lua script's, differences applied. */
export async function expectParity(name: string, main: () => Promise<void>, options: ParityOptions = {}): Promise<void> {
  const { lines, error } = await runPort(main);
  let lua = normalise(luaOutput(name), options.normalise);
  for (const d of options.differences ?? []) {
    const next: string[] = [];
    let hit = false;
    for (const line of lua) {
      const matches = typeof d.lua === 'string' ? line === d.lua : d.lua.test(line);
      if (!matches) { next.push(line); continue; }
      hit = true;
      if (d.ts !== null) next.push(...(typeof d.ts === 'string' ? [d.ts] : d.ts));
    }
    if (!hit) throw new Error(`difference not found in lua/${name}.out: ${String(d.lua)} (${d.why})`);
    lua = next;
  }
  let want = lua;
  let got = normalise(lines, options.normalise);
  if (options.pairsBlocks) { want = sortBlocks(want, options.pairsBlocks); got = sortBlocks(got, options.pairsBlocks); }
  if (error !== null && got.join('\n') !== want.join('\n')) {
    // show why the port stopped, next to the diff
    got.push(`(the port threw: ${error instanceof Error ? error.stack : String(error)})`);
  }
  expect(got.join('\n')).toBe(want.join('\n'));
}

/**
 * For ports that read certificates: makes make-certs.sh's set in a temporary directory before the spec's
 * tests and points PARITY_CERTS at it, as scripts/refresh-copas-parity.sh does for the Lua side.
 */
export function useParityCerts(): void {
  let certs = '';
  beforeAll(() => {
    certs = mkdtempSync(join(tmpdir(), 'parity-certs-'));
    execFileSync('bash', [join(__dirname, 'make-certs.sh'), certs]);
    process.env.PARITY_CERTS = certs;
  });
  afterAll(() => {
    delete process.env.PARITY_CERTS;
    rmSync(certs, { recursive: true, force: true });
  });
}
