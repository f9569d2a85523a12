// @vitest-environment happy-dom
// Points of the documented contract (docs/api.md, docs/experiences.md, docs/events.md), each a test that
// failed before its fix.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Manifest, Tailor, TailorError } from '../../src/manifest/types';
import { createTailor } from '../../src/runtime';

const NOW = Date.UTC(2026, 10, 24, 12, 0, 0);
const made: Tailor[] = [];
const make = (manifest: unknown, opts: Record<string, unknown> = {}) => {
  const t = createTailor({ manifest, now: () => NOW, ...opts });
  made.push(t);
  return t;
};
const errorsOf = (t: Tailor) => {
  const errors: TailorError[] = [];
  t.on('error', (e) => errors.push(e));
  return errors;
};

beforeEach(() => {
  localStorage.clear();
  sessionStorage.clear();
  for (const c of document.cookie.split(';'))
    document.cookie = `${c.split('=')[0]!.trim()}=; max-age=0; path=/`;
  document.body.innerHTML = '<h1 id="hero">orig</h1>';
  history.replaceState(null, '', '/');
});
afterEach(() => {
  for (const t of made.splice(0)) t.destroy();
});

const ab = (extra: Partial<Manifest> = {}): Manifest => ({
  version: 1,
  site: 'test',
  goals: { g: { type: 'event' } },
  experiences: [
    {
      id: 'hero',
      variants: [
        { id: 'control', actions: [] },
        { id: 'b', actions: [{ type: 'text', selector: '#hero', value: 'B' }] },
      ],
    },
  ],
  ...extra,
});

describe('tailor_force holds for the session (docs/experiences.md#assignment)', () => {
  it('keeps the forced variant after an SPA navigation and on the next page load', async () => {
    history.replaceState(null, '', '/a?tailor_force=hero:b');
    const t = make(ab());
    await t.start();
    expect(t.variant('hero')).toBe('b');
    history.pushState(null, '', '/b');
    expect(t.variant('hero')).toBe('b');
    expect(document.getElementById('hero')!.textContent).toBe('B');
    t.destroy();
    // A new page load in the same session (same sessionStorage).
    const next = make(ab());
    await next.start();
    expect(next.variant('hero')).toBe('b');
  });

  it('an empty tailor_force ends it', async () => {
    history.replaceState(null, '', '/a?tailor_force=hero:b');
    await make(ab()).start();
    history.replaceState(null, '', '/a?tailor_force=');
    const t = make(ab());
    const events: { forced?: boolean }[] = [];
    t.on('exposure', (e) => events.push(e));
    await t.start();
    expect(events.every((e) => !e.forced)).toBe(true);
  });

  it('a conversion carries the visitor’s own (sticky) variant, not the forced one', async () => {
    const own = make(ab());
    await own.start();
    const mine = own.variant('hero')!;
    own.destroy();
    const other = mine === 'b' ? 'control' : 'b';
    history.replaceState(null, '', `/a?tailor_force=hero:${other}`);
    const t = make(ab());
    const conversions: { assignments: Record<string, string> }[] = [];
    t.on('conversion', (e) => conversions.push(e));
    await t.start();
    expect(t.variant('hero')).toBe(other);
    t.track('g');
    expect(conversions[0]!.assignments.hero).toBe(mine);
  });
});

describe('SPA navigation keeps the session’s traffic touch (docs/context.md)', () => {
  it('does not turn the stale document.referrer into a new touch, and names the previous page as referrer', async () => {
    Object.defineProperty(document, 'referrer', { value: 'https://l.facebook.com/', configurable: true });
    try {
      history.replaceState(null, '', '/?utm_source=news&utm_medium=email&utm_campaign=spring');
      const t = make({ version: 1, site: 'test' });
      await t.start();
      expect(t.context().traffic).toMatchObject({ source: 'news', medium: 'email', campaign: 'spring' });
      history.pushState(null, '', '/shoes');
      // The history listener comes with the post-paint part (an import() here): on a busy
      // machine it may arrive after the pushState, and then catches up with it.
      await vi.waitFor(() => expect(t.context().session.pageviews).toBe(2));
      const c = t.context();
      expect(c.traffic).toMatchObject({ source: 'news', medium: 'email', campaign: 'spring' });
      expect(c.page.referrer).toBe(
        `${location.origin}/?utm_source=news&utm_medium=email&utm_campaign=spring`,
      );
      expect(c.session.pageviews).toBe(2);
    } finally {
      Object.defineProperty(document, 'referrer', { value: '', configurable: true });
    }
  });
});

describe('a closed banner stays closed for the page view (docs/experiences.md#actions)', () => {
  it('does not come back when identify() changes its template', async () => {
    const t = make({
      version: 1,
      site: 'test',
      experiences: [
        {
          id: 'hi',
          frequency: { dismissDays: 7 },
          variants: [{ id: 'on', actions: [{ type: 'banner', value: 'Hi {{visitor.traits.name|there}}' }] }],
        },
      ],
    });
    await t.start();
    const close = document.querySelector<HTMLElement>(
      '.tailor-banner [aria-label="Close"], .tailor-banner button',
    );
    expect(close).not.toBeNull();
    close!.click();
    expect(document.querySelector('.tailor-banner')).toBeNull();
    t.identify('u1', { name: 'Bob' });
    expect(document.querySelector('.tailor-banner')).toBeNull();
  });
});

describe('API robustness (docs/api.md: nothing throws into the page)', () => {
  it('a destroyed instance ignores later navigations, even through a newer instance’s history patch', async () => {
    const old = make(ab());
    await old.start();
    const newer = make(ab());
    await newer.start();
    old.destroy();
    localStorage.clear();
    history.pushState(null, '', '/next');
    // Only the live instance counted the navigation; the destroyed one wrote nothing back.
    expect(newer.context().page.path).toBe('/next');
    expect(JSON.parse(localStorage.getItem('tlr_profile') || '{}').pageviews ?? 0).toBeLessThanOrEqual(
      newer.context().visitor.pageviews,
    );
    newer.destroy();
    localStorage.clear();
    history.pushState(null, '', '/after');
    expect(localStorage.getItem('tlr_profile')).toBeNull();
  });

  it('on() accepts event names like Object.prototype members', async () => {
    const t = make(ab());
    for (const name of ['constructor', '__proto__', 'toString', 'hasOwnProperty'])
      expect(() => t.on(name as never, () => {})).not.toThrow();
    await expect(t.start()).resolves.toBeUndefined();
  });

  it('createTailor() with no, null or odd options runs and reports the missing manifest', async () => {
    for (const opts of [undefined, null, { manifest: ab(), now: 5 }]) {
      let t: Tailor | undefined;
      expect(() => {
        t = createTailor(opts as never);
      }).not.toThrow();
      made.push(t!);
      const errors = errorsOf(t!);
      await t!.start();
      if (opts) expect(t!.variant('hero')).not.toBeNull();
      else expect(errors.map((e) => e.message)).toEqual([expect.stringContaining('must be a JSON object')]);
    }
  });

  it('a second start() waits for the first run', async () => {
    const t = make(ab());
    const first = t.start();
    const second = t.start();
    expect(second).toBe(first);
    await second;
    expect(t.variant('hero')).not.toBeNull();
  });

  it('page() before start() does nothing: start() counts the first page view', async () => {
    const t = make(ab());
    const exposures: unknown[] = [];
    t.on('exposure', (e) => exposures.push(e));
    t.page();
    await t.start();
    expect(t.context().visitor.pageviews).toBe(1);
    expect(exposures).toHaveLength(1);
  });

  it('an initial consent other than granted, denied or pending is reported and ignored', async () => {
    const t = make(ab(), { consent: 'yes' });
    const errors = errorsOf(t);
    await t.start();
    expect(t.context().consent.state).toBe('granted');
    expect(errors).toEqual([{ path: 'consent', message: expect.stringContaining('"yes"') }]);
  });
});

describe('pageview goals count after the page’s exposures (docs/collector.md)', () => {
  it('sends the conversion of a pageview goal after the exposure of the same page', async () => {
    const t = make(ab({ goals: { landed: { type: 'pageview', path: '/' } } }));
    const order: string[] = [];
    t.on('exposure', () => order.push('exposure'));
    t.on('conversion', (e) => order.push(`conversion ${e.goal}`));
    // The tag runs in <head>: the element arrives after the decision, while the document parses.
    document.body.innerHTML = '';
    Object.defineProperty(document, 'readyState', { value: 'loading', configurable: true });
    try {
      await t.start();
      document.body.innerHTML = '<h1 id="hero">orig</h1>';
      await vi.waitFor(() => expect(order).toEqual(['exposure']), { timeout: 10_000 });
    } finally {
      delete (document as { readyState?: unknown }).readyState;
    }
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(order).toEqual(['exposure', 'conversion landed']);
  });
});

describe('dataLayer keys follow later pushes (docs/manifest.md)', () => {
  it('re-decides when a listed key is pushed after the decision, and stops after destroy()', async () => {
    const w = window as unknown as { dataLayer?: unknown[] };
    delete w.dataLayer;
    const t = make({
      version: 1,
      site: 'test',
      dataLayer: ['tier'],
      segments: { gold: { 'data.tier': 'gold' } },
      experiences: [
        {
          id: 'gold',
          audience: { $segment: 'gold' },
          variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: 'Gold' }] }],
        },
      ],
    });
    await t.start();
    expect(t.variant('gold')).toBeNull();
    w.dataLayer!.push({ event: 'page', other: 1 });
    expect(t.variant('gold')).toBeNull();
    w.dataLayer!.push({ tier: 'gold' });
    expect(t.segments()).toEqual(['gold']);
    expect(document.getElementById('hero')!.textContent).toBe('Gold');
    t.destroy();
    w.dataLayer!.push({ tier: 'silver' });
    expect(t.segments()).toEqual(['gold']);
    expect(w.dataLayer!.at(-1)).toEqual({ tier: 'silver' });
    delete w.dataLayer;
  });
});

describe('runtime edge cases', () => {
  const base = { version: 1, site: 's' };
  let t: Tailor | null = null;
  beforeEach(() => {
    document.body.innerHTML = '<h1 id="h">Original</h1><p id="p">P</p>';
    localStorage.clear();
    sessionStorage.clear();
    history.replaceState(null, '', '/');
  });
  afterEach(() => {
    t?.destroy();
    t = null;
  });

  it("closing a banner keeps the variant's other changes at the next re-decide", async () => {
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'e',
            variants: [
              {
                id: 'v',
                actions: [
                  { type: 'text', selector: '#h', value: 'Personalized' },
                  { type: 'banner', value: 'Hi', position: 'top' },
                ],
              },
            ],
          },
        ],
      } as never,
      storage: 'memory',
    });
    await t.start();
    expect(document.getElementById('h')!.textContent).toBe('Personalized');
    (document.querySelector('.tailor-close') as HTMLElement).click();
    t.track('anything');
    expect(document.getElementById('h')!.textContent).toBe('Personalized');
  });

  it('start() after destroy() patches no history method and adds no listener', async () => {
    const orig = history.pushState;
    const add = vi.spyOn(document, 'addEventListener');
    t = createTailor({
      manifest: { ...base, goals: { g: { type: 'click', selector: '#h' } }, experiences: [] } as never,
      storage: 'memory',
    });
    t.destroy();
    await t.start();
    const leaked = history.pushState !== orig;
    const listeners = add.mock.calls.length;
    add.mockRestore();
    t.destroy(); // clean up for the next test
    expect(leaked).toBe(false);
    expect(listeners).toBe(0);
  });

  it('a redirect URL that URL() rejects is reported, and the other experiences still render', async () => {
    const errors: unknown[] = [];
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'go',
            variants: [{ id: 'v', actions: [{ type: 'redirect', url: 'https://shop.example.com:8o8o/x' }] }],
          },
          {
            id: 'txt',
            variants: [{ id: 'v', actions: [{ type: 'text', selector: '#h', value: 'Other experience' }] }],
          },
        ],
      } as never,
      storage: 'memory',
    });
    t.on('error', (e) => errors.push(e));
    let ready = false;
    t.on('ready', () => {
      ready = true;
    });
    await t.start();
    expect(document.getElementById('h')!.textContent).toBe('Other experience');
    expect(ready).toBe(true);
    expect(errors).toEqual([
      expect.objectContaining({ message: expect.stringContaining('not a valid URL') }),
    ]);
  });

  it('a data-tailor-set click that leads to an unparsable redirect throws nothing into the page', async () => {
    t = createTailor({
      manifest: {
        ...base,
        experiences: [
          {
            id: 'go',
            audience: { 'visitor.traits.role': 'dev' },
            variants: [{ id: 'v', actions: [{ type: 'redirect', url: 'https://shop.example.com:8o8o/x' }] }],
          },
        ],
      } as never,
      storage: 'memory',
    });
    await t.start();
    document.body.insertAdjacentHTML('beforeend', '<button id="b" data-tailor-set="role=dev">dev</button>');
    const errs: unknown[] = [];
    const onErr = (e: ErrorEvent) => {
      errs.push(e.error?.message || e.message);
      e.preventDefault?.();
    };
    window.addEventListener('error', onErr);
    let thrown: unknown = null;
    try {
      document.getElementById('b')!.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    } catch (e) {
      thrown = e;
    }
    window.removeEventListener('error', onErr);
    expect(thrown || errs.length ? 'leaked' : 'ok').toBe('ok');
  });

  it('a dataLayer push from an exposure handler re-decides once, after the render', async () => {
    (window as unknown as { dataLayer: unknown[] }).dataLayer = [];
    const errors: unknown[] = [];
    t = createTailor({
      manifest: {
        version: 1,
        site: 's',
        dataLayer: ['tier'],
        experiences: [
          {
            id: 'a',
            variants: [
              { id: 'v', actions: [{ type: 'text', selector: '#h', value: 'tier={{data.tier|none}}' }] },
            ],
          },
        ],
      } as never,
      storage: 'memory',
    });
    t.on('error', (e) => errors.push(e));
    let n = 0;
    t.on('exposure', () => {
      n++;
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ tier: `gold${n}` });
    });
    await t.start();
    // The push from the handler re-decides: wait until that second render shows, then destroy.
    await vi.waitFor(() => expect(document.getElementById('h')!.textContent).toBe('tier=gold1'), {
      timeout: 10_000,
    });
    expect(n).toBe(1);
    expect(errors).toEqual([]);
    t.destroy();
    t = null;
    expect(document.getElementById('h')!.textContent).toBe('Original');
  });
});
