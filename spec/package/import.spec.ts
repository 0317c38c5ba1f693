/**
 * The built package (npm run build, which `npm test` runs first) imported by name from an ES module and
 * from a CommonJS consumer: both get the same working `copas`, `socket` and `websocket`.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(__dirname, '..', '..');

const program = (load: string): string => `${load}
const order = [];
copas.addthread(function* () { order.push('a1'); yield* copas.pause(0); order.push('a2'); });
copas.addthread(function* () { order.push('b1'); });
copas.loop().then(() => {
  console.log(JSON.stringify({ order, text: websocket.TEXT, bind: typeof socket.bind }));
});
`;

describe('package entry points', () => {
  let dir: string;
  beforeAll(() => {
    if (!fs.existsSync(path.join(root, 'dist', 'index.js'))) throw new Error('dist/ is missing: run npm run build (npm test does)');
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'copas-ts-consumer-'));
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.symlinkSync(root, path.join(dir, 'node_modules', 'copas-ts'), 'dir');
  });
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const expected = { order: ['a1', 'b1', 'a2'], text: 1, bind: 'function' };

  it('works from an ES module (import { copas } from "copas-ts")', () => {
    fs.writeFileSync(path.join(dir, 'esm.mjs'), program("import { copas, socket, websocket } from 'copas-ts';"));
    const out = execFileSync(process.execPath, [path.join(dir, 'esm.mjs')], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('works from CommonJS (require("copas-ts"))', () => {
    fs.writeFileSync(path.join(dir, 'cjs.cjs'), program("const { copas, socket, websocket } = require('copas-ts');"));
    const out = execFileSync(process.execPath, [path.join(dir, 'cjs.cjs')], { cwd: dir, encoding: 'utf8' });
    expect(JSON.parse(out)).toEqual(expected);
  });

  it('ships type declarations', () => {
    expect(fs.existsSync(path.join(root, 'dist', 'index.d.ts'))).toBe(true);
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    expect(pkg.exports['.'].types).toBe('./dist/index.d.ts');
  });
});
