// @vitest-environment happy-dom
/**
 * One manifest contract: the tags' guard (src/manifest/guard.ts) is a first, structural stage of
 * the validator (src/manifest/validate.ts, what `tailor validate`, `tailor build` and the
 * tags' validator chunk run), not a second set of rules. Whatever the guard refuses or drops,
 * the validator refuses or drops too, at the same place; so a manifest that `tailor build`
 * publishes never loses anything to the guard, and the validator chunk's report (check.ts) can
 * leave out what the guard said without losing a problem. Checked on random breakages of
 * generated manifests.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { validateManifest as guard } from '../../../src/manifest/guard';
import { validateManifest } from '../../../src/manifest/validate';
import { generateManifest } from '../../fixtures/generate-manifest.mjs';

type Json = Record<string, unknown>;

/** Values that break a part, whatever it expects. */
const junk = fc.constantFrom<unknown>(5, null, 'x', [], [1], {}, true, { id: 1 });

/** One breakage: where, and what goes there. */
const breakage = fc.oneof(
  fc.record({ kind: fc.constant('experience'), value: junk }),
  fc.record({
    kind: fc.constant('id'),
    value: fc.constantFrom<unknown>(undefined, 5, '', 'Bad Id', 'dup', 'a b', 'ok-id', 'exp-0'),
  }),
  fc.record({ kind: fc.constant('variants'), value: junk }),
  fc.record({ kind: fc.constant('variant'), value: junk }),
  fc.record({ kind: fc.constant('variant-id'), value: fc.constantFrom<unknown>(undefined, 5, null, '') }),
  fc.record({ kind: fc.constant('actions'), value: junk }),
  fc.record({ kind: fc.constant('action'), value: junk }),
  fc.record({ kind: fc.constant('selector'), value: fc.constantFrom<unknown>(5, null, '##', 'a[', '[x') }),
  fc.record({
    kind: fc.constantFrom('segments', 'goals', 'scores', 'remote', 'categories', 'experiences'),
    value: junk,
  }),
  fc.record({ kind: fc.constantFrom('version', 'site'), value: fc.constantFrom<unknown>(2, '', null, 5) }),
);

function breakManifest(m: Json, b: { kind: string; value: unknown }, i: number): void {
  const value = structuredClone(b.value);
  if (
    !['experience', 'id', 'variants', 'variant', 'variant-id', 'actions', 'action', 'selector'].includes(
      b.kind,
    )
  ) {
    m[b.kind] = value;
    return;
  }
  // Parts an earlier breakage removed cannot break again.
  const exps = m.experiences as Json[];
  if (!Array.isArray(exps) || !exps.length) return;
  const k = i % exps.length;
  if (b.kind === 'experience') {
    exps[k] = value as Json;
    return;
  }
  const e = exps[k];
  if (!e || typeof e !== 'object' || Array.isArray(e)) return;
  if (b.kind === 'id') e.id = value === 'dup' ? exps[(k + 1) % exps.length]?.id : value;
  else if (b.kind === 'variants') e.variants = value;
  else {
    const variants = e.variants as Json[];
    if (!Array.isArray(variants) || !variants.length) return;
    const j = i % variants.length;
    if (b.kind === 'variant') variants[j] = value as Json;
    else {
      const v = variants[j];
      if (!v || typeof v !== 'object' || Array.isArray(v)) return;
      if (b.kind === 'variant-id') v.id = value;
      else if (b.kind === 'actions') v.actions = value;
      else if (b.kind === 'action') v.actions = [value];
      else v.actions = [{ type: 'text', selector: value, value: 'x' }];
    }
  }
}

/** The experience index a problem path is about (`experiences[3].variants[0]` → 3), or null. */
const experienceOf = (path: string) => {
  const m = /^experiences\[(\d+)\]/.exec(path);
  return m ? Number(m[1]) : null;
};

describe('the guard is the first stage of the validator', () => {
  it('what the guard refuses or drops, the validator refuses or drops at the same place', () => {
    const seen = { refused: 0, dropped: 0, ignored: 0 };
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 2 ** 31 }),
        fc.array(fc.tuple(breakage, fc.nat()), { minLength: 1, maxLength: 3 }),
        (seed, breakages) => {
          const m = generateManifest(3, 2, seed) as Json;
          for (const [b, i] of breakages) breakManifest(m, b, i);
          const g = guard(structuredClone(m));
          const v = validateManifest(structuredClone(m));
          const why = JSON.stringify({ m, guard: g.problems, validator: v.problems });
          if (!g.manifest) {
            seen.refused++;
            // Refused whole by the guard: the validator refuses it whole too.
            expect(v.manifest, why).toBeNull();
            return;
          }
          if (!v.manifest) return; // the validator is stricter about the whole; nothing runs either way
          const errors = v.problems.filter((p) => p.severity === 'error');
          const keptIds = new Set((v.manifest.experiences || []).map((e) => e.id));
          for (const p of g.problems) {
            const i = experienceOf(p.path);
            if (i !== null) {
              seen.dropped++;
              // Dropped by the guard: the validator reports an error in that experience and drops it.
              expect(
                errors.some((x) => experienceOf(x.path) === i),
                why,
              ).toBe(true);
              const id = ((m.experiences as Json[])[i] as Json | undefined)?.id;
              if (
                typeof id === 'string' &&
                (m.experiences as Json[]).filter((e) => e?.id === id).length === 1
              )
                expect(keptIds.has(id), why).toBe(false);
            } else {
              seen.ignored++;
              // A block ignored by the guard: the validator reports an error on it.
              expect(
                errors.some((x) => x.path === p.path || x.path.startsWith(`${p.path}.`)),
                why,
              ).toBe(true);
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
    // Every kind of guard outcome was met, many times over.
    for (const n of Object.values(seen)) expect(n).toBeGreaterThan(50);
  });
});
