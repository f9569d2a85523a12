import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { AUDIENCE, assignVariants, byPriority, PAGES, SCHEDULE, STATUS } from '../../src/assign/assign';
import { inSchedule, pathMatches } from '../../src/assign/eligibility';
import { createEngine } from '../../src/engine';
import { publishManifest } from '../../src/manifest/publish';
import type { Context, Experience, Manifest } from '../../src/manifest/types';
import type { Predicate } from '../../src/rules/condition';
import { compileCondition } from '../../src/rules/condition';
import { getPath } from '../../src/rules/path';
import { checkCondition, holds } from '../../src/rules/read';
import { generateManifest } from '../fixtures/generate-manifest.mjs';

// The decision engine reads conditions from their JSON (src/rules/read.ts) instead of compiling
// them, and prepares per-instance work once (src/engine.ts). Neither may change a decision nor a
// report: both are compared here with compileCondition and with the decision code as it was
// before (kept below), on random conditions, manifests and contexts.

/**
 * A condition as the engine and the segments run it (src/engine.ts, src/rules/segments.ts):
 * checked once unless trusted (published), false when it has a problem, else read from its JSON.
 */
const readCondition = (c: unknown, onError?: (m: string) => void, trusted?: boolean): Predicate =>
  trusted || checkCondition(c, onError) ? (x, s) => holds(c, x, s) : () => false;

const PATHS = ['a', 'a.b', 'n', 'tags', 'v', 's', 'missing', 'a.b.c', 'o'];
const scalar = fc.oneof(
  fc.constantFrom(null, true, false, 0, -0, 1, 2.5, '', 'x', 'X', 'vip', '1.2.3', 'v2.0.0-beta', '10', 'NaN'),
  fc.integer({ min: -3, max: 12 }),
  fc.constantFrom(Number.NaN),
);
const value = fc.oneof(
  scalar,
  fc.array(scalar, { maxLength: 4 }),
  fc.dictionary(fc.constantFrom('b', 'c'), scalar),
);
const regex = fc.constantFrom('^x', 'X$', '(a+)+', '[', '^(vip|x)', '\\d', '.*', 'a*b*c*', '^1\\.2');

const { node } = fc.letrec<{ node: unknown; val: unknown; ops: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.dictionary(fc.constantFrom(...PATHS), tie('val'), { maxKeys: 3 }),
    fc.record({ $and: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ $or: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ $nor: fc.array(tie('node'), { maxLength: 3 }) }),
    fc.record({ $not: tie('node') }),
    fc.record({ $segment: fc.constantFrom('s1', 's2', 's3') }),
    // Malformed on purpose: a bad logical operand, a non-object, an unknown top-level operator.
    fc.constantFrom({ $and: 'x' }, 5, null, { $where: 1 }, { $or: [1] }, [], { a: 1, $bogus: 2 }),
  ),
  val: fc.oneof({ depthSize: 'small' }, value, tie('ops')),
  ops: fc.oneof(
    fc.record({ $eq: scalar }),
    fc.record({ $ne: scalar }),
    fc.record({ $gt: scalar, $lte: scalar }, { requiredKeys: [] }),
    fc.record({ $gte: scalar, $lt: scalar }, { requiredKeys: [] }),
    fc.record({ $in: value }),
    fc.record({ $nin: value }),
    fc.record({ $ini: value }),
    fc.record({ $nini: value }),
    fc.record({ $exists: fc.boolean() }),
    fc.record({ $type: fc.constantFrom('string', 'number', 'null', 'array', 'object', 'boolean') }),
    fc.record({ $regex: fc.oneof(regex, scalar) }),
    fc.record({ $regexi: regex }),
    fc.record({ $veq: scalar }),
    fc.record({ $vgt: scalar, $vlt: scalar }, { requiredKeys: [] }),
    fc.record({ $not: tie('val') }),
    fc.record({ $size: tie('val') }),
    fc.record({ $elemMatch: fc.oneof(tie('ops'), tie('node')) }),
    fc.record({ $all: fc.oneof(fc.array(tie('val'), { maxLength: 3 }), scalar) }),
    fc.record({ $alli: fc.oneof(fc.array(scalar, { maxLength: 3 }), scalar) }),
    fc.constantFrom({ $foo: 1 }, { $v: 1 }, { $vin: [1] }, { $eq: 1, $bar: 2 }),
  ),
}));

const context = fc.record(
  {
    a: fc.oneof(value, fc.record({ b: fc.oneof(value, fc.record({ c: value })) })),
    n: fc.oneof(scalar, fc.integer({ min: -3, max: 12 })),
    tags: fc.oneof(fc.array(fc.oneof(scalar, fc.record({ b: scalar })), { maxLength: 4 }), scalar),
    v: fc.constantFrom('1.2.3', 'v2.0.0-beta', '1.10', '0.9.9', 3, null),
    s: fc.constantFrom('x', 'vip', 'X', 'xylophone', '123', ''),
    o: value,
  },
  { requiredKeys: [] },
);
const segments = fc.oneof(
  fc.constant(undefined),
  fc.subarray(['s1', 's2', 's3']),
  fc.subarray(['s1', 's2', 's3']).map((x) => new Set(x)),
);

describe('conditions read from their JSON equal compiled conditions', () => {
  it('same answers and the same problems reported, in the same words and order, on random conditions and contexts', () => {
    fc.assert(
      fc.property(node, fc.array(fc.tuple(context, segments), { minLength: 1, maxLength: 6 }), (c, cases) => {
        const compiledProblems: string[] = [];
        const readProblems: string[] = [];
        const compiled = compileCondition(c, (m) => compiledProblems.push(m));
        const read = readCondition(c, (m) => readProblems.push(m));
        // A published manifest's conditions are not checked again (trusted).
        const trusted = readCondition(c, undefined, true);
        expect(readProblems).toEqual(compiledProblems);
        for (const [x, s] of cases) {
          expect(read(x, s), JSON.stringify({ c, x, s })).toBe(compiled(x, s));
          if (!compiledProblems.length)
            expect(trusted(x, s), JSON.stringify({ c, x, s })).toBe(compiled(x, s));
        }
      }),
      { numRuns: 4000 },
    );
  });
});

describe('reading a condition against a large value', () => {
  it('lowercases a `$ini` list once per evaluation, not once per item of the value', () => {
    const list = Array.from({ length: 20 }, (_, i) => `Tag-${i}`);
    const value = Array.from({ length: 2000 }, (_, i) => `TAG-${i + 100}`);
    const lower = vi.spyOn(String.prototype, 'toLowerCase');
    try {
      expect(readCondition({ tags: { $ini: list } }, undefined, true)({ tags: [...value, 'tag-7'] })).toBe(
        true,
      );
      // 2,001 items and 20 list entries: linear, where lowering the list per item is 42,000 calls.
      expect(lower.mock.calls.length).toBeLessThan(2 * (value.length + list.length));
    } finally {
      lower.mockRestore();
    }
  });
});

describe('a trusted condition (published manifest) with a problem all the same', () => {
  // Only a manifest edited by hand after tailor build published it can get here. A problem the
  // evaluation reaches makes the whole condition false, as compiling it does; one it does not
  // reach (short-circuited, or under an `$elemMatch` of a value that is not an array) is not
  // seen: the tag does not check a published manifest again (docs/manifest.md).
  it.each([
    [{ $not: { a: { $bogus: 1 } } }],
    [{ $nor: [{ a: { $regex: '(a+)+' } }] }],
    [{ $not: { $and: 'x' } }],
    [{ $or: [{ $not: 5 }] }],
    [{ $not: { b: { $elemMatch: { $typo: 1 } } } }],
  ])('%j reads false as a whole: a typo under a negation shows nothing', (c) => {
    expect(compileCondition(c)({ a: 'x', b: [1] })).toBe(false);
    expect(readCondition(c, undefined, true)({ a: 'x', b: [1] })).toBe(false);
  });
});

/** No segment. */
const none = { has: () => false, all: () => [] };

/** The decision path as it was before src/engine.ts: compiled conditions, everything per decision. */
function oldDecide(
  manifest: Manifest,
  c: Context,
  preview: boolean,
  sticky: Record<string, never>,
  now: number,
) {
  const compiled = Object.entries(manifest.segments || {}).map(([n, x]) => [n, compileCondition(x)] as const);
  const inside = new Set<string>();
  for (const [n, p] of compiled) if (p(c, inside)) inside.add(n);
  const segs = [...inside];
  const audiences = new Map<string, (x: unknown, s: Set<string>) => boolean>();
  for (const e of manifest.experiences || [])
    if (e.audience) audiences.set(e.id, compileCondition(e.audience));
  const segSet = new Set(segs);
  const date = new Date(now);
  const running = (e: Experience) => (e.status === 'draft' ? preview : e.status !== 'paused');
  const out = assignVariants({
    experiences: byPriority(manifest.experiences || []),
    _holdoutPercent: manifest.holdout?.percent || 0,
    _unitOf: (e) => {
      const u = getPath(c, e.unit || 'visitor.id');
      return u === null || u === undefined || u === '' ? null : String(u);
    },
    _excluded: (e) =>
      !running(e)
        ? STATUS
        : !pathMatches(e.pages, c.page.path)
          ? PAGES
          : !inSchedule(e.schedule, date)
            ? SCHEDULE
            : !(audiences.get(e.id)?.(c, segSet) ?? true)
              ? AUDIENCE
              : 0,
    sticky,
    _forced: null,
    _consentGranted: true,
  });
  return { segs, ...out };
}

const pageContext = fc.record({
  id: fc.string({ minLength: 1, maxLength: 12 }),
  medium: fc.constantFrom('email', 'cpc', 'organic', 'social', null),
  device: fc.constantFrom('mobile', 'tablet', 'desktop'),
  country: fc.constantFrom('US', 'GB', 'DE', 'ES', 'FR', 'JP'),
  language: fc.constantFrom('es-ES', 'en-US', 'ES', 'de'),
  visits: fc.integer({ min: 0, max: 8 }),
  pageviews: fc.integer({ min: 0, max: 14 }),
  hour: fc.integer({ min: 0, max: 23 }),
  path: fc.constantFrom('/', '/shoes/a', '/bags/b', '/outdoor/x', '/kids/', '/sale/1', '/beauty/z', '/other'),
  top: fc.constantFrom('shoes', 'bags', 'outdoor', 'kids', 'sale', 'beauty', null),
  stage: fc.constantFrom('new', 'engaged', 'customer', 'loyal', 'lapsed'),
  buyIntent: fc.double({ min: 0, max: 1, noNaN: true }),
  cartValue: fc.oneof(fc.integer({ min: 0, max: 250 }), fc.constant(null)),
  major: fc.integer({ min: 90, max: 135 }),
  plan: fc.option(fc.constantFrom('pro', 'free'), { nil: undefined }),
});

describe('the engine decides as the old decision path did', () => {
  // A published manifest's audiences are compiled on first use (src/engine.ts), an unpublished
  // one's at once: both decide as the old path did.
  it.each([false, true])(
    'same segments, assignments and sticky state on random manifests and contexts (published: %s)',
    (published) => {
      fc.assert(
        fc.property(
          fc.integer({ min: 1, max: 2 ** 31 }),
          fc.integer({ min: 1, max: 60 }),
          fc.array(pageContext, { minLength: 1, maxLength: 6 }),
          fc.boolean(),
          (seed, count, pages, preview) => {
            const source = generateManifest(count, 12, seed) as Manifest;
            const manifest = published ? publishManifest(source).manifest! : source;
            // Some statuses, schedules and page exclusions too.
            manifest.experiences!.forEach((e, i) => {
              if (i % 7 === 1) e.status = 'paused';
              if (i % 7 === 2) e.status = 'draft';
              if (i % 5 === 3) e.pages = { ...e.pages, exclude: ['/sale/*'] };
              if (i % 9 === 4) e.schedule = { hours: [8, 20] };
            });
            const engine = createEngine(manifest, () => {});
            const now = Date.UTC(2026, 0, 5, 10);
            for (const p of pages) {
              const c = {
                visitor: { id: p.id, visits: p.visits, traits: p.plan ? { plan: p.plan } : {} },
                session: { pageviews: p.pageviews },
                traffic: { medium: p.medium },
                device: { type: p.device },
                browser: { major: p.major },
                geo: { country: p.country, language: p.language },
                time: { hour: p.hour },
                page: { path: p.path, query: {} },
                affinity: { top: p.top },
                journey: { stage: p.stage },
                score: { buyIntent: p.buyIntent },
                data: { cartValue: p.cartValue },
              } as unknown as Context;
              const before = oldDecide(manifest, c, preview, {}, now);
              // Several decisions on one engine: what it prepares once must not change the next.
              for (let i = 0; i < 3; i++) {
                // Segments are evaluated as the audiences read them, the rest when listed: the
                // list is the one evaluating all of them in declaration order gave.
                const segs = engine._segments(c);
                const after = engine._assign(c, segs, {
                  _preview: preview,
                  _sticky: {},
                  _forced: null,
                  _consentGranted: true,
                  _now: now,
                });
                expect(after.assignments).toEqual(before.assignments);
                expect(after.sticky).toEqual(before.sticky);
                // The reasons the one pass records for the experiences left out.
                expect(after._why).toEqual(before._why);
                expect(segs.all()).toEqual(before.segs);
              }
            }
          },
        ),
        { numRuns: 300 },
      );
    },
  );

  it('reports an unpublished audience’s problem at once; compiles a published audience only when its experience is live on the page', () => {
    const problems: string[] = [];
    const broken = {
      version: 1,
      site: 's',
      experiences: [{ id: 'e', audience: { n: { $foo: 1 } }, variants: [{ id: 'a' }] }],
    };
    createEngine(broken as Manifest, (m, where) => problems.push(`${where}: ${m}`));
    expect(problems).toEqual(['experience e: unknown operator "$foo" at n']);

    let reads = 0;
    const audience = new Proxy({ 'visitor.visits': 1 }, { ownKeys: (t) => (reads++, Reflect.ownKeys(t)) });
    const manifest = publishManifest({
      version: 1,
      site: 's',
      experiences: [
        {
          id: 'e',
          audience: { 'visitor.visits': 1 },
          pages: { include: ['/shoes/*'] },
          variants: [{ id: 'a' }],
        },
      ],
    }).manifest!;
    manifest.experiences![0]!.audience = audience;
    const engine = createEngine(manifest, () => {});
    const decide = (path: string) =>
      engine._assign({ page: { path }, visitor: { id: 'v', visits: 1 } } as unknown as Context, none, {
        _preview: false,
        _sticky: {},
        _forced: null,
        _consentGranted: true,
        _now: 0,
      }).assignments.length;
    expect(reads).toBe(0);
    expect(decide('/')).toBe(0);
    expect(reads).toBe(0);
    expect(decide('/shoes/a')).toBe(1);
    expect(reads).toBeGreaterThan(0);
  });

  it('takes a published manifest in its listed order (tailor build writes it in decision order) and sorts an unpublished one', () => {
    // Two experiences of one layer: the first in decision order takes the visitor.
    const source = {
      version: 1,
      site: 's',
      experiences: [
        { id: 'low', layer: 'l', variants: [{ id: 'a' }] },
        { id: 'high', layer: 'l', priority: 3, variants: [{ id: 'a' }] },
      ],
    } as Manifest;
    const taken = (m: Manifest) =>
      createEngine(m, () => {})
        ._assign({ page: { path: '/' }, visitor: { id: 'v' } } as unknown as Context, none, {
          _preview: false,
          _sticky: {},
          _forced: null,
          _consentGranted: true,
          _now: 0,
        })
        .assignments.map((a) => a.experience);
    expect(taken(source)).toEqual(['high']);
    const published = publishManifest(source).manifest!;
    expect(published.experiences!.map((e) => e.id)).toEqual(['high', 'low']);
    expect(taken(published)).toEqual(['high']);
    // A published file edited by hand must be published again: its order is not checked.
    expect(taken({ ...published, experiences: [...published.experiences!].reverse() })).toEqual(['low']);
  });
});
