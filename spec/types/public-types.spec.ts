/**
 * Every named type a user can meet through the package root (a parameter, a result, a property, a type
 * argument) can also be imported from the root, so a project that emits declarations for a value it got from
 * copas-ts can name its type (no TS2742 "cannot be named without a reference to .../dist/scheduler").
 * Read from the built declarations (npm run build, which npm test runs first), after stripInternal.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

const dist = path.resolve(__dirname, '..', '..', 'dist');

function unreachableNames(): string[] {
  const entry = path.join(dist, 'index.d.ts');
  if (!fs.existsSync(entry)) throw new Error('dist/ is missing: run npm run build (npm test does)');
  const program = ts.createProgram([entry], { strict: true, types: ['node'], skipLibCheck: true });
  const checker = program.getTypeChecker();
  const root = checker.getSymbolAtLocation(program.getSourceFile(entry) as ts.SourceFile) as ts.Symbol;
  const exported = new Set<ts.Symbol>();
  for (const s of checker.getExportsOfModule(root)) {
    exported.add(s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s);
  }
  const ours = (s: ts.Symbol): boolean => (s.declarations ?? []).some((d) => d.getSourceFile().fileName.startsWith(dist));
  const missing = new Set<string>();
  const seen = new Set<ts.Type>();
  const walked = new Set<ts.Symbol>();
  const visitSignature = (sig: ts.Signature): void => {
    for (const p of sig.getParameters()) visit(checker.getTypeOfSymbol(p));
    visit(sig.getReturnType());
  };
  const visitMembers = (t: ts.Type): void => {
    for (const p of checker.getPropertiesOfType(t)) {
      const decl = p.valueDeclaration ?? p.declarations?.[0];
      if (decl !== undefined && ts.getCombinedModifierFlags(decl as ts.Declaration) & (ts.ModifierFlags.Private | ts.ModifierFlags.Protected)) continue;
      visit(checker.getTypeOfSymbol(p));
    }
    for (const sig of t.getCallSignatures()) visitSignature(sig);
    for (const sig of t.getConstructSignatures()) visitSignature(sig);
  };
  function visit(t: ts.Type): void {
    if (seen.has(t)) return;
    seen.add(t);
    if (t.flags & ts.TypeFlags.TypeParameter) return;
    const named = t.aliasSymbol ?? t.getSymbol();
    if (named !== undefined && ours(named) && !(named.flags & (ts.SymbolFlags.TypeLiteral | ts.SymbolFlags.ObjectLiteral | ts.SymbolFlags.Method | ts.SymbolFlags.Function | ts.SymbolFlags.EnumMember))
      && !exported.has(named)) {
      missing.add(named.getName());
    }
    for (const a of t.aliasTypeArguments ?? []) visit(a);
    if (t.isUnionOrIntersection()) for (const u of t.types) visit(u);
    if (t.flags & ts.TypeFlags.Object) {
      const ref = t as ts.TypeReference;
      if ((t as ts.ObjectType).objectFlags & ts.ObjectFlags.Reference) for (const a of checker.getTypeArguments(ref)) visit(a);
      // Members of our own types (once per declaration) and of anonymous ones; Node's and the lib's are not ours.
      const sym = t.getSymbol();
      if (sym === undefined || (sym.flags & (ts.SymbolFlags.TypeLiteral | ts.SymbolFlags.ObjectLiteral | ts.SymbolFlags.Method | ts.SymbolFlags.Function) && ours(sym))) visitMembers(t);
      else if (ours(sym) && !walked.has(sym)) {
        walked.add(sym);
        visitMembers(t);
      }
    }
  }
  for (const s of exported) {
    visit(checker.getTypeOfSymbol(s));
    if (s.flags & (ts.SymbolFlags.Class | ts.SymbolFlags.Interface | ts.SymbolFlags.TypeAlias)) visit(checker.getDeclaredTypeOfSymbol(s));
  }
  return [...missing].sort();
}

describe('public types', () => {
  it('every named type reachable from the root exports is exported from the root', () => {
    expect(unreachableNames()).toEqual([]);
  });
});
