/**
 * Manifest regexes and globs against values a visitor controls (URL, referrer, UTM, traits):
 * a backtracking engine can spend seconds or hours on a crafted value, so nested repetitions
 * and more than two unbounded ones are refused (by the tags and by the validator), values are
 * cut before a regex sees them, and globs are matched without regexes.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathMatches } from '../../../src/assign/eligibility';
import { compilePathPattern, compileRegex, regexLimit, regexRisk } from '../../../src/manifest/pattern';
import { validateManifest } from '../../../src/manifest/validate';
import { compileCondition } from '../../../src/rules/condition';

/** The red team's regexes, and other shapes of the same exponential kind. */
const NESTED = [
  '(a+)+$',
  '^([a-z0-9]+-?)+$',
  '(a*)*',
  '(a|aa)+',
  '(?:\\w+\\s?)*$',
  '(x+x+)+y',
  '(a+){20}',
  '((a)+)+',
  // An optional group inside a repeated one: found by the timing property test below, which
  // then ran for minutes (the tags' first check let it through).
  '(.(?:ab)?){2,}(x{1,3})?\\d',
];
/** Polynomial: each unbounded repetition multiplies the worst case by the value's length. */
const TOO_MANY = ['a*a*a*b', '.*x.*y.*z', '\\d+\\w+\\d+z', '^(a)+b+c*'];
/** What marketers write: accepted. */
const FINE = [
  '^/products/',
  'google|bing',
  '^/p/\\d+$',
  '^spring-sale-\\d{1,3}$',
  '(www\\.)?example\\.com',
  '^/(en|fr)/.*',
  '^/products/.*/reviews/.*$',
  '.*checkout.*',
  'utm_source=(fb|facebook)',
  '[?&]gclid=',
];

describe('regexes: refused when nested or with too many unbounded repetitions', () => {
  it.each([...NESTED, ...TOO_MANY])('the tags refuse %s: the condition is false and reported', (re) => {
    const errors: string[] = [];
    const p = compileCondition({ 'page.url': { $regex: re } }, (m) => errors.push(m));
    expect(errors).toEqual([`unsafe regular expression ${JSON.stringify(re)} at page.url`]);
    expect(p({ page: { url: 'aaaa' } })).toBe(false);
    expect(regexLimit(re) === 0 || regexRisk(re) > 2).toBe(true);
  });

  it.each(FINE)('accepts %s', (re) => {
    const errors: string[] = [];
    compileCondition({ 'page.url': { $regexi: re } }, (m) => errors.push(m));
    expect(errors).toEqual([]);
    expect(regexLimit(re)).toBeGreaterThan(0);
    expect(regexRisk(re)).toBeLessThan(3);
  });

  it('still reports an invalid regex as invalid', () => {
    const errors: string[] = [];
    compileCondition({ 'page.path': { $regex: '(' } }, (m) => errors.push(m));
    expect(errors).toEqual(['invalid regular expression "(" at page.path']);
  });

  it('cuts values to 2,048 characters, 128 with two unbounded repetitions', () => {
    const long = `${'a'.repeat(2047)}b${'c'.repeat(500)}`;
    expect(compileRegex('b')(long)).toBe(true);
    expect(compileRegex('c')(long)).toBe(false);
    expect(compileRegex('a+b')(long)).toBe(true);
    expect(compileRegex('a*z*b')(long)).toBe(false);
    expect(compileRegex('a*z*b')(`${'a'.repeat(127)}b`)).toBe(true);
    expect(compileRegex('a*z*b')(`${'a'.repeat(128)}b`)).toBe(false);
    expect(regexLimit('x')).toBe(2048);
    expect(regexLimit('.*x.*')).toBe(128);
    expect(regexLimit('a{2,}b+')).toBe(128);
  });

  it('a refused path pattern never matches (pages, goals, categories)', () => {
    const pages = { include: [{ regex: '^(/[a-z]+)+$' }] };
    expect(pathMatches(pages, '/a/b')).toBe(false);
    expect(compilePathPattern({ regex: '^/[a-z]+(/[a-z]+)*$' })('/a/b')).toBe(false);
  });

  it('the validator refuses them with the JSON path and why', () => {
    const { problems, manifest } = validateManifest({
      version: 1,
      site: 's',
      experiences: [
        {
          id: 'a',
          audience: { 'traffic.campaign': { $regex: '^([a-z0-9]+-?)+$' } },
          variants: [{ id: 'v' }],
        },
        { id: 'b', pages: { include: [{ regex: 'a*a*a*b' }] }, variants: [{ id: 'v' }] },
        { id: 'c', audience: { 'page.url': { $regexi: '((a)+)+' } }, variants: [{ id: 'v' }] },
        {
          id: 'd',
          audience: { 'page.url': { $regex: '^/products/.*/reviews/.*$' } },
          variants: [{ id: 'v' }],
        },
      ],
      goals: { g: { type: 'pageview', path: { regex: '(a|aa)+' } } },
    });
    const errors = problems.filter((p) => p.severity === 'error');
    expect(errors.map((p) => p.path)).toEqual([
      'goals.g.path.regex',
      'experiences[0].audience["traffic.campaign"].$regex',
      'experiences[1].pages.include[0].regex',
      'experiences[2].audience["page.url"].$regexi',
    ]);
    expect(errors[0]!.message).toMatch(
      /"\(a\|aa\)\+" is refused: a repeated group contains a repetition or "\|"/,
    );
    expect(errors[2]!.message).toMatch(/"a\*a\*a\*b" is refused: more than 2 unbounded repetitions/);
    // The tags run the same check as the validator: ((a)+)+ is refused there too.
    expect(regexLimit('((a)+)+')).toBe(0);
    expect(errors[3]!.message).toMatch(/repeated group/);
    expect(manifest?.experiences?.map((e) => e.id)).toEqual(['d']);
  });

  it('the validator refuses whatever the tags refuse', () => {
    fc.assert(
      fc.property(regexSource(), (re) => {
        const tags = regexLimit(re) === 0;
        const { problems } = validateManifest({
          version: 1,
          site: 's',
          segments: { x: { u: { $regex: re } } },
        });
        if (tags) expect(problems.some((p) => /refused/.test(p.message))).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

/** The glob translation this replaces, as the reference for ordinary patterns. */
const oldGlob = (g: string) =>
  new RegExp(`^${g.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);

describe('globs: the same matches as before, without backtracking', () => {
  it.each([
    ['/', '/', true],
    ['/', '/x', false],
    ['/products/*', '/products/', true],
    ['/products/*', '/products/shoes/red', true],
    ['/products/*', '/product', false],
    ['*', '', true],
    ['**', '/a', true],
    ['/a/*/b*', '/a//b', true],
    ['/a/*/b*', '/a/b', false],
    ['*.html', '/x.html', true],
    ['*.html', '/xhtml', false],
    ['/a*a', '/a', false],
    ['/a*a', '/aa', true],
    ['*ab*ab*', 'abab', true],
    ['*ab*ab*', 'aba', false],
    ['/(x)?[y]+', '/(x)?[y]+', true],
    ['/(x)?[y]+', '/xy', false],
  ] as const)('%s on %s is %s', (glob, path, expected) => {
    expect(compilePathPattern(glob)(path)).toBe(expected);
    expect(oldGlob(glob).test(path)).toBe(expected);
  });

  it('agrees with the old translation on random globs and paths', () => {
    const char = fc.constantFrom('a', 'b', '/', '.', '*', '(', '?', '+');
    fc.assert(
      fc.property(
        fc.string({ unit: char, maxLength: 10 }),
        fc.string({ unit: char, maxLength: 14 }),
        (g, p) => {
          expect(compilePathPattern(g)(p)).toBe(oldGlob(g).test(p));
        },
      ),
      { numRuns: 3000 },
    );
  });
});

/**
 * Random regex sources from atoms and quantifiers a marketer might combine, nested at times.
 */
function regexSource() {
  const atom = fc.constantFrom('a', 'b', '.', '\\w', '[a-z]', '-', '/', 'x', '\\d', '(a|b)', '(?:ab)');
  const quant = fc.constantFrom('', '', '*', '+', '?', '{1,3}', '{2,}', '*?');
  const piece = fc.tuple(atom, quant).map(([a, q]) => a + q);
  const group = fc
    .tuple(fc.array(piece, { minLength: 1, maxLength: 3 }), quant)
    .map(([ps, q]) => `(${ps.join('')})${q}`);
  return fc
    .tuple(
      fc.constantFrom('', '^'),
      fc.array(fc.oneof(piece, piece, group), { minLength: 1, maxLength: 6 }),
      fc.constantFrom('', '$'),
    )
    .map(([a, ps, z]) => a + ps.join('') + z);
}

/**
 * Timing. The real cost of a glob on these inputs is microseconds. An accepted regex is at worst
 * quadratic on 2,048 characters or cubic on 128 (a few milliseconds once V8 has compiled it),
 * times 2 for each optional part after an unbounded one (`a*(a|b)?\w?(\d\w)?b{1,3}$`, the slowest
 * this generator has found: ~300 ms cold on a loaded 2-core machine). The cases this guards
 * against took 9 to 14 s (and hours for longer runs). So each match gets a generous second: a
 * clear difference, not a fine threshold, on a machine that may be shared and busy.
 */
describe('timing on hostile 2 KB values', () => {
  const HOSTILE = [
    'a'.repeat(2048),
    `${'a'.repeat(2047)}!`,
    '/'.repeat(2048),
    'ab-'.repeat(683),
    `/${'a/'.repeat(1023)}x`,
    `${'x'.repeat(2047)}\n`,
    '1'.repeat(2048),
  ];
  const timed = (f: () => unknown) => {
    const t = performance.now();
    f();
    return performance.now() - t;
  };

  it('globs with many stars', { timeout: 20_000 }, () => {
    const piece = fc.constantFrom('*', '*', 'a', '/', 'a/', 'ab', '-', 'x', 'b*');
    fc.assert(
      fc.property(fc.array(piece, { minLength: 1, maxLength: 12 }), (ps) => {
        const match = compilePathPattern(ps.join(''));
        for (const h of HOSTILE) expect(timed(() => match(h))).toBeLessThan(100);
      }),
      { numRuns: 300 },
    );
  });

  it('accepted regexes', { timeout: 20_000 }, () => {
    fc.assert(
      fc.property(
        regexSource().filter((re) => regexLimit(re) > 0),
        (re) => {
          const test = compileRegex(re);
          for (const h of HOSTILE) expect(timed(() => test(h))).toBeLessThan(1000);
        },
      ),
      { numRuns: 150 },
    );
  });
});
