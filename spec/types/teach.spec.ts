/**
 * The compiler teaches: teach.types.ts compiles as it is (every @ts-expect-error line does fail), and with the
 * directives removed each of those lines fails with an error whose text says what to write.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const file = path.join(__dirname, 'teach.types.ts');
const bareFile = path.join(__dirname, 'teach.bare.ts'); // in memory only: the same text without the directives
const options: ts.CompilerOptions = { strict: true, noEmit: true, target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.CommonJS, types: ['node'], skipLibCheck: true };

const text = fs.readFileSync(file, 'utf8');
const lines = text.split('\n');
const marked = lines.flatMap((l, i) => (l.trimStart().startsWith('// @ts-expect-error') ? [{ line: i + 2, why: l }] : []));
const bare = lines.map((l) => l.replace(/\/\/ @ts-expect-error.*/, '')).join('\n');

/** Both files in one program (one binding of the libraries): each file's errors as [line (1-based), text]. */
function diagnose(): Map<string, Array<[number, string]>> {
  const host = ts.createCompilerHost(options);
  const read = host.getSourceFile.bind(host);
  host.getSourceFile = (name, lang, ...rest) => (path.resolve(name) === bareFile ? ts.createSourceFile(name, bare, lang) : read(name, lang, ...rest));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => path.resolve(name) === bareFile || fileExists(name);
  const program = ts.createProgram([file, bareFile], options, host);
  const out = new Map<string, Array<[number, string]>>();
  for (const f of [file, bareFile]) {
    out.set(f, ts.getPreEmitDiagnostics(program, program.getSourceFile(f)).map((d) => [
      (d.file as ts.SourceFile).getLineAndCharacterOfPosition(d.start ?? 0).line + 1,
      ts.flattenDiagnosticMessageText(d.messageText, '\n'),
    ]));
  }
  return out;
}

describe('types that teach', () => {
  let errors: Map<string, Array<[number, string]>>;
  beforeAll(() => { errors = diagnose(); }, 60_000);

  it('compiles as written: every mistake marked @ts-expect-error is an error', () => {
    expect(marked.length).toBe(4);
    expect(errors.get(file)).toEqual([]);
  });

  it('without the directives, each marked line fails, and a misplaced yield says what to write', () => {
    const found = errors.get(bareFile) as Array<[number, string]>;
    expect(found.map(([line]) => line).sort((a, b) => a - b)).toEqual(marked.map((e) => e.line));
    for (const e of marked.filter((x) => x.why.includes('yield'))) {
      const [, message] = found.find(([line]) => line === e.line) as [number, string];
      expect(message).toMatch(/Property ''write yield\* op \(with the star\), or yield\* copas\.await\(promise\) for a Promise'' is missing in type '(Operation<number>|Promise<number>)'/);
    }
  });
});
