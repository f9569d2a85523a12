// @vitest-environment happy-dom
/**
 * GTM / GA4: exposures and conversions pushed to `window.dataLayer` as `tailor_exposure` and
 * `tailor_conversion` (src/track/data-layer.ts), on by default, off with
 * `"analytics": { "dataLayer": false }`, and never carrying traits or site data (docs/consent.md).
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest, Tailor } from '../../../src/manifest/types';
import { createTailor } from '../../../src/runtime';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const w = window as unknown as { dataLayer?: unknown[] };

const manifest = (extra: Partial<Manifest> = {}): Manifest => ({
  version: 1,
  site: 'gtm',
  goals: { purchase: { type: 'event' }, signup: { type: 'event', value: 5 } },
  experiences: [
    {
      id: 'hero',
      variants: [
        { id: 'b', actions: [{ type: 'text', selector: '#hero', value: 'Hi {{visitor.traits.name}}' }] },
      ],
    },
    { id: 'held', holdout: 100, variants: [{ id: 'on', actions: [{ type: 'hide', selector: '#sub' }] }] },
  ],
  ...extra,
});

let tailor: Tailor | null = null;
const start = async (m: unknown) => {
  tailor = createTailor({ manifest: m, now: () => NOW });
  await tailor.start();
  return tailor;
};
const pushed = () =>
  (w.dataLayer || []).filter((x) => String((x as { event?: string }).event).startsWith('tailor_'));

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/');
  document.body.innerHTML = '<h1 id="hero">Hello</h1><p id="sub">Sub</p>';
  w.dataLayer = [];
});
afterEach(() => {
  tailor?.destroy();
  tailor = null;
  delete w.dataLayer;
});

describe('dataLayer pushes', () => {
  it('pushes each exposure as tailor_exposure with experience and variant', async () => {
    await start(manifest());
    expect(pushed()).toEqual([
      { event: 'tailor_exposure', experience: 'hero', variant: 'b' },
      { event: 'tailor_exposure', experience: 'held', variant: 'holdout' },
    ]);
  });

  it('pushes each conversion as tailor_conversion with goal and value', async () => {
    const t = await start(manifest({ experiences: [] }));
    t.track('purchase', { value: 42.5, sku: 'secret-sku' });
    t.track('signup');
    t.track('purchase');
    expect(pushed()).toEqual([
      { event: 'tailor_conversion', goal: 'purchase', value: 42.5 },
      { event: 'tailor_conversion', goal: 'signup', value: 5 },
      { event: 'tailor_conversion', goal: 'purchase' },
    ]);
    // An explicit undefined resets GTM's merged `value`, so no earlier value leaks into this one.
    expect(Object.hasOwn(pushed()[2] as object, 'value')).toBe(true);
  });

  it('pushes only ids, names and values: no traits, site data, template output or context', async () => {
    w.dataLayer!.push({ loyaltyTier: 'gold' });
    const t = await start(manifest({ dataLayer: ['loyaltyTier'] }));
    t.identify('user-7', { name: 'Ada', email: 'ada@example.com' });
    t.set({ cart: 120 });
    t.track('purchase', { value: 1, email: 'ada@example.com' });
    const keys = new Set(pushed().flatMap((x) => Object.keys(x as object)));
    expect([...keys].sort()).toEqual(['event', 'experience', 'goal', 'value', 'variant']);
    const json = JSON.stringify(pushed());
    for (const secret of ['Ada', 'ada@example.com', 'user-7', 'gold', '120', t.context().visitor.id])
      expect(json).not.toContain(secret);
  });

  it('sends nothing with "analytics": { "dataLayer": false }', async () => {
    const t = await start(manifest({ analytics: { dataLayer: false } }));
    t.track('purchase', { value: 3 });
    expect(w.dataLayer).toEqual([]);
  });

  it('finds a dataLayer created after start (GTM loading late) and goes through its push', async () => {
    delete w.dataLayer;
    const t = await start(manifest({ experiences: [] }));
    t.track('purchase');
    const seen: unknown[] = [];
    w.dataLayer = [];
    // GTM replaces push on the array it adopts.
    w.dataLayer.push = (...items: unknown[]) => seen.push(...items);
    t.track('signup');
    expect(seen).toEqual([{ event: 'tailor_conversion', goal: 'signup', value: 5 }]);
  });

  it('without a dataLayer, creates none and still records the conversion', async () => {
    delete w.dataLayer;
    const t = await start(manifest({ experiences: [] }));
    const goals: string[] = [];
    t.on('conversion', (e) => goals.push(e.goal));
    t.track('purchase');
    expect(goals).toEqual(['purchase']);
    expect(w.dataLayer).toBeUndefined();
  });

  it('leaves a dataLayer that is not an array alone', async () => {
    const calls: unknown[] = [];
    (w as { dataLayer?: unknown }).dataLayer = { push: (...items: unknown[]) => calls.push(...items) };
    const t = await start(manifest());
    t.track('purchase');
    expect(calls).toEqual([]);
  });

  it('a throwing dataLayer.push stops neither the conversion nor the handlers after it', async () => {
    const t = await start(manifest({ experiences: [] }));
    let calls = 0;
    w.dataLayer!.push = () => {
      calls++;
      throw new Error('GTM broke');
    };
    const goals: string[] = [];
    t.on('conversion', (e) => goals.push(e.goal));
    t.track('purchase');
    t.track('signup');
    expect(calls).toBe(2);
    expect(goals).toEqual(['purchase', 'signup']);
  });

  it('pushes the global holdout like any exposure', async () => {
    await start(manifest({ holdout: { percent: 100 }, experiences: [manifest().experiences![0]!] }));
    expect(pushed()).toEqual([{ event: 'tailor_exposure', experience: 'hero', variant: 'global-holdout' }]);
  });
});
