// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Manifest, Tailor, TailorError } from '../../src/manifest/types';
import { getPath } from '../../src/rules/path';
import { createTailor } from '../../src/runtime';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);

/** Every docs/context.md path that must exist in the context (null where unknown). */
const CONTEXT_PATHS = [
  'visitor.id',
  'visitor.userId',
  'visitor.traits',
  'visitor.isNew',
  'visitor.visits',
  'visitor.pageviews',
  'visitor.daysSinceFirstVisit',
  'visitor.daysSinceLastVisit',
  'visitor.conversions',
  'session.pageviews',
  'session.seconds',
  'session.landingPath',
  'page.url',
  'page.path',
  'page.host',
  'page.query',
  'page.referrer',
  'page.title',
  'page.category',
  'traffic.source',
  'traffic.medium',
  'traffic.campaign',
  'traffic.term',
  'traffic.content',
  'traffic.first.source',
  'traffic.first.medium',
  'traffic.first.campaign',
  'traffic.first.term',
  'traffic.first.content',
  'device.type',
  'device.vendor',
  'device.model',
  'device.touch',
  'os.name',
  'os.version',
  'browser.name',
  'browser.version',
  'browser.major',
  'screen.width',
  'screen.height',
  'geo.country',
  'geo.timezone',
  'geo.language',
  'geo.languages',
  'time.hour',
  'time.weekday',
  'time.isWeekend',
  'time.date',
  'time.month',
  'behavior.scrollDepth',
  'behavior.secondsOnPage',
  'affinity.top',
  'journey.stage',
  'score',
  'data',
  'remote',
  'consent.state',
];

const base = (extra: Partial<Manifest> = {}): Manifest => ({
  version: 1,
  site: 'test',
  categories: { shoes: '/shoes/*' },
  segments: {
    emailed: { 'traffic.medium': 'email' },
    vip: { 'visitor.traits.tier': 'gold' },
    big: { 'data.cart': { $gte: 100 } },
    'emailed-vip': { $and: [{ $segment: 'emailed' }, { $segment: 'vip' }] },
  },
  goals: { purchase: { type: 'event' } },
  experiences: [
    { id: 'hero', variants: [{ id: 'control' }, { id: 'b' }] },
    { id: 'vip-only', audience: { $segment: 'vip' }, variants: [{ id: 'on', actions: [] }] },
  ],
  ...extra,
});

let tailor: Tailor | null = null;
const make = (manifest: unknown, opts: Record<string, unknown> = {}) => {
  tailor = createTailor({ manifest, now: () => NOW, ...opts });
  return tailor;
};

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  for (const c of document.cookie.split(';'))
    document.cookie = `${c.split('=')[0]!.trim()}=; max-age=0; path=/`;
  history.replaceState(null, '', '/shoes/red?utm_source=newsletter&utm_medium=email&utm_campaign=nov');
});
afterEach(() => tailor?.destroy());

describe('createTailor', () => {
  it('exposes every docs/context.md context path after start()', async () => {
    const t = make(base());
    await t.start();
    const ctx = t.context();
    const missing = CONTEXT_PATHS.filter((p) => getPath(ctx, p) === undefined);
    expect(missing).toEqual([]);
    expect(ctx.page.path).toBe('/shoes/red');
    expect(ctx.page.category).toBe('shoes');
    expect(ctx.traffic).toMatchObject({ source: 'newsletter', medium: 'email', campaign: 'nov' });
    expect(ctx.visitor.isNew).toBe(true);
    expect(ctx.affinity.top).toBe('shoes');
  });

  it('puts the visitor into segments and assigns variants deterministically', async () => {
    const t = make(base());
    await t.start();
    expect(t.segments()).toEqual(['emailed']);
    const v = t.variant('hero');
    expect(['control', 'b']).toContain(v);
    expect(t.variant('vip-only')).toBeNull();
    expect(t.variant('nope')).toBeNull();
    const again = make(base());
    await again.start();
    expect(again.variant('hero')).toBe(v);
  });

  it('re-evaluates on identify() and set(), firing on("segments")', async () => {
    const t = make(base());
    const seen: string[][] = [];
    t.on('segments', (s) => seen.push(s));
    await t.start();
    t.identify('u-1', { tier: 'gold' });
    expect(t.segments()).toEqual(['emailed', 'vip', 'emailed-vip']);
    expect(t.variant('vip-only')).toBe('on');
    expect(t.context().visitor.userId).toBe('u-1');
    t.set({ cart: 150 });
    expect(t.segments()).toContain('big');
    expect(t.context().data.cart).toBe(150);
    expect(seen).toEqual([
      ['emailed'],
      ['emailed', 'vip', 'emailed-vip'],
      ['emailed', 'vip', 'big', 'emailed-vip'],
    ]);
  });

  it('applies identify() made before start() to the first decision', async () => {
    const t = make(base());
    t.identify('u-2', { tier: 'gold' });
    await t.start();
    expect(t.variant('vip-only')).toBe('on');
  });

  it('keeps the profile across instances: visits, page views and sticky variants', async () => {
    const t = make(base());
    await t.start();
    const id = t.context().visitor.id;
    const second = make(base());
    await second.start();
    expect(second.context().visitor.id).toBe(id);
    expect(second.context().visitor.pageviews).toBe(2);
    expect(second.context().session.pageviews).toBe(2);
    expect(localStorage.getItem('tlr_profile')).toContain('"sticky"');
  });

  it('reports a bad experience through on("error") and runs the rest', async () => {
    const errors: TailorError[] = [];
    const manifest = base();
    manifest.experiences!.push({ id: 'Bad Id', variants: [] } as never);
    const t = createTailor({ manifest, now: () => NOW });
    tailor = t;
    t.on('error', (e) => errors.push(e));
    // Validation problems are reported at creation; subscribe-then-start still sees later ones.
    await t.start();
    expect(t.variant('hero')).not.toBeNull();
    expect(t.variant('Bad Id')).toBeNull();
  });

  it('never throws for a manifest that is not an object, and decides nothing', async () => {
    const t = make('not a manifest');
    await expect(t.start()).resolves.toBeUndefined();
    expect(t.segments()).toEqual([]);
    expect(t.variant('hero')).toBeNull();
  });

  it('does not throw from API calls with bad arguments', async () => {
    const t = make(base());
    const errors: TailorError[] = [];
    t.on('error', (e) => errors.push(e));
    await t.start();
    expect(() => t.set(null as never)).not.toThrow();
    expect(() => t.consent('maybe' as never)).not.toThrow();
    expect(() => t.track('' as never)).not.toThrow();
    expect(errors.map((e) => e.path)).toEqual(['set', 'consent', 'track']);
  });

  it('a throwing event handler does not stop the others or reach the caller', async () => {
    const t = make(base());
    let second = false;
    t.on('ready', () => {
      throw new Error('boom');
    });
    t.on('ready', () => {
      second = true;
    });
    await t.start();
    expect(second).toBe(true);
  });
});

describe('consent (docs/consent.md)', () => {
  const optIn = () =>
    base({
      consent: { mode: 'opt-in' },
      experiences: [
        { id: 'needs-id', variants: [{ id: 'a' }, { id: 'b' }] },
        { id: 'no-id', variants: [{ id: 'on', actions: [] }] },
        { id: 'with-holdout', holdout: 10, variants: [{ id: 'on', actions: [] }] },
      ],
    });

  it('writes nothing to cookies or localStorage while pending, and runs only experiences without a stable id', async () => {
    const t = make(optIn());
    await t.start();
    expect(t.context().consent.state).toBe('pending');
    expect(localStorage.length).toBe(0);
    expect(document.cookie).not.toContain('tlr_');
    expect(t.variant('no-id')).toBe('on');
    expect(t.variant('needs-id')).toBeNull();
    expect(t.variant('with-holdout')).toBeNull();
  });

  it('persists and runs everything once consent is granted', async () => {
    const t = make(optIn());
    await t.start();
    t.consent('granted');
    expect(t.variant('needs-id')).not.toBeNull();
    expect(localStorage.getItem('tlr_profile')).not.toBeNull();
    expect(document.cookie).toContain('tlr_id=');
  });

  it('consent("denied") forgets everything Tailor wrote', async () => {
    const t = make(base());
    await t.start();
    expect(localStorage.getItem('tlr_profile')).not.toBeNull();
    t.consent('denied');
    expect(Object.keys(localStorage).filter((k) => k.startsWith('tlr_'))).toEqual([]);
    expect(document.cookie).not.toContain('tlr_id');
    expect(t.context().consent.state).toBe('denied');
  });

  it('treats Global Privacy Control as a denial in opt-out mode', async () => {
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const t = make(base());
      await t.start();
      expect(t.context().consent.state).toBe('denied');
      expect(localStorage.length).toBe(0);
    } finally {
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: undefined, configurable: true });
    }
  });
});

describe('force and preview', () => {
  it('forces a variant with ?tailor_force and shows drafts with ?tailor_preview=1', async () => {
    history.replaceState(null, '', '/?tailor_force=hero:b&tailor_preview=1');
    const manifest = base();
    manifest.experiences!.push({ id: 'draft-one', status: 'draft', variants: [{ id: 'on' }] });
    const t = make(manifest);
    await t.start();
    expect(t.variant('hero')).toBe('b');
    expect(t.variant('draft-one')).toBe('on');
  });

  it('does not run drafts without preview, nor paused experiences', async () => {
    const manifest = base();
    manifest.experiences!.push({ id: 'draft-one', status: 'draft', variants: [{ id: 'on' }] });
    manifest.experiences!.push({ id: 'paused-one', status: 'paused', variants: [{ id: 'on' }] });
    const t = make(manifest);
    await t.start();
    expect(t.variant('draft-one')).toBeNull();
    expect(t.variant('paused-one')).toBeNull();
  });
});

describe('rendering from the runtime', () => {
  it('re-renders template output when identify() or set() changes what it shows, reverting on destroy()', async () => {
    document.body.innerHTML = '<h1>Original</h1>';
    const t = createTailor({
      manifest: {
        version: 1,
        site: 's',
        experiences: [
          {
            id: 'greet',
            variants: [
              {
                id: 'on',
                actions: [{ type: 'text', selector: 'h1', value: 'Hi {{visitor.traits.name|there}}' }],
              },
            ],
          },
        ],
      },
      storage: 'memory',
    });
    const exposures: unknown[] = [];
    t.on('exposure', (e) => exposures.push(e));
    await t.start();
    const h1 = () => document.querySelector('h1')!.textContent;
    expect(h1()).toBe('Hi there');
    t.identify('u1', { name: 'Ana' });
    expect(h1()).toBe('Hi Ana');
    t.set({ unrelated: 1 });
    expect(h1()).toBe('Hi Ana');
    expect(exposures).toHaveLength(1);
    t.destroy();
    expect(h1()).toBe('Original');
  });
});
