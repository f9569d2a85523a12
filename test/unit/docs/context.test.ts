// @vitest-environment happy-dom
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterEach, describe, expect, it } from 'vitest';
import type { Tailor } from '../../../src/manifest/types';
import { createTailor } from '../../../src/runtime';

// Every context path the code defines appears in docs/context.md, and the page lists no path
// the code does not define. The paths come from the `Context` type (src/manifest/types.ts, the
// type every signal is built to) and from a context the runtime actually builds.

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const doc = readFileSync(path.join(root, 'docs/context.md'), 'utf8');

/** The code spans of the page that look like context paths, e.g. `traffic.first.medium`, `data.<key>`. */
const documented = new Set([...doc.matchAll(/`([a-z]+(?:\.(?:[A-Za-z]+|<[a-z]+>))+)`/g)].map((m) => m[1]!));

/**
 * The paths of the `Context` type: leaves as `a.b`, and an index signature as `a.<…>` (the
 * placeholder's name is free: `visitor.conversions.<goal>`).
 */
function typePaths(): string[] {
  const file = path.join(root, 'src/manifest/types.ts');
  const program = ts.createProgram([file], { strict: true, noEmit: true });
  const checker = program.getTypeChecker();
  const source = program.getSourceFile(file)!;
  const context = source.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'Context',
  )!;
  const out: string[] = [];
  const walk = (type: ts.Type, prefix: string, depth: number) => {
    const props = checker.getPropertiesOfType(type);
    const indexed = checker.getIndexInfosOfType(type).length > 0;
    const isObject =
      depth === 0 ||
      (!!(type.flags & ts.TypeFlags.Object || type.flags & ts.TypeFlags.Intersection) &&
        !checker.isArrayType(type) &&
        (props.length > 0 || indexed));
    if (!isObject) {
      out.push(prefix);
      return;
    }
    if (indexed) out.push(`${prefix}.<…>`);
    for (const p of props) {
      const t = checker.getTypeOfSymbolAtLocation(p, context);
      walk(checker.getNonNullableType(t), prefix ? `${prefix}.${p.name}` : p.name, depth + 1);
    }
  };
  walk(checker.getTypeAtLocation(context), '', 0);
  return out;
}

/** Whether the page documents `p` (a placeholder `<…>` matches any `<name>`). */
const inDoc = (p: string) =>
  p.endsWith('.<…>') ? [...documented].some((d) => d.startsWith(`${p.slice(0, -3)}<`)) : documented.has(p);

const tailors: Tailor[] = [];
afterEach(() => {
  while (tailors.length) tailors.pop()!.destroy();
});

describe('docs/context.md', () => {
  const paths = typePaths();

  it('reads the Context type', () => {
    expect(paths).toContain('traffic.first.medium');
    expect(paths).toContain('visitor.conversions.<…>');
    expect(paths).toContain('affinity.top');
    expect(paths.length).toBeGreaterThan(50);
  });

  it('documents every path of the Context type', () => {
    expect(paths.filter((p) => !inDoc(p))).toEqual([]);
  });

  it('documents every path of a context the runtime builds', async () => {
    history.replaceState(null, '', '/shoes/a?utm_source=news&utm_medium=email');
    const t = createTailor({
      manifest: {
        version: 1,
        site: 's',
        goals: { purchase: { type: 'event' } },
        categories: { shoes: '/shoes/*' },
        dataLayer: ['tier'],
        scores: { intent: { bias: 0, weights: { 'visitor.visits': 1 } } },
      },
      storage: 'memory',
    });
    tailors.push(t);
    await t.start();
    const built: string[] = [];
    const walk = (v: unknown, prefix: string) => {
      if (v && typeof v === 'object' && !Array.isArray(v))
        for (const [k, x] of Object.entries(v)) walk(x, prefix ? `${prefix}.${k}` : k);
      else built.push(prefix);
    };
    walk(t.context(), '');
    // Keys named by the manifest or the URL stand for the documented placeholders.
    const named: Record<string, string> = {
      'visitor.conversions.purchase': 'visitor.conversions.<…>',
      'page.query.utm_source': 'page.query.<…>',
      'page.query.utm_medium': 'page.query.<…>',
      'affinity.shoes': 'affinity.<…>',
      'score.intent': 'score.<…>',
      'data.tier': 'data.<…>',
    };
    expect(built).toContain('traffic.medium');
    expect(built.map((p) => named[p] ?? p).filter((p) => !inDoc(p))).toEqual([]);
  });

  it('lists no path the Context type lacks', () => {
    const known = new Set(paths);
    const prefixes = paths.filter((p) => p.endsWith('.<…>')).map((p) => p.slice(0, -3));
    const roots = new Set(paths.map((p) => p.split('.')[0]));
    const extra = [...documented].filter(
      (d) =>
        roots.has(d.split('.')[0]) &&
        !known.has(d) &&
        !prefixes.some((p) => d.startsWith(p)) &&
        // remote.<name>.<field> reads into a source's JSON answer.
        !d.startsWith('remote.'),
    );
    expect(extra).toEqual([]);
  });
});
