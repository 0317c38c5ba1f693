/**
 * Draws each lesson's timeline from what the program itself records: copas.debug reports every task the
 * scheduler resumes, and every line the lesson prints is put in the lane of the task that printed it.
 * Time runs downwards; one column per task; a box per turn (resume to the next resume), with the lines printed
 * in that turn; a dashed line while a task waits between turns.
 *
 * Run: npx ts-node examples/teaching/timeline.ts [lesson ...] [--out dir]   (default: every lesson, docs/teaching)
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { copas } from '../../src';

/** The lessons, in the order of docs/teaching.md. */
export const lessons = ['ping-pong', 'producer-consumer', 'philosophers', 'rate-limiter', 'timeouts', 'chat'];

/** One recorded event: the scheduler resumed `task`, or `task` (null: outside any task) printed `text`. */
export type TimelineEvent =
  | { kind: 'resume'; t: number; task: string }
  | { kind: 'say'; t: number; task: string | null; text: string };

const OUTSIDE = '(outside tasks)';

/** Runs one lesson in this process and returns what it recorded. Prints nothing. */
async function record(lesson: string): Promise<TimelineEvent[]> {
  const events: TimelineEvent[] = [];
  const t0 = copas.gettime();
  // As Copas, copas.debug logs a task's creation as a first resume that pauses at once; the turns start at
  // the resumes after it (or at a server handler's first one, "resuming 'h' for socket 's'").
  const created = new Set<string>();
  copas.debug.start((...parts) => {
    if (parts[0] !== "resuming '") return;
    const task = String(parts[1]);
    if (parts.length === 3 && !created.has(task)) { created.add(task); return; }
    events.push({ kind: 'resume', t: copas.gettime() - t0, task });
  });
  console.log = (...args: unknown[]) => {
    const task = copas.current();
    events.push({ kind: 'say', t: copas.gettime() - t0, task: task === null ? null : copas.getthreadname(task), text: args.join(' ') });
  };
  const mod = (await import(`./${lesson}`)) as { main(): Promise<void> };
  await mod.main();
  copas.debug.stop();
  return events;
}

/** Runs a lesson in a child process (a fresh scheduler each) and returns its events. */
export function recordInChild(lesson: string): TimelineEvent[] {
  if (!lessons.includes(lesson)) throw new Error(`timeline: unknown lesson '${lesson}' (one of: ${lessons.join(', ')})`);
  const r = spawnSync(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, '--record', lesson],
    { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`timeline: ${lesson} failed (${r.status ?? r.signal}): ${r.stderr}`);
  return JSON.parse(r.stdout) as TimelineEvent[];
}

interface Turn { task: string; t: number; lines: string[] }

/** Groups events into turns: each resume starts one; lines printed outside any task make turns of their own. */
function turns(events: TimelineEvent[]): Turn[] {
  const out: Turn[] = [];
  let open: Turn | null = null;
  for (const e of events) {
    if (e.kind === 'resume') {
      open = { task: e.task, t: e.t, lines: [] };
      out.push(open);
    } else if (e.task !== null && open !== null && open.task === e.task) {
      open.lines.push(e.text);
    } else {
      open = { task: e.task ?? OUTSIDE, t: e.t, lines: [e.text] };
      out.push(open);
    }
  }
  return out;
}

const escapeXml = (s: string): string => s.replace(/[<>&"]/g, (c) => `&${{ '<': 'lt', '>': 'gt', '&': 'amp', '"': 'quot' }[c]};`);
const PALETTE = ['#4e79a7', '#f28e2b', '#59a14f', '#e15759', '#76b7b2', '#edc948', '#b07aa1', '#ff9da7', '#9c755f'];

/** The SVG of a lesson's events. */
export function renderSvg(title: string, events: TimelineEvent[]): string {
  const start = events.length > 0 ? events[0].t : 0;
  const ts = turns(events.map((e) => ({ ...e, t: e.t - start })));
  const lanes: string[] = [];
  for (const t of ts) if (!lanes.includes(t.task)) lanes.push(t.task);
  const laneW = 240, left = 70, top = 56, lineH = 15, emptyH = 6, gap = 3;
  const width = left + lanes.length * laneW + 10;
  const parts: string[] = [];
  let y = top;
  const lastY = new Map<string, number>(); // where each lane's previous turn ended
  let lastLabel = '';
  for (const turn of ts) {
    const lane = lanes.indexOf(turn.task);
    const x = left + lane * laneW + 6;
    const h = turn.lines.length === 0 ? emptyH : turn.lines.length * lineH + 4;
    const prev = lastY.get(turn.task);
    if (prev !== undefined && y > prev + 1) {
      parts.push(`<line x1="${x + 8}" y1="${prev}" x2="${x + 8}" y2="${y}" stroke="#999" stroke-dasharray="3,3"/>`);
    }
    const label = `${Math.round(turn.t * 100) * 10} ms`;
    if (label !== lastLabel) {
      parts.push(`<text x="${left - 8}" y="${y + 11}" text-anchor="end" font-size="11" fill="#555">${label}</text>`);
      parts.push(`<line x1="${left}" y1="${y}" x2="${width - 10}" y2="${y}" stroke="#eee"/>`);
      lastLabel = label;
    }
    const color = PALETTE[lane % PALETTE.length];
    parts.push(`<rect x="${x}" y="${y}" width="${laneW - 12}" height="${h}" rx="3" fill="${color}" fill-opacity="0.25" stroke="${color}"/>`);
    turn.lines.forEach((line, i) => {
      const text = line.length > 38 ? `${line.slice(0, 37)}…` : line;
      parts.push(`<text x="${x + 4}" y="${y + 13 + i * lineH}" font-size="11">${escapeXml(text)}</text>`);
    });
    y += h + gap;
    lastY.set(turn.task, y - gap);
  }
  const height = y + 10;
  const head = lanes.map((name, i) => {
    const color = PALETTE[i % PALETTE.length];
    return `<text x="${left + i * laneW + laneW / 2}" y="${top - 10}" text-anchor="middle" font-size="12" font-weight="bold" fill="${color}">${escapeXml(name)}</text>`;
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="10" y="20" font-size="14" font-weight="bold">${escapeXml(title)}</text>`,
    `<text x="10" y="${top - 10}" font-size="11" fill="#555">time</text>`,
    ...head,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}

async function cli(argv: string[]): Promise<void> {
  if (argv[0] === '--record') {
    const events = await record(argv[1]);
    process.stdout.write(JSON.stringify(events));
    return;
  }
  let outDir = path.join(__dirname, '..', '..', 'docs', 'teaching');
  const chosen: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--out') outDir = argv[++i];
    else chosen.push(argv[i]);
  }
  fs.mkdirSync(outDir, { recursive: true });
  for (const lesson of chosen.length > 0 ? chosen : lessons) {
    const file = path.join(outDir, `${lesson}.svg`);
    fs.writeFileSync(file, renderSvg(`${lesson}: one column per task, time runs down`, recordInChild(lesson)));
    process.stdout.write(`${file}\n`);
  }
}

if (require.main === module) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  });
}
