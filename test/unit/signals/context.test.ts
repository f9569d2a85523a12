// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import type { Tailor } from '../../../src/manifest/types';
import { matches } from '../../../src/rules/condition';
import { createTailor } from '../../../src/runtime';

const NOW = Date.UTC(2026, 0, 10, 9, 0, 0);

const tailors: Tailor[] = [];
async function start(manifest: object, url: string): Promise<Tailor> {
  history.replaceState(null, '', url);
  const t = createTailor({
    manifest: { version: 1, site: 's', ...manifest },
    storage: 'memory',
    now: () => NOW,
  });
  tailors.push(t);
  await t.start();
  return t;
}

afterEach(() => {
  while (tailors.length) tailors.pop()!.destroy();
  delete (globalThis as { dataLayer?: unknown }).dataLayer;
  history.replaceState(null, '', '/');
});

// Regression: `k in query` is true for every Object.prototype member, so these parameters
// were dropped from page.query.
describe('page.query: parameters named like Object.prototype members', () => {
  it('keeps constructor, toString, hasOwnProperty and __proto__ parameters', async () => {
    const t = await start({}, '/?constructor=a&toString=b&hasOwnProperty=c&__proto__=d&x=1');
    const query = t.context().page.query;
    expect(query.constructor).toBe('a');
    expect(query.toString).toBe('b');
    expect(query.hasOwnProperty).toBe('c');
    expect(Object.getOwnPropertyDescriptor(query, '__proto__')?.value).toBe('d');
    expect(query.x).toBe('1');
  });

  it('keeps the first value of a repeated parameter', async () => {
    const t = await start({}, '/?constructor=a&constructor=z&x=1&x=2');
    expect(t.context().page.query).toMatchObject({ constructor: 'a', x: '1' });
  });

  it('a condition on page.query.constructor matches', async () => {
    const t = await start(
      { experiences: [{ id: 'x', audience: { 'page.query.constructor': 'a' }, variants: [{ id: 'on' }] }] },
      '/?constructor=a&toString=b',
    );
    expect(t.variant('x')).toBe('on');
    expect(matches({ 'page.query.constructor': 'a' }, t.context())).toBe(true);
    expect(matches({ 'page.query.toString': 'b' }, t.context())).toBe(true);
  });

  it('a parameter that is not in the URL reads as null, not as an inherited member', async () => {
    const t = await start({}, '/?x=1');
    expect(matches({ 'page.query.constructor': null }, t.context())).toBe(true);
    expect(matches({ 'page.query.toString': { $exists: false } }, t.context())).toBe(true);
  });
});

// Regression: every context path exists, null where unknown (docs/context.md), but conversions
// held only goals that converted, affinity only visited categories, data only pushed keys.
describe('manifest-named paths exist before they have a value', () => {
  const manifest = {
    goals: { purchase: { type: 'event' }, signup: { type: 'event' } },
    categories: { shoes: '/shoes/*', bags: '/bags/*' },
    dataLayer: ['tier'],
  };

  it('one view of /shoes/a: conversions 0 per goal, affinity 0 per unvisited category, data null per key', async () => {
    const c = (await start(manifest, '/shoes/a')).context();
    expect(c.visitor.conversions).toEqual({ purchase: 0, signup: 0 });
    expect(c.affinity).toEqual({ shoes: 1, bags: 0, top: 'shoes' });
    expect(c.data).toEqual({ tier: null });
  });

  it('conditions see the zero counts and shares (a missing path would read as null)', async () => {
    const c = (await start(manifest, '/shoes/a')).context();
    expect(matches({ 'visitor.conversions.signup': 0 }, c)).toBe(true);
    expect(matches({ 'affinity.bags': 0 }, c)).toBe(true);
    expect(matches({ 'affinity.bags': { $type: 'number' } }, c)).toBe(true);
  });

  it('recorded conversions, visited categories, pushed and set() values replace the defaults', async () => {
    (globalThis as { dataLayer?: unknown }).dataLayer = [{ tier: 'silver' }];
    const t = await start(manifest, '/shoes/a');
    expect(t.context().data).toEqual({ tier: 'silver' });
    t.set({ tier: 'gold' });
    expect(t.context().data).toEqual({ tier: 'gold' });
    t.track('purchase');
    expect(t.context().visitor.conversions).toEqual({ purchase: 1, signup: 0 });
  });

  it('affinity.top stays null while no category has a score', async () => {
    const c = (await start(manifest, '/about')).context();
    expect(c.affinity).toEqual({ shoes: 0, bags: 0, top: null });
  });
});
