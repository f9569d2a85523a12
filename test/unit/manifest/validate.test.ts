// @vitest-environment happy-dom
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { selectorProblem } from '../../../src/manifest/selector-check';
import { validateManifest } from '../../../src/manifest/validate';
import { budget } from '../../budget';
import { badManifests } from '../../fixtures/bad-manifests';
import full from '../../fixtures/manifest-full.json';

/** The CLI's selector check: true, or why Chromium would refuse the selector. */
const cliSelectorCheck = (selector: string) => selectorProblem(selector) || true;

const errors = (json: unknown) => validateManifest(json).problems.filter((p) => p.severity === 'error');

describe('validateManifest', () => {
  it('finds no problem in a manifest that uses every field of docs/manifest.md and docs/experiences.md', () => {
    expect(validateManifest(full).problems).toEqual([]);
    expect(validateManifest(full, { isValidSelector: cliSelectorCheck }).problems).toEqual([]);
    expect(validateManifest(full).manifest?.experiences).toHaveLength(full.experiences.length);
  });

  it('has at least 40 distinct mistakes in its table', () => {
    expect(new Set(badManifests.map((c) => c.name)).size).toBe(badManifests.length);
    expect(badManifests.length).toBeGreaterThanOrEqual(40);
  });

  it.each(badManifests)('reports $name at its path', ({ manifest, path, message }) => {
    const found = errors(manifest);
    const at = found.filter((p) => p.path === path);
    expect(at, JSON.stringify(found, null, 1)).not.toHaveLength(0);
    expect(at.map((p) => p.message).join(' | ')).toContain(message);
  });

  it.each(badManifests)('the CLI selector check agrees on $name', ({ manifest, path }) => {
    const found = validateManifest(manifest, { isValidSelector: cliSelectorCheck }).problems;
    expect(found.some((p) => p.path === path && p.severity === 'error')).toBe(true);
  });

  it('drops only the bad experience and keeps the rest', () => {
    const json = structuredClone(full) as typeof full & { experiences: unknown[] };
    json.experiences.splice(1, 0, { id: 'broken', traffic: 300, variants: [{ id: 'a' }] });
    const { manifest, problems } = validateManifest(json);
    expect(problems.map((p) => p.path)).toEqual(['experiences[1].traffic']);
    expect(manifest?.experiences?.map((e) => e.id)).toEqual(full.experiences.map((e) => e.id));
  });

  it('drops a bad segment with the experiences that use it, in one message', () => {
    const { manifest, problems } = validateManifest({
      version: 1,
      site: 's',
      segments: { bad: { 'page.path': { $regex: '(' } }, good: { 'page.path': '/' } },
      experiences: [
        { id: 'uses-bad', audience: { $segment: 'bad' }, variants: [{ id: 'a' }] },
        { id: 'uses-good', audience: { $segment: 'good' }, variants: [{ id: 'a' }] },
      ],
    });
    expect(Object.keys(manifest?.segments || {})).toEqual(['good']);
    expect(manifest?.experiences?.map((e) => e.id)).toEqual(['uses-good']);
    expect(problems).toEqual([
      {
        path: 'segments.bad["page.path"].$regex',
        message:
          '"(" is not a valid regular expression (segment "bad" is dropped, and with it experience "uses-bad", which uses it)',
        severity: 'error',
      },
    ]);
  });

  it('warns about unknown keys without dropping anything', () => {
    const { manifest, problems } = validateManifest({
      version: 1,
      site: 's',
      experimnts: [],
      experiences: [{ id: 'a', colour: 'red', variants: [{ id: 'v' }] }],
    });
    expect(problems).toEqual([
      { path: 'experimnts', message: 'unknown key "experimnts" is ignored', severity: 'warning' },
      { path: 'experiences[0].colour', message: 'unknown key "colour" is ignored', severity: 'warning' },
    ]);
    expect(manifest?.experiences).toHaveLength(1);
  });

  it('reports exactly one problem and runs nothing for an unsupported version', () => {
    const result = validateManifest({ version: 3, site: 's', experiences: [{ id: 'x' }] });
    expect(result.manifest).toBeNull();
    expect(result.problems).toHaveLength(1);
  });

  it('does not mutate its input', () => {
    const json = structuredClone(full);
    validateManifest(json);
    expect(json).toEqual(full);
  });

  it(
    'never throws and never pollutes Object.prototype, whatever the input',
    () => {
      const before = Object.getOwnPropertyNames(Object.prototype).sort();
      const junk = fc.letrec((tie) => ({
        value: fc.oneof(
          { depthSize: 'xsmall', maxDepth: 4 },
          fc.jsonValue({ maxDepth: 2 }),
          fc.dictionary(
            fc.constantFrom('__proto__', 'constructor', 'id', 'type', 'variants', '$in', 'selector'),
            tie('value'),
          ),
          fc.array(tie('value'), { maxLength: 3 }),
        ),
      })).value;
      const manifest = fc.record({
        version: fc.constantFrom(1, 1, 2, '1'),
        site: fc.oneof(fc.string(), fc.constant('s')),
        segments: junk,
        goals: junk,
        experiences: fc.array(junk, { maxLength: 3 }),
      });
      fc.assert(
        fc.property(fc.oneof(manifest, junk), (json) => {
          const { problems } = validateManifest(json);
          for (const p of problems) {
            expect(typeof p.path).toBe('string');
            expect(typeof p.message).toBe('string');
          }
        }),
        { numRuns: 1000 },
      );
      expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(before);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    },
    budget(30_000),
  );
});

// Was: css-what (the CLI's parser) accepted jQuery's pseudo-classes, any pseudo-class name, bad
// `An+B` formulas and ids starting with a digit, all of which Chromium's querySelector refuses.
describe("the CLI's selector check refuses what Chromium refuses", () => {
  it.each([
    ['p:first', '":first" is a jQuery extension, not CSS; use :first-child or :first-of-type'],
    ['li:eq(0)', '":eq" is a jQuery extension, not CSS; use :nth-child()'],
    ['div:contains("x")', '":contains" is a jQuery extension, not CSS'],
    ['div:visible', '":visible" is a jQuery extension, not CSS'],
    ['a:foo', '":foo" is not a CSS pseudo-class'],
    ['a::foo', '"::foo" is not a CSS pseudo-element'],
    ['#1hero', 'an id cannot start with a digit ("#1hero")'],
    ['.2col', 'a class name cannot start with a digit (".2col")'],
    ['a:nth-child(foo)', '":nth-child(foo)" needs a number or a formula such as odd, even, 3 or 2n+1'],
    ['a:nth-of-type(2n+)', '":nth-of-type(2n+)" needs a number or a formula'],
    ['a:nth-child(+ 2n)', '":nth-child(+ 2n)" needs a number or a formula'],
    ['a:nth-of-type(2n of .x)', '":nth-of-type()" takes no "of <selector>"'],
    ['a:nth-child(2n of p:first)', '":first" is a jQuery extension'],
    ['a:nth-child', '":nth-child()" needs an argument'],
    ['a:hover(1)', '":hover" takes no argument'],
    ['a:not(p:first)', '":first" is a jQuery extension'],
    ['a:has(:has(b))', '":has()" cannot be nested'],
    ['a:is(::before)', '"::before" cannot be used inside ":is()"'],
    ['a::before .x', 'nothing but pseudo-classes can follow "::before"'],
    ['a[href!="x"]', '"[href!=…]" is jQuery, not CSS; use :not([href=…])'],
    ['a < b', 'the "<" combinator is jQuery, not CSS'],
    ['> a', 'it starts with a combinator'],
    ['a >', 'it ends with a combinator'],
    ['##hero', 'expected name, found ##hero'],
    // Chromium closes the bracket at the end and accepts it, but it is a typo: kept refused.
    ['a[href', "attribute selector didn't terminate"],
  ])('refuses %s: %s', (selector, why) => {
    expect(cliSelectorCheck(selector)).not.toBe(true);
    expect(selectorProblem(selector)).toContain(why);
  });

  it.each([
    '#\\31 hero',
    '#hero-1',
    'a[href="#1"]',
    "a[data-x='.5']",
    'p:first-child',
    'P:FIRST-CHILD',
    'li:nth-child(2n + 1)',
    'li:nth-last-child(-n+3)',
    'li:nth-child(odd)',
    'li:nth-of-type(EVEN)',
    'li:nth-child(2n+1 of .x)',
    'a:not(.b, :hover)',
    ':is(.a, .b) > p:where(.c)',
    'a:has(> img)',
    'a:lang(en)',
    'a:dir(rtl)',
    'input:focus-visible:not(:placeholder-shown)',
    'dialog:modal',
    'a:before',
    'p::first-line',
    'a::before:hover',
    'input::placeholder',
    '::-webkit-scrollbar-thumb',
    'input:-webkit-autofill',
    '::part(label)',
    '::view-transition-old(*)',
    ':root, :host',
    '*',
  ])('accepts %s', (selector) => {
    expect(selectorProblem(selector)).toBe('');
  });
});
