import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { grace, hidePage, newPage, useChromiumAndServer } from './chromium';
import { ALL_BODIES, createCollector } from './collector';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

// docs/consent.md in real Chromium against both tags: opt-in holds everything in memory until a grant,
// a denial drops it, GPC counts as a denial in opt-out mode, forget() leaves no tlr_ trace.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

type W = Window & {
  tailor: Record<
    'track' | 'set' | 'identify' | 'consent' | 'forget' | 'context' | 'variant' | 'segments' | 'on',
    (...a: unknown[]) => unknown
  >;
  __ev: { id: string; type: string }[];
  __err: string[];
};

const RECORD = `<script>window.__ev=[];window.__err=[];window.tailor=window.tailor||[];
tailor.push(function(t){t.on('conversion',function(e){__ev.push(e)});t.on('exposure',function(e){__ev.push(e)});
t.on('error',function(e){__err.push(e.message)})});</script>`;

let count = 0;
function serve(manifest: object, tag: string, attrs = ''): string {
  const path = `/consent-${++count}.html`;
  server.page(
    path,
    `<!doctype html><html><head><title>consent</title>${RECORD}
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(tag, manifest))}</script>
    <script src="/dist/${tag}"${attrs}></script></head>
    <body><h1 id="hero">Hello</h1><button id="signup">Sign up</button></body></html>`,
  );
  return path;
}

const manifest = (endpoint: string, consent: object) => ({
  version: 1,
  site: 'consent-test',
  endpoint,
  consent,
  goals: { signup: { type: 'click', selector: '#signup' }, landed: { type: 'pageview', path: '/*' } },
  experiences: [
    // Needs no stable id: runs without consent.
    { id: 'anon', variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: 'Hi' }] }] },
    // A/B: needs a stable id, does not run without consent.
    {
      id: 'ab',
      variants: [
        { id: 'a', actions: [] },
        { id: 'b', actions: [] },
      ],
    },
  ],
});

const ready = (page: Page) =>
  page.waitForFunction(() => {
    const t = (window as unknown as W).tailor;
    return typeof t?.context === 'function' && !!t.context();
  });
const hide = hidePage;
const tlr = (page: Page) =>
  page.evaluate(() => [
    ...Object.keys(localStorage).filter((k) => k.startsWith('tlr_')),
    ...Object.keys(sessionStorage).filter((k) => k.startsWith('tlr_')),
    ...document.cookie
      .split(';')
      .map((c) => c.trim())
      .filter((c) => c.startsWith('tlr_')),
  ]);
const pageIds = (page: Page) => page.evaluate(() => (window as unknown as W).__ev.map((e) => e.id));

describe.each(TAGS)('consent with dist/%s', (tag) => {
  it.concurrent('opt-in: no tlr_ cookie, key or beacon before consent("granted"); the held events are sent after it', async () => {
    const c = createCollector(server);
    const page = await newPage(browser);
    await page.goto(`${server.url}${serve(manifest(c.path, { mode: 'opt-in' }), tag)}`);
    await ready(page);
    expect(await page.evaluate(() => (window as unknown as W).tailor.context())).toMatchObject({
      consent: { state: 'pending' },
    });
    expect(await page.textContent('#hero')).toBe('Hi');
    expect(await page.evaluate(() => (window as unknown as W).tailor.variant('ab'))).toBeNull();
    await page.click('#signup');
    await page.evaluate(() => {
      for (let i = 0; i < 25; i++) (window as unknown as W).tailor.track('held');
    });
    await hide(page);
    await grace(1000);
    expect(c.requests).toEqual([]);
    expect(await tlr(page)).toEqual([]);
    const held = await pageIds(page);
    expect(held.length).toBe(28); // exposure, pageview goal, click goal, 25 tracked
    await page.evaluate(() => (window as unknown as W).tailor.consent('granted'));
    await c.until((c) => held.every((id) => c.ids(true).has(id)), 4000, 'the held events');
    expect(await tlr(page)).toContain(
      'tlr_id=' +
        (await page.evaluate(() => (window as unknown as W).tailor.context() as { visitor: { id: string } }))
          .visitor.id,
    );
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it.concurrent('opt-in then consent("denied"): the held events are dropped, nothing is written, nothing comes back on the next page view', async () => {
    const c = createCollector(server);
    const page = await newPage(browser);
    const path = serve(manifest(c.path, { mode: 'opt-in' }), tag);
    await page.goto(`${server.url}${path}`);
    await ready(page);
    await page.evaluate(() => {
      for (let i = 0; i < 5; i++) (window as unknown as W).tailor.track('held');
    });
    await page.evaluate(() => (window as unknown as W).tailor.consent('denied'));
    await page.evaluate(() => {
      for (let i = 0; i < 25; i++) (window as unknown as W).tailor.track('after-denial');
    });
    await hide(page);
    await page.reload();
    await ready(page);
    await hide(page);
    await grace(1200);
    expect(c.requests).toEqual([]);
    expect(await tlr(page)).toEqual([]);
    await page.close();
  });

  it.concurrent('GPC in opt-out mode counts as denied: no beacons, no tlr_ keys', async () => {
    const c = createCollector(server);
    const page = await newPage(browser);
    await page.addInitScript(() => {
      Object.defineProperty(Navigator.prototype, 'globalPrivacyControl', {
        configurable: true,
        get: () => true,
      });
    });
    await page.goto(`${server.url}${serve(manifest(c.path, { mode: 'opt-out' }), tag)}`);
    await ready(page);
    expect(await page.evaluate(() => (window as unknown as W).tailor.context())).toMatchObject({
      consent: { state: 'denied' },
    });
    await page.click('#signup');
    await page.evaluate(() => {
      for (let i = 0; i < 25; i++) (window as unknown as W).tailor.track('gpc');
    });
    await hide(page);
    await grace(1000);
    expect(c.requests).toEqual([]);
    expect(await tlr(page)).toEqual([]);
    await page.close();
  });

  it.concurrent('forget() removes every tlr_ key and cookie Tailor wrote and drops the queue; consent("denied") leaves none at all', async () => {
    const c = createCollector(server);
    c.setDefault('hang');
    const page = await newPage(browser);
    await page.goto(`${server.url}${serve(manifest(c.path, { mode: 'opt-out' }), tag)}`);
    await ready(page);
    await page.evaluate(() => (window as unknown as W).tailor.track('queued'));
    // The queue is written by the transport in tailor.post.js, which may still be loading on a busy
    // machine (the core holds events in memory until then): wait for it, then read.
    await page.waitForFunction(() => localStorage.getItem('tlr_queue') !== null);
    const before = await tlr(page);
    expect(before).toEqual(expect.arrayContaining(['tlr_queue', expect.stringMatching(/^tlr_id=/)]));
    const values = () =>
      page.evaluate(() => {
        const out: Record<string, string> = {};
        for (const k of Object.keys(localStorage))
          if (k.startsWith('tlr_')) out[k] = localStorage.getItem(k)!;
        return { out, cookie: document.cookie };
      });
    const old = await values();
    const oldId = (
      await page.evaluate(() => (window as unknown as W).tailor.context() as { visitor: { id: string } })
    ).visitor.id;
    await page.evaluate(() => (window as unknown as W).tailor.forget());
    // With consent still granted, forget() starts over as a new visitor (as the unit suite
    // specifies): the old id, profile and queued events are gone; a fresh id may be written.
    const after = await values();
    expect(after.cookie).not.toContain(oldId);
    for (const [k, v] of Object.entries(after.out)) expect(v, k).not.toContain(oldId);
    expect(JSON.parse(after.out.tlr_queue || '{"e":[]}').e).toEqual([]);
    expect(Object.keys(old.out).length).toBeGreaterThan(0);
    // consent('denied') forgets and stops writing: nothing with the tlr_ prefix is left.
    await page.evaluate(() => (window as unknown as W).tailor.consent('denied'));
    expect(await tlr(page)).toEqual([]);
    c.release();
    await page.close();
  });
});

it('no beacon body of this file carries a trait, site data or query string', () => {
  for (const b of ALL_BODIES) expect(b).not.toMatch(/traits|"data"|\?/);
});
