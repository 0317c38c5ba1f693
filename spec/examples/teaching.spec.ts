/**
 * The teaching kit: each lesson, run as a script in its own process, prints exactly what its Lua original
 * printed under Copas 4.11 (saved by examples/teaching/run-lua.sh as <lesson>.lua.out). The timeline script
 * draws a lesson from the events the scheduler and the program record.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { lessons, recordInChild, renderSvg } from '../../examples/teaching/timeline';

const run = promisify(execFile);
const dir = path.join(__dirname, '..', '..', 'examples', 'teaching');

describe('teaching kit', () => {
  it.each(lessons)('%s prints what its Lua original prints', async (lesson) => {
    const expected = fs.readFileSync(path.join(dir, `${lesson}.lua.out`), 'utf8');
    const { stdout, stderr } = await run(process.execPath,
      ['-r', 'ts-node/register/transpile-only', path.join(dir, `${lesson}.ts`)], { timeout: 30_000 });
    expect(stderr).toBe('');
    expect(stdout).toBe(expected);
  });

  it('every lesson has its Lua original and its saved output', () => {
    for (const lesson of lessons) {
      expect(fs.existsSync(path.join(dir, `${lesson}.lua`))).toBe(true);
      expect(fs.readFileSync(path.join(dir, `${lesson}.lua.out`), 'utf8').length).toBeGreaterThan(0);
    }
  });

  it('the timeline of ping-pong has a lane per task and the turns in the order they ran', () => {
    const events = recordInChild('ping-pong');
    const resumed = events.filter((e) => e.kind === 'resume').map((e) => e.task);
    expect(resumed).toEqual(['ping', 'pong', 'ping', 'pong', 'ping', 'pong', 'ping', 'pong']);
    const said = events.filter((e) => e.kind === 'say').map((e) => (e.kind === 'say' ? `${e.task}> ${e.text}` : ''));
    expect(said).toEqual(['ping> ping 1', 'pong> pong 1', 'ping> ping 2', 'pong> pong 2', 'ping> ping 3',
      'pong> pong 3', 'ping> ping done', 'pong> pong done', 'null> loop ended']);
    const svg = renderSvg('ping-pong', events);
    expect(svg.startsWith('<svg')).toBe(true);
    for (const lane of ['ping', 'pong', '(outside tasks)']) expect(svg).toContain(`>${lane}</text>`);
    expect(svg.match(/<rect x=/g)?.length).toBe(9); // 8 turns and the line printed after the loop
    expect(svg.indexOf('>ping 2<')).toBeGreaterThan(svg.indexOf('>pong 1<'));
  });
});
