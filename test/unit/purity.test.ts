import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

// By design, rules/ and assign/ are pure functions of their arguments. Time comes in as
// an argument; nothing there may reach the DOM, storage, the network, randomness or the clock.
const SRC = path.resolve(__dirname, '../../src');
const FORBIDDEN = new Set([
  'window',
  'document',
  'navigator',
  'location',
  'history',
  'screen',
  'self',
  'globalThis',
  'localStorage',
  'sessionStorage',
  'indexedDB',
  'fetch',
  'XMLHttpRequest',
  'performance',
  'setTimeout',
  'setInterval',
  'requestAnimationFrame',
  'queueMicrotask',
  'crypto',
  'Intl',
]);

interface Found {
  file: string;
  imports: { spec: string; typeOnly: boolean }[];
  bad: string[];
}

function scan(file: string): Found {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const found: Found = { file, imports: [], bad: [] };
  const where = (n: ts.Node) =>
    `${path.relative(SRC, file)}:${sf.getLineAndCharacterOfPosition(n.getStart()).line + 1}`;
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) || ts.isExportDeclaration(n)) {
      const spec = n.moduleSpecifier;
      if (spec && ts.isStringLiteral(spec)) {
        const typeOnly = ts.isImportDeclaration(n) ? !!n.importClause?.isTypeOnly : n.isTypeOnly;
        found.imports.push({ spec: spec.text, typeOnly });
      }
    }
    if (ts.isCallExpression(n) && n.expression.kind === ts.SyntaxKind.ImportKeyword)
      found.bad.push(`${where(n)} dynamic import`);
    if (ts.isIdentifier(n) && FORBIDDEN.has(n.text)) {
      // a property name (`x.document`) or a declared name is not a global access
      const p = n.parent;
      const isProp = ts.isPropertyAccessExpression(p) && p.name === n;
      const isKey = (ts.isPropertyAssignment(p) || ts.isPropertySignature(p)) && p.name === n;
      if (!isProp && !isKey) found.bad.push(`${where(n)} ${n.text}`);
    }
    if (ts.isPropertyAccessExpression(n) && ts.isIdentifier(n.expression)) {
      const call = `${n.expression.text}.${n.name.text}`;
      if (call === 'Date.now' || call === 'Math.random') found.bad.push(`${where(n)} ${call}`);
    }
    if (
      ts.isNewExpression(n) &&
      ts.isIdentifier(n.expression) &&
      n.expression.text === 'Date' &&
      !n.arguments?.length
    )
      found.bad.push(`${where(n)} new Date()`);
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return found;
}

function closure(entries: string[]) {
  const seen = new Map<string, Found>();
  const todo = [...entries];
  while (todo.length) {
    const f = todo.pop()!;
    if (seen.has(f)) continue;
    const found = scan(f);
    seen.set(f, found);
    for (const i of found.imports) {
      if (i.typeOnly) continue; // erased at build time
      if (!i.spec.startsWith('.')) {
        found.bad.push(`imports the package "${i.spec}"`);
        continue;
      }
      todo.push(path.resolve(path.dirname(f), `${i.spec}.ts`));
    }
  }
  return seen;
}

describe('rules/ and assign/ are pure', () => {
  const entries = ['rules', 'assign'].flatMap((d) =>
    fs
      .readdirSync(path.join(SRC, d))
      .filter((f) => f.endsWith('.ts'))
      .map((f) => path.join(SRC, d, f)),
  );
  const graph = closure(entries);

  // features.ts: the build's feature flags, constants a site tag sets so that the minifier drops
  // the code of what its manifest does not use (layers, holdouts); scanned like the rest.
  it('import, at run time, only each other, pure manifest helpers and the build flags', () => {
    const reached = [...graph.keys()].map((f) => path.relative(SRC, f)).sort();
    expect(reached.length).toBeGreaterThanOrEqual(entries.length);
    for (const f of reached) expect(f).toMatch(/^(rules|assign)\/|^manifest\/pattern\.ts$|^features\.ts$/);
  });

  it('touch no DOM, storage, network, randomness or clock (time is an argument)', () => {
    const bad = [...graph.values()].flatMap((f) => f.bad);
    expect(bad).toEqual([]);
  });

  it('the scanner does catch such uses (so the check above can fail)', () => {
    const tmp = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'purity-')), 'probe.ts');
    fs.writeFileSync(
      tmp,
      "import x from 'js-cookie';\nexport const f = () => document.title + Date.now() + new Date() + x;\n",
    );
    try {
      const bad = scan(tmp).bad.map((b) => b.replace(/^.*probe\.ts:/, ''));
      expect(bad).toEqual(['2 document', '2 Date.now', '2 new Date()']);
      expect(closure([tmp]).get(tmp)?.bad).toContain('imports the package "js-cookie"');
    } finally {
      fs.unlinkSync(tmp);
    }
  });
});
