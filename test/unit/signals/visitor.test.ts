// @vitest-environment happy-dom
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TrafficTouch } from '../../../src/manifest/types';
import { createTailor } from '../../../src/runtime';
import { addAffinity, affinityContext, affinityScores, pageCategory } from '../../../src/signals/affinity';
import { createBehavior } from '../../../src/signals/behavior';
import { readDataLayer } from '../../../src/signals/data-layer';
import { pageView, recordConversion, SESSION_MS, visitorContext } from '../../../src/signals/visitor';
import type { Profile } from '../../../src/storage/profile';

const MIN = 60_000;
const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 10, 9, 0, 0);

const direct: TrafficTouch = { source: 'direct', medium: 'none', campaign: null, term: null, content: null };
const email: TrafficTouch = {
  source: 'newsletter',
  medium: 'email',
  campaign: 'nov',
  term: null,
  content: null,
};
const google: TrafficTouch = {
  source: 'google',
  medium: 'organic',
  campaign: null,
  term: null,
  content: null,
};

/** One page view; `newSession` is whether it started a session (the session starts now). */
function view(p: Profile | null, now: number, path = '/', touch: TrafficTouch = direct) {
  const profile = pageView(p, { now, path, touch });
  return { profile, newSession: profile.session.start === now };
}

describe('sessions and visits', () => {
  it('the session timeout is 30 minutes', () => {
    expect(SESSION_MS).toBe(30 * MIN);
  });

  it('a first page view starts a new visitor with one session', () => {
    const { profile: p, newSession } = view(null, T0, '/landing', email);
    expect(newSession).toBe(true);
    expect(p).toMatchObject({
      ver: 1,
      first: T0,
      last: T0,
      prev: null,
      visits: 1,
      pageviews: 1,
      session: { start: T0, pageviews: 1, landing: '/landing', touch: email },
      firstTouch: email,
    });
    const ctx = visitorContext(p, 'vid-12345678', T0);
    expect(ctx.visitor).toMatchObject({
      id: 'vid-12345678',
      isNew: true,
      visits: 1,
      pageviews: 1,
      daysSinceFirstVisit: 0,
      daysSinceLastVisit: null,
      userId: null,
    });
    expect(ctx.session).toEqual({ pageviews: 1, seconds: 0, landingPath: '/landing' });
  });

  it('29 minutes after the last page view: same session', () => {
    const a = view(null, T0, '/a').profile;
    const { profile: b, newSession } = view(a, T0 + 29 * MIN, '/b');
    expect(newSession).toBe(false);
    expect(b.visits).toBe(1);
    expect(b.pageviews).toBe(2);
    expect(b.session).toMatchObject({ start: T0, pageviews: 2, landing: '/a' });
    expect(b.prev).toBeNull();
    const ctx = visitorContext(b, 'x', T0 + 29 * MIN);
    expect(ctx.visitor.isNew).toBe(true);
    expect(ctx.session.seconds).toBe(29 * 60);
  });

  it('the timeout runs from the latest page view, not the session start', () => {
    let p = view(null, T0).profile;
    for (let i = 1; i <= 4; i++) p = view(p, T0 + i * 20 * MIN).profile;
    expect(p.visits).toBe(1);
    expect(p.session.pageviews).toBe(5);
    expect(p.pageviews).toBe(5);
  });

  it('31 minutes after the last page view: new session, returning visitor', () => {
    const a = view(null, T0, '/a').profile;
    const a2 = view(a, T0 + 10 * MIN, '/a2').profile;
    const now = T0 + 10 * MIN + 31 * MIN;
    const { profile: b, newSession } = view(a2, now, '/b', google);
    expect(newSession).toBe(true);
    expect(b.visits).toBe(2);
    expect(b.pageviews).toBe(3);
    expect(b.prev).toBe(T0 + 10 * MIN);
    expect(b.first).toBe(T0);
    expect(b.session).toEqual({ start: now, pageviews: 1, landing: '/b', touch: google });
    expect(b.firstTouch).toEqual(direct);
    const ctx = visitorContext(b, 'x', now);
    expect(ctx.visitor.isNew).toBe(false);
    expect(ctx.visitor.visits).toBe(2);
    expect(ctx.visitor.pageviews).toBe(3);
    expect(ctx.session).toEqual({ pageviews: 1, seconds: 0, landingPath: '/b' });
  });

  it('counts sessions across several visits and days', () => {
    let p = view(null, T0).profile;
    p = view(p, T0 + 1 * MIN).profile;
    p = view(p, T0 + 2 * DAY).profile; // visit 2
    p = view(p, T0 + 2 * DAY + 5 * MIN).profile;
    p = view(p, T0 + 9 * DAY).profile; // visit 3
    expect(p.visits).toBe(3);
    expect(p.pageviews).toBe(5);
    const ctx = visitorContext(p, 'x', T0 + 9 * DAY + 1 * MIN);
    expect(ctx.visitor.daysSinceFirstVisit).toBe(9);
    // The previous session's last page view was at day 2 + 5 min.
    expect(ctx.visitor.daysSinceLastVisit).toBe(6);
    expect(ctx.visitor.isNew).toBe(false);
  });

  it('does not mutate the input profile', () => {
    const a = view(null, T0).profile;
    const snapshot = JSON.parse(JSON.stringify(a));
    view(a, T0 + 5 * MIN);
    view(a, T0 + 50 * MIN);
    expect(a).toEqual(snapshot);
  });

  it('within a session a direct page view keeps the landing attribution; a new campaign replaces it', () => {
    const a = view(null, T0, '/', email).profile;
    const b = view(a, T0 + MIN, '/x', direct).profile;
    expect(b.session.touch).toEqual(email);
    const c = view(b, T0 + 2 * MIN, '/y', google).profile;
    expect(c.session.touch).toEqual(google);
    expect(c.firstTouch).toEqual(email);
  });

  it('conversions are counted per goal and copied into the context', () => {
    let p = view(null, T0).profile;
    p = recordConversion(p, 'purchase');
    p = recordConversion(p, 'purchase');
    p = recordConversion(p, 'signup');
    expect(p.conversions).toEqual({ purchase: 2, signup: 1 });
    const ctx = visitorContext(p, 'x', T0);
    expect(ctx.visitor.conversions).toEqual({ purchase: 2, signup: 1 });
    ctx.visitor.conversions.purchase = 99;
    expect(p.conversions.purchase).toBe(2);
  });

  // Regression: docs/context.md paths must exist, but a goal without conversions had no count.
  it('every manifest goal has a count in the context, 0 before its first conversion', () => {
    const p = recordConversion(view(null, T0).profile, 'purchase');
    const goals = { purchase: { type: 'event' }, signup: { type: 'event' }, constructor: { type: 'event' } };
    const ctx = visitorContext(p, 'x', T0, goals as never);
    expect(ctx.visitor.conversions).toEqual({ purchase: 1, signup: 0, constructor: 0 });
    expect(p.conversions).toEqual({ purchase: 1 });
  });

  it('a conversion goal named like an Object.prototype member counts from zero', () => {
    for (const goal of ['constructor', 'toString', '__proto__']) {
      let p = recordConversion(view(null, T0).profile, goal);
      p = recordConversion(p, goal);
      expect(Object.getOwnPropertyDescriptor(p.conversions, goal)?.value).toBe(2);
      expect(Object.getPrototypeOf(p.conversions)).toBe(Object.prototype);
    }
  });
});

describe('affinity', () => {
  it('an interest recorded one half-life ago weighs half of a fresh one (default 14 days)', () => {
    const aff = addAffinity({}, 'shoes', T0);
    expect(aff.shoes).toEqual({ s: 1, t: T0 });
    expect(affinityScores(aff, T0).shoes).toBe(1);
    expect(affinityScores(aff, T0 + 14 * DAY).shoes).toBeCloseTo(0.5, 12);
    expect(affinityScores(aff, T0 + 28 * DAY).shoes).toBeCloseTo(0.25, 12);
    expect(affinityScores(aff, T0 + 7 * DAY).shoes).toBeCloseTo(Math.SQRT1_2, 12);
  });

  it('uses the configured half-life', () => {
    const aff = addAffinity({}, 'shoes', T0, 3);
    expect(affinityScores(aff, T0 + 3 * DAY, 3).shoes).toBeCloseTo(0.5, 12);
    expect(affinityScores(aff, T0 + 3 * DAY, 14).shoes).toBeGreaterThan(0.8);
  });

  it('a new page view adds 1 to the decayed score', () => {
    let aff = addAffinity({}, 'shoes', T0);
    aff = addAffinity(aff, 'shoes', T0 + 14 * DAY);
    expect(aff.shoes!.s).toBeCloseTo(1.5, 12);
    expect(aff.shoes!.t).toBe(T0 + 14 * DAY);
  });

  it('a fresh interest outweighs an old one with the same count: context is each share, top is the highest', () => {
    let aff = addAffinity({}, 'bags', T0);
    aff = addAffinity(aff, 'shoes', T0 + 14 * DAY);
    const ctx = affinityContext(aff, T0 + 14 * DAY);
    expect(ctx.shoes).toBeCloseTo(2 / 3, 12);
    expect(ctx.bags).toBeCloseTo(1 / 3, 12);
    expect(ctx.top).toBe('shoes');
  });

  it('shares sum to 1 and top is null without interests', () => {
    expect(affinityContext({}, T0)).toEqual({ top: null });
    let aff = addAffinity({}, 'a', T0);
    aff = addAffinity(aff, 'b', T0 + DAY);
    aff = addAffinity(aff, 'c', T0 + 2 * DAY);
    const ctx = affinityContext(aff, T0 + 3 * DAY);
    expect((ctx.a as number) + (ctx.b as number) + (ctx.c as number)).toBeCloseTo(1, 12);
    expect(ctx.top).toBe('c');
  });

  // Regression: docs/context.md paths must exist, but unvisited categories had no share.
  it('every manifest category has a share in the context, 0 before its first view', () => {
    const categories = { shoes: '/shoes/*', bags: '/bags/*', toString: '/t/*' };
    const ctx = affinityContext(addAffinity({}, 'shoes', T0), T0, 14, categories);
    expect(ctx).toEqual({ top: 'shoes', shoes: 1, bags: 0, toString: 0 });
    expect(affinityContext({}, T0, 14, categories)).toEqual({ top: null, shoes: 0, bags: 0, toString: 0 });
  });

  it('top is null when every score has decayed to zero', () => {
    const aff = addAffinity({}, 'a', T0);
    const ctx = affinityContext(aff, T0 + 1_000_000 * DAY);
    expect(ctx).toEqual({ top: null, a: 0 });
  });

  it('a page without category changes nothing', () => {
    const aff = addAffinity({}, 'a', T0);
    expect(addAffinity(aff, null, T0 + DAY)).toBe(aff);
  });

  it('does not mutate the input', () => {
    const aff = addAffinity({}, 'a', T0);
    const copy = structuredClone(aff);
    addAffinity(aff, 'a', T0 + DAY);
    addAffinity(aff, 'b', T0 + DAY);
    expect(aff).toEqual(copy);
  });

  it('a time going backwards does not inflate the score', () => {
    const aff = addAffinity({}, 'a', T0);
    expect(affinityScores(aff, T0 - DAY).a).toBe(1);
  });

  it('categories named like Object.prototype members start from zero, never NaN', () => {
    for (const name of ['constructor', 'toString', 'hasOwnProperty', 'valueOf']) {
      const aff = addAffinity({}, name, T0);
      expect(aff[name]).toEqual({ s: 1, t: T0 });
      expect(affinityScores(aff, T0)[name]).toBe(1);
      const ctx = affinityContext(addAffinity(aff, 'shoes', T0), T0);
      expect(ctx[name]).toBeCloseTo(0.5, 12);
      expect(ctx.shoes).toBeCloseTo(0.5, 12);
    }
  });

  it('a __proto__ category is inert: no NaN, no prototype change', () => {
    const aff = addAffinity(addAffinity({}, '__proto__', T0), 'shoes', T0);
    expect(Object.getOwnPropertyDescriptor(aff, '__proto__')?.value).toEqual({ s: 1, t: T0 });
    expect(Object.getPrototypeOf(aff)).toBe(Object.prototype);
    const ctx = affinityContext(aff, T0);
    expect(Number.isNaN(ctx.shoes)).toBe(false);
    expect(Object.getPrototypeOf(ctx)).toBe(Object.prototype);
    expect(({} as Record<string, unknown>).s).toBeUndefined();
  });

  describe('page category', () => {
    const categories = { shoes: '/shoes/*', sale: { regex: '^/outlet/' } };
    it('meta tag wins over the manifest categories', () => {
      expect(pageCategory(categories, '/shoes/red', 'boots')).toBe('boots');
    });
    it('else the first manifest category matching the path', () => {
      expect(pageCategory(categories, '/shoes/red', null)).toBe('shoes');
      expect(pageCategory(categories, '/outlet/x', null)).toBe('sale');
      expect(pageCategory(categories, '/about', null)).toBeNull();
      expect(pageCategory(undefined, '/shoes/red', null)).toBeNull();
    });
    it('an empty meta content falls back to the manifest', () => {
      expect(pageCategory(categories, '/shoes/red', '')).toBe('shoes');
    });
  });
});

describe('dataLayer', () => {
  afterEach(() => {
    delete (globalThis as { dataLayer?: unknown }).dataLayer;
  });
  const setLayer = (v: unknown) => {
    (globalThis as { dataLayer?: unknown }).dataLayer = v;
  };

  it('copies only the listed keys, latest value wins', () => {
    setLayer([
      { event: 'gtm.js', loyaltyTier: 'silver', secret: 'x' },
      { cartValue: 10 },
      { loyaltyTier: 'gold' },
      { event: 'other', cartValue: 25.5 },
    ]);
    expect(readDataLayer(['loyaltyTier', 'cartValue'])).toEqual({ loyaltyTier: 'gold', cartValue: 25.5 });
  });

  it('a later push that does not mention a key keeps its earlier value', () => {
    setLayer([{ loyaltyTier: 'gold' }, { event: 'x' }]);
    expect(readDataLayer(['loyaltyTier'])).toEqual({ loyaltyTier: 'gold' });
  });

  it('values pushed after a first read are seen on the next read', () => {
    const layer: unknown[] = [{ tier: 'a' }];
    setLayer(layer);
    expect(readDataLayer(['tier'])).toEqual({ tier: 'a' });
    layer.push({ tier: 'b' });
    expect(readDataLayer(['tier'])).toEqual({ tier: 'b' });
  });

  it('unlisted keys, missing keys and inherited members are not copied', () => {
    setLayer([{ a: 1 }, Object.create({ b: 2 })]);
    expect(readDataLayer(['b', 'c', 'toString'])).toEqual({});
  });

  it('skips gtag arguments objects, primitives and nulls', () => {
    function args(..._: unknown[]) {
      // biome-ignore lint/complexity/noArguments: reproduces gtag's dataLayer.push(arguments)
      return arguments;
    }
    setLayer([args('config', 'G-1'), null, 3, 'str', { tier: 'gold' }]);
    expect(readDataLayer(['tier', '0'])).toEqual({ tier: 'gold', 0: 'config' });
    expect(readDataLayer(['tier'])).toEqual({ tier: 'gold' });
  });

  it('no keys configured or no dataLayer: empty', () => {
    setLayer([{ tier: 'gold' }]);
    expect(readDataLayer(undefined)).toEqual({});
    expect(readDataLayer([])).toEqual({});
    delete (globalThis as { dataLayer?: unknown }).dataLayer;
    expect(readDataLayer(['tier'])).toEqual({});
    setLayer({ tier: 'gold' });
    expect(readDataLayer(['tier'])).toEqual({});
  });

  it('an undefined value reads as null', () => {
    setLayer([{ tier: 'gold' }, { tier: undefined }]);
    expect(readDataLayer(['tier'])).toEqual({ tier: null });
  });
});

describe('behavior', () => {
  it('secondsOnPage follows the clock and restarts on a new page view', () => {
    let now = T0;
    const b = createBehavior(() => now);
    now += 12_500;
    expect(b._values.secondsOnPage).toBe(12);
    b._reset(now);
    expect(b._values.secondsOnPage).toBe(0);
    now += 3_000;
    expect(b._values.secondsOnPage).toBe(3);
    b._stop();
  });

  it('a page that cannot scroll is seen entirely once parsed, and nowhere while still being parsed', () => {
    const b = createBehavior(() => T0);
    // happy-dom lays nothing out: the page cannot scroll.
    const state = vi.spyOn(document, 'readyState', 'get').mockReturnValue('loading');
    expect(b._depth()).toBe(0);
    state.mockReturnValue('interactive');
    expect(b._depth()).toBe(100);
    state.mockRestore();
  });

  it('follows the scroll only when asked to (a manifest that reads behavior.scrollDepth)', () => {
    const add = vi.spyOn(window, 'addEventListener');
    const scrolls = () => add.mock.calls.filter(([type]) => type === 'scroll').length;
    const b = createBehavior(() => T0);
    b._reset(T0, false);
    expect(scrolls()).toBe(0);
    b._reset(T0, true);
    b._reset(T0, true);
    expect(scrolls()).toBe(1);
    b._stop();
    add.mockRestore();
  });

  it('a page view adds a scroll listener only for a manifest that reads behavior.scrollDepth', async () => {
    const add = vi.spyOn(window, 'addEventListener');
    const scrolls = () => add.mock.calls.filter(([type]) => type === 'scroll').length;
    const audience = (path: string) => ({
      version: 1,
      site: 's',
      experiences: [{ id: 'e', audience: { [path]: { $gte: 0 } }, variants: [{ id: 'a', actions: [] }] }],
    });
    const plain = createTailor({ manifest: audience('visitor.visits'), storage: 'memory' });
    await plain.start();
    expect(scrolls()).toBe(0);
    plain.destroy();
    const deep = createTailor({ manifest: audience('behavior.scrollDepth'), storage: 'memory' });
    await deep.start();
    expect(scrolls()).toBe(1);
    expect(deep.context().behavior.scrollDepth).toBe(100);
    deep.destroy();
    add.mockRestore();
  });
});

describe('runtime: sessions with the now option', () => {
  it('29 min → same session, 31 min → new session; visits, isNew and page views follow', async () => {
    localStorage.clear();
    let now = T0;
    const manifest = { version: 1, site: 's', categories: { shoes: '/shoes/*' } };
    const load = async () => {
      const t = createTailor({ manifest, now: () => now });
      await t.start();
      return t;
    };
    history.replaceState(null, '', '/shoes/a');
    let t = await load();
    expect(t.context().visitor).toMatchObject({ isNew: true, visits: 1, pageviews: 1 });
    expect(t.context().session).toMatchObject({ pageviews: 1, landingPath: '/shoes/a' });
    t.destroy();

    now += 29 * MIN;
    history.replaceState(null, '', '/b');
    t = await load();
    expect(t.context().visitor).toMatchObject({ isNew: true, visits: 1, pageviews: 2 });
    expect(t.context().session).toMatchObject({ pageviews: 2, seconds: 29 * 60, landingPath: '/shoes/a' });
    t.destroy();

    now += 31 * MIN;
    history.replaceState(null, '', '/c');
    t = await load();
    expect(t.context().visitor).toMatchObject({
      isNew: false,
      visits: 2,
      pageviews: 3,
      daysSinceLastVisit: 0,
    });
    expect(t.context().session).toMatchObject({ pageviews: 1, seconds: 0, landingPath: '/c' });
    // Affinity from the first page view, still at full weight (same day).
    expect(t.context().affinity).toMatchObject({ top: 'shoes', shoes: 1 });
    t.destroy();
    localStorage.clear();
  });
});

describe('runtime: meta category', () => {
  it('<meta name="tailor:category"> wins over the manifest and feeds affinity', async () => {
    localStorage.clear();
    history.replaceState(null, '', '/shoes/a');
    const meta = document.createElement('meta');
    meta.name = 'tailor:category';
    meta.content = 'boots';
    document.head.append(meta);
    try {
      const t = createTailor({
        manifest: { version: 1, site: 's', categories: { shoes: '/shoes/*' } },
        now: () => T0,
      });
      await t.start();
      expect(t.context().page.category).toBe('boots');
      expect(t.context().affinity).toEqual({ top: 'boots', boots: 1, shoes: 0 });
      t.destroy();
    } finally {
      meta.remove();
      localStorage.clear();
    }
  });
});
