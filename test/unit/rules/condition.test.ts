import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compileCondition, compileQuietly, deepEqual, matches } from '../../../src/rules/condition';
import { journeyStage } from '../../../src/rules/journey';
import { computeScores } from '../../../src/rules/scores';
import { compileSegments } from '../../../src/rules/segments';
import { budget } from '../../budget';
import cases from '../../fixtures/conditions.json';

interface Case {
  name: string;
  condition: unknown;
  context: unknown;
  expect: boolean;
  segments?: string[];
}
const table = cases as Case[];

const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$type',
  '$regex',
  '$ini',
  '$nini',
  '$regexi',
  '$elemMatch',
  '$size',
  '$all',
  '$alli',
  '$veq',
  '$vne',
  '$vgt',
  '$vgte',
  '$vlt',
  '$vlte',
  '$and',
  '$or',
  '$nor',
  '$not',
  '$segment',
];

describe('conditions fixture (docs/conditions.md, GrowthBook semantics)', () => {
  it('has at least 200 cases and uses every operator of docs/conditions.md', () => {
    expect(table.length).toBeGreaterThanOrEqual(200);
    const text = JSON.stringify(table.map((c) => c.condition));
    for (const op of OPERATORS) expect(text, op).toContain(`"${op}"`);
    expect(new Set(table.map((c) => c.name)).size).toBe(table.length);
  });

  it.each(table.map((c) => [c.name, c] as const))('%s', (_, c) => {
    const errors: string[] = [];
    const compiled = compileCondition(c.condition, (m) => errors.push(m));
    expect(compiled(c.context, c.segments)).toBe(c.expect);
    // the Set form of the segments and the cached `matches` agree with the compiled predicate
    expect(compiled(c.context, new Set(c.segments))).toBe(c.expect);
    expect(matches(c.condition, c.context, c.segments)).toBe(c.expect);
    if (errors.length) expect(c.expect).toBe(false);
  });
});

describe('compileCondition', () => {
  it('reports an invalid regex and an unknown operator with where they are, and returns false', () => {
    const errors: string[] = [];
    const p = compileCondition(
      { $or: [{ 'page.path': { $regex: '([' } }, { 'device.type': { $startsWith: 'mob' } }] },
      (m) => errors.push(m),
    );
    expect(p({ page: { path: '((' }, device: { type: 'mobile' } })).toBe(false);
    expect(errors).toEqual([
      'invalid regular expression "([" at $or[0].page.path',
      'unknown operator "$startsWith" at $or[1].device.type',
    ]);
  });

  it('reports a condition that is not an object', () => {
    const errors: string[] = [];
    expect(compileCondition('mobile', (m) => errors.push(m))({})).toBe(false);
    expect(errors[0]).toMatch(/must be an object/);
  });

  it('words every problem with what is wrong and where', () => {
    const errors: string[] = [];
    const p = compileCondition(
      {
        $or: [
          'mobile',
          { $and: { a: 1 } },
          { $foo: 1 },
          { 'page.path': { $bar: 1 } },
          { 'page.path': { $regex: '(' } },
          { 'page.path': { $regexi: '(a+)+$' } },
          { $nor: [{ x: { $elemMatch: { $in: [1], $baz: 2 } } }] },
        ],
      },
      (m) => errors.push(m),
    );
    expect(p({ page: { path: '/' } })).toBe(false);
    expect(errors).toEqual([
      'a condition must be an object at $or[0]',
      '$or[1].$and must be an array of conditions',
      'unknown operator "$foo" at $or[2].$foo',
      'unknown operator "$bar" at $or[3].page.path',
      'invalid regular expression "(" at $or[4].page.path',
      'unsafe regular expression "(a+)+$" at $or[5].page.path',
      'unknown operator "$baz" at $or[6].$nor[0].x',
    ]);
    const thrown: string[] = [];
    const throwing = {
      get a(): unknown {
        throw new Error('boom');
      },
    };
    expect(compileCondition(throwing, (m) => thrown.push(m))({ a: 1 })).toBe(false);
    expect(thrown).toEqual(['invalid condition: boom']);
    expect(compileQuietly(throwing)({ a: 1 })).toBe(false);
  });

  it('compiles once: evaluating does not re-parse the regex', () => {
    const original = RegExp;
    let made = 0;
    const p = compileCondition({ 'page.path': { $regex: '^/p' } });
    globalThis.RegExp = new Proxy(original, {
      construct(t, a) {
        made++;
        return Reflect.construct(t, a);
      },
    });
    try {
      for (let i = 0; i < 100; i++) p({ page: { path: `/p${i}` } });
    } finally {
      globalThis.RegExp = original;
    }
    expect(made).toBe(0);
  });

  it('never throws, even when a getter on the context throws', () => {
    const ctx = {
      get page(): unknown {
        throw new Error('boom');
      },
    };
    expect(compileCondition({ 'page.path': '/x' })(ctx)).toBe(false);
    expect(matches({ 'page.path': '/x' }, ctx)).toBe(false);
  });

  it('matches() caches by condition object and still sees new contexts', () => {
    const cond = { 'a.b': { $gt: 1 } };
    expect(matches(cond, { a: { b: 2 } })).toBe(true);
    expect(matches(cond, { a: { b: 0 } })).toBe(false);
  });
});

describe('deepEqual', () => {
  it('compares nested arrays and objects structurally', () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 3 }] })).toBe(false);
    expect(deepEqual([1, 2], { 0: 1, 1: 2 })).toBe(false);
    expect(deepEqual({ a: undefined }, { b: undefined })).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
  });
});

describe('property: random conditions against random contexts', () => {
  const key = fc.constantFrom(
    'a',
    'b',
    'a.b',
    'b.c.d',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    '0',
  );
  const scalar = fc.oneof(
    fc.string({ maxLength: 6 }),
    fc.integer(),
    fc.double(),
    fc.boolean(),
    fc.constant(null),
  );
  const json = fc.jsonValue({ maxDepth: 3 });
  const op = fc.constantFrom(...OPERATORS, '$foo', '$where', '__proto__');
  const condition = fc.letrec((tie) => ({
    cond: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      fc.dictionary(key, tie('value'), { maxKeys: 3 }),
      fc.record({ $and: fc.array(tie('cond'), { maxLength: 3 }) }),
      fc.record({ $or: fc.array(tie('cond'), { maxLength: 3 }) }),
      fc.record({ $nor: fc.array(tie('cond'), { maxLength: 2 }) }),
      fc.record({ $not: tie('cond') }),
      fc.record({ $segment: fc.oneof(fc.string({ maxLength: 3 }), json) }),
      json,
    ),
    value: fc.oneof(
      { depthSize: 'small', maxDepth: 4 },
      scalar,
      json,
      fc.dictionary(op, fc.oneof(json, tie('value'), fc.constantFrom('(', '[a-', '^x', '.*')), {
        maxKeys: 3,
      }),
      fc.record({ $elemMatch: tie('cond') }),
    ),
  })).cond;
  const context = fc.oneof(fc.dictionary(key, json, { maxKeys: 4 }), json);

  it(
    'never throws and never pollutes Object.prototype (10,000 runs)',
    () => {
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      fc.assert(
        fc.property(
          condition,
          context,
          fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
          (c, x, segs) => {
            // the predicate must answer with a boolean for JSON parsed from text too (own __proto__ keys)
            const parsed = JSON.parse(JSON.stringify(c) ?? 'null');
            for (const cond of [c, parsed]) {
              const r = compileCondition(cond)(x, segs);
              expect(typeof r).toBe('boolean');
              expect(typeof matches(cond, x, new Set(segs))).toBe('boolean');
            }
          },
        ),
        { numRuns: 10_000 },
      );
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    budget(60_000),
  );

  it(
    'compileQuietly (matches, the debug view) answers as compileCondition does, false where it reports (5,000 runs)',
    () => {
      let reported = 0;
      fc.assert(
        fc.property(
          condition,
          context,
          fc.array(fc.string({ maxLength: 3 }), { maxLength: 3 }),
          (c, x, segs) => {
            const errors: string[] = [];
            const loud = compileCondition(c, (m) => errors.push(m))(x, segs);
            expect(compileQuietly(c)(x, segs)).toBe(loud);
            expect(matches(c, x, segs)).toBe(loud);
            if (errors.length) {
              reported++;
              expect(loud).toBe(false);
            }
          },
        ),
        { numRuns: 5000 },
      );
      // Problems (unknown operators, bad regexes, non-objects) are drawn often enough to count.
      expect(reported).toBeGreaterThan(500);
    },
    budget(60_000),
  );

  it('$not of a well-formed condition is its negation', () => {
    const simple = fc.dictionary(fc.constantFrom('a', 'b'), scalar, { minKeys: 1, maxKeys: 2 });
    fc.assert(
      fc.property(simple, fc.dictionary(fc.constantFrom('a', 'b'), scalar), (c, x) => {
        expect(matches({ $not: c }, x)).toBe(!matches(c, x));
        expect(matches({ $nor: [c] }, x)).toBe(!matches(c, x));
        expect(matches({ $or: [c, { $not: c }] }, x)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});

describe('segments (docs/manifest.md)', () => {
  it('are evaluated in declaration order, $segment seeing earlier ones only', () => {
    const errors: string[] = [];
    const list = compileSegments(
      {
        mobile: { 'device.type': 'mobile' },
        'mobile-de': { $segment: 'mobile', 'geo.country': 'DE' },
        'before-later': { $segment: 'later' },
        later: {},
      },
      (m, name) => errors.push(`${name}: ${m}`),
    );
    expect(list({ device: { type: 'mobile' }, geo: { country: 'DE' } }).all()).toEqual([
      'mobile',
      'mobile-de',
      'later',
    ]);
    expect(list({ device: { type: 'desktop' }, geo: { country: 'DE' } }).all()).toEqual(['later']);
    expect(errors).toEqual([]);
  });

  it('are evaluated when first read, each once per context, with the same answers in any order of reading', () => {
    const reads: string[] = [];
    // A context that records which paths the segments read.
    const context = new Proxy(
      { a: 1, b: 2 },
      { get: (t, k) => (typeof k === 'string' && reads.push(k), Reflect.get(t, k)) },
    );
    const list = compileSegments(
      {
        first: { a: 1 },
        second: { $segment: 'first', b: 2 },
        // Reads a later segment and itself: both false, whichever is read first.
        early: { $or: [{ $segment: 'late' }, { $segment: 'early' }] },
        late: { b: 2 },
      },
      () => {},
    );
    const s = list(context);
    expect(reads).toEqual([]);
    expect(s.has('second')).toBe(true);
    expect(reads.filter((k) => k === 'a' || k === 'b')).toEqual(['a', 'b']);
    expect(s.has('late')).toBe(true);
    expect(s.has('early')).toBe(false);
    expect(s.has('unknown')).toBe(false);
    const before = reads.length;
    expect(s.all()).toEqual(['first', 'second', 'late']);
    // Nothing evaluated twice.
    expect(reads.length).toBe(before);
    expect(list(context).all()).toEqual(['first', 'second', 'late']);
  });

  it('a broken segment is nobody, reported with its name, and the others still work', () => {
    const errors: string[] = [];
    const list = compileSegments({ bad: { 'page.path': { $regex: '(' } }, all: {} }, (m, name) =>
      errors.push(`${name}: ${m}`),
    );
    expect(list({ page: { path: '(' } }).all()).toEqual(['all']);
    expect(errors).toEqual(['bad: invalid regular expression "(" at page.path']);
  });
});

describe('scores (docs/manifest.md)', () => {
  it('are logistic over numeric values; booleans count 1/0; strings, null and missing count 0', () => {
    const s = computeScores(
      {
        buyIntent: {
          bias: -3,
          weights: { 'session.pageviews': 0.4, 'visitor.visits': 0.3, 'affinity.top': 5 },
        },
        flag: { bias: 0, weights: { 'visitor.isNew': 2, 'visitor.nope': 9, 'visitor.userId': 9 } },
      },
      {
        session: { pageviews: 5 },
        visitor: { visits: 2, isNew: true, userId: null },
        affinity: { top: 'shoes' },
      },
    );
    expect(s.buyIntent).toBeCloseTo(1 / (1 + Math.exp(-(-3 + 0.4 * 5 + 0.3 * 2))), 12);
    expect(s.flag).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });

  it('stay within 0..1 and ignore non-finite inputs', () => {
    const s = computeScores(
      { a: { bias: 1000, weights: {} }, b: { bias: -1000, weights: {} }, c: { bias: 0, weights: { x: 1 } } },
      { x: Number.POSITIVE_INFINITY },
    );
    expect(s).toEqual({ a: 1, b: 0, c: 0.5 });
  });
});

describe('journey stage (docs/manifest.md)', () => {
  const v = (over: Partial<Parameters<typeof journeyStage>[1]> = {}) => ({
    pageviews: 1,
    visits: 1,
    conversions: {},
    traits: {},
    daysSinceLastVisit: 0,
    ...over,
  });
  it.each([
    ['new', v(), 'new'],
    ['engaged by page views', v({ pageviews: 3 }), 'engaged'],
    ['engaged by a second visit', v({ visits: 2 }), 'engaged'],
    ['customer after one purchase', v({ conversions: { purchase: 1 } }), 'customer'],
    ['loyal after three purchases', v({ conversions: { purchase: 3 } }), 'loyal'],
    ['loyal by a loyalty tier', v({ traits: { loyaltyTier: 'gold' } }), 'loyal'],
    [
      'lapsed: purchased, last visit 61 days ago',
      v({ conversions: { purchase: 5 }, daysSinceLastVisit: 61 }),
      'lapsed',
    ],
    [
      'not lapsed at exactly 60 days',
      v({ conversions: { purchase: 1 }, daysSinceLastVisit: 60 }),
      'customer',
    ],
    ['never lapsed without a purchase', v({ pageviews: 9, daysSinceLastVisit: 400 }), 'engaged'],
  ])('%s', (_, input, stage) => {
    expect(journeyStage(undefined, input)).toBe(stage);
  });

  it('uses the configured thresholds and purchase goal', () => {
    const config = { engagedPageviews: 10, loyalPurchases: 2, lapsedDays: 7, purchaseGoal: 'order' };
    expect(journeyStage(config, v({ pageviews: 9 }))).toBe('new');
    expect(journeyStage(config, v({ conversions: { order: 2 } }))).toBe('loyal');
    expect(journeyStage(config, v({ conversions: { purchase: 5 } }))).toBe('new');
    expect(journeyStage(config, v({ conversions: { order: 1 }, daysSinceLastVisit: 8 }))).toBe('lapsed');
  });
});
