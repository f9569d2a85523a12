/**
 * The debug view (`?tailor_debug=1`, dist/tailor.debug.js loaded lazily by either tag) and the
 * GTM / GA4 dataLayer pushes, in real Chromium against the built files.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grace, launchChromium, newPage } from './chromium';
import { ROOT, startServer, type TestServer } from './server';
import { manifestFor, TAGS, tagDir } from './tags';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'dist/tailor.debug.js')))
    throw new Error('dist/tailor.debug.js is missing: run "npm run build" first.');
  [browser, server] = await Promise.all([launchChromium(), startServer()]);
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const text = (id: string, selector = '#hero') => ({
  id,
  variants: [{ id: 'on', actions: [{ type: 'text', selector, value: `by ${id}` }] }],
});

/** One experience per reason of the issue (consent has its own page: it needs opt-in). */
const REASONS = {
  version: 1,
  site: 'debug-test',
  segments: { everyone: {}, vip: { 'visitor.traits.tier': 'gold' } },
  goals: { purchase: { type: 'event' } },
  experiences: [
    text('shown'),
    { ...text('elsewhere'), pages: { include: ['/checkout/*'] } },
    { ...text('vip-only', '#v'), audience: { $segment: 'vip' } },
    { ...text('no-traffic'), traffic: 0 },
    { ...text('held', '#held'), holdout: 100 },
    { ...text('layer-a', '#a'), layer: 'hero', priority: 10 },
    { ...text('layer-b', '#b'), layer: 'hero' },
    { ...text('capped', '#c'), frequency: { perSession: 1 } },
  ],
};

let seq = 0;
/** A page under the strict CSP of security.test.ts (nonce, strict-dynamic, Trusted Types). */
function addPage(file: string, manifest: object, opts: { head?: string; tag?: string } = {}): string {
  const p = `/debug-${++seq}.html`;
  const nonce = randomBytes(16).toString('base64');
  server.page(
    p,
    `<!doctype html><html><head><title>debug</title>
<script nonce="${nonce}">
window.__viol = [];
document.addEventListener('securitypolicyviolation', function (e) { __viol.push(e.violatedDirective + ' ' + e.blockedURI); });
${opts.head || ''}
</script>
<script nonce="${nonce}" type="application/json" id="tailor-manifest">${json(manifestFor(file, manifest))}</script>
<script nonce="${nonce}" src="/dist/${file}"${opts.tag || ''}></script></head>
<body><h1 id="hero">Hello</h1><p id="held">h</p><p id="a">a</p><p id="b">b</p><p id="c">c</p><p id="v">v</p>
<p style="height:3000px">long</p></body></html>`,
    {
      'content-security-policy': `script-src 'nonce-${nonce}' 'strict-dynamic'; require-trusted-types-for 'script'`,
    },
  );
  return p;
}

type Tracked = Page & { errors: string[]; logs: string[]; loaded: string[] };
async function open(url: string): Promise<Tracked> {
  const page = (await newPage(browser)) as Tracked;
  page.logs = [];
  page.loaded = [];
  page.on('console', (m) => {
    if (m.text().startsWith('[tailor] debug:')) page.logs.push(m.text());
  });
  page.on('request', (r) => page.loaded.push(new URL(r.url()).pathname));
  await page.goto(url);
  return page;
}

/** The overlay's rows as [experience, variant, reason], keyed by experience id. */
const overlay = (page: Page) =>
  page.evaluate(() => {
    const root = document.querySelector('[data-tailor-debug]');
    if (!root) return null;
    const rows: Record<string, string[]> = {};
    for (const tr of root.querySelectorAll('tbody tr[data-experience]'))
      rows[tr.getAttribute('data-experience')!] = [...tr.querySelectorAll('td')].map(
        (td) => td.textContent || '',
      );
    const box = root.getBoundingClientRect();
    return {
      text: root.textContent || '',
      rows,
      position: getComputedStyle(root).position,
      inViewport: box.right <= innerWidth && box.bottom <= innerHeight && box.width > 0,
    };
  });

describe.each(TAGS)('dist/%s', (file) => {
  it('?tailor_debug=1 shows segments and the reason for each experience, and logs the same', async () => {
    const page = await open(`${server.url}${addPage(file, REASONS)}?tailor_debug=1`);
    await page.waitForSelector('[data-tailor-debug] tbody tr');
    const before = await page.evaluate(() => document.querySelector('#hero')!.getBoundingClientRect().top);
    const o = (await overlay(page))!;
    expect(o.position).toBe('fixed');
    expect(o.inViewport).toBe(true);
    expect(o.text).toContain('Segments: everyone');
    const reason = (id: string) => o.rows[id]?.slice(1);
    expect(reason('shown')).toEqual(['on', 'shown']);
    expect(reason('elsewhere')).toEqual(['—', 'not on this page']);
    expect(reason('vip-only')).toEqual(['—', 'audience false']);
    expect(reason('no-traffic')).toEqual(['—', 'outside traffic (0%)']);
    expect(reason('held')).toEqual(['holdout', 'holdout (this experience), exposed']);
    expect(reason('layer-a')).toEqual(['on', 'shown']);
    expect(reason('layer-b')).toEqual(['—', 'layer "hero" taken by layer-a']);
    expect(reason('capped')).toEqual(['on', 'shown']);
    // The overlay does not move the page.
    expect(await page.evaluate(() => document.querySelector('#hero')!.getBoundingClientRect().top)).toBe(
      before,
    );

    // The next page view of the session: the frequency cap holds `capped` back.
    await page.evaluate(() => history.pushState(null, '', `${location.pathname}?tailor_debug=1&next=1`));
    await page.waitForFunction(() =>
      document
        .querySelector('[data-tailor-debug] tr[data-experience="capped"]')
        ?.textContent?.includes('frequency'),
    );
    expect((await overlay(page))!.rows.capped?.slice(1)).toEqual(['on', 'frequency cap (or dismissed)']);

    // The console has the same lines.
    for (const line of [
      'segments: everyone',
      'shown → on: shown',
      'elsewhere → —: not on this page',
      'vip-only → —: audience false',
      'no-traffic → —: outside traffic (0%)',
      'held → holdout: holdout (this experience), exposed',
      'layer-b → —: layer "hero" taken by layer-a',
      'capped → on: frequency cap (or dismissed)',
    ])
      expect(page.logs).toContain(`[tailor] debug: ${line}`);

    // Loaded under the strict CSP without a violation or an error; closable.
    expect(page.loaded.filter((r) => r === `${tagDir(file)}tailor.debug.js`)).toHaveLength(1);
    expect(await page.evaluate(() => (window as unknown as { __viol: string[] }).__viol)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.click('[data-tailor-debug] button[aria-label*="Close"]');
    expect(await overlay(page)).toBeNull();
    await page.close();
  });

  it('?tailor_debug=1 says "waiting for consent" for an A/B test under opt-in consent', async () => {
    const manifest = {
      version: 1,
      site: 'debug-test',
      consent: { mode: 'opt-in' },
      experiences: [text('anonymous'), { id: 'ab', variants: [{ id: 'a' }, { id: 'b' }] }],
    };
    const page = await open(`${server.url}${addPage(file, manifest)}?tailor_debug=1`);
    await page.waitForSelector('[data-tailor-debug] tbody tr');
    const o = (await overlay(page))!;
    expect(o.text).toContain('consent: pending');
    expect(o.rows.anonymous?.slice(1)).toEqual(['on', 'shown']);
    expect(o.rows.ab?.slice(1)).toEqual(['—', 'waiting for consent']);
    expect(page.logs).toContain('[tailor] debug: ab → —: waiting for consent');
    // Granting consent re-decides, and the view follows.
    await page.evaluate(() =>
      (window as unknown as { tailor: { consent(s: string): void } }).tailor.consent('granted'),
    );
    await page.waitForFunction(
      () =>
        !document
          .querySelector('[data-tailor-debug] tr[data-experience="ab"]')
          ?.textContent?.includes('consent'),
    );
    expect(page.errors).toEqual([]);
    await page.close();
  });

  // Regression: the tag kept its command queue off `window.tailor` while a remote manifest
  // loaded, so commands pushed in that window (here, by the debug view) were lost.
  it('works when the debug view loads before a remote manifest arrives', async () => {
    const m = `/debug-manifest-${++seq}.json`;
    const json = JSON.stringify(manifestFor(file, REASONS));
    server.route(m, (_, res) => {
      // The manifest answers late on purpose: the debug view must load first.
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end(json), 300);
    });
    const p = `/debug-remote-${seq}.html`;
    server.page(
      p,
      `<!doctype html><html><head><script src="/dist/${file}" data-manifest="${m}"></script></head>
<body><h1 id="hero">Hello</h1></body></html>`,
    );
    const page = await open(`${server.url}${p}?tailor_debug=1`);
    await page.waitForSelector('[data-tailor-debug] tr[data-experience="shown"]');
    expect((await overlay(page))!.rows.shown?.slice(1)).toEqual(['on', 'shown']);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('without the flag loads nothing more and shows no overlay', async () => {
    const page = await open(`${server.url}${addPage(file, REASONS)}`);
    await page.waitForFunction(() => document.querySelector('#hero')?.textContent === 'by shown');
    await grace(300); // the debug chunk would load now
    expect(page.loaded.filter((r) => r.includes('tailor.debug'))).toEqual([]);
    expect(await overlay(page)).toBeNull();
    expect(page.logs).toEqual([]);
    // Other values of the parameter do not turn it on either.
    await page.goto(`${server.url}${addPage(file, REASONS)}?tailor_debug=0&x_tailor_debug=1`);
    await grace(300); // the debug chunk would load now
    expect(page.loaded.filter((r) => r.includes('tailor.debug'))).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('GA4/GTM: pushes tailor_exposure and tailor_conversion to an existing window.dataLayer', async () => {
    const page = await open(`${server.url}${addPage(file, REASONS, { head: 'window.dataLayer = [];' })}`);
    await page.waitForFunction(() => document.querySelector('#hero')?.textContent === 'by shown');
    await page.evaluate(() => {
      const t = (
        window as unknown as {
          tailor: { track(g: string, p?: object): void; identify(u: string, t: object): void };
        }
      ).tailor;
      t.identify('user-1', { tier: 'gold', email: 'ada@example.com' });
      t.track('purchase', { value: 20 });
      t.track('purchase');
    });
    const pushes = await page.evaluate(() =>
      JSON.parse(JSON.stringify((window as unknown as { dataLayer: object[] }).dataLayer)),
    );
    const exposures = pushes.filter((x: { event: string }) => x.event === 'tailor_exposure');
    expect(exposures).toEqual(
      expect.arrayContaining([
        { event: 'tailor_exposure', experience: 'shown', variant: 'on' },
        { event: 'tailor_exposure', experience: 'held', variant: 'holdout' },
        { event: 'tailor_exposure', experience: 'layer-a', variant: 'on' },
        { event: 'tailor_exposure', experience: 'capped', variant: 'on' },
        // identify() put the visitor into `vip`: that exposure is pushed as it happens.
        { event: 'tailor_exposure', experience: 'vip-only', variant: 'on' },
      ]),
    );
    expect(exposures).toHaveLength(5);
    expect(pushes.filter((x: { event: string }) => x.event === 'tailor_conversion')).toEqual([
      { event: 'tailor_conversion', goal: 'purchase', value: 20 },
      { event: 'tailor_conversion', goal: 'purchase' },
    ]);
    const raw = JSON.stringify(pushes);
    for (const secret of ['user-1', 'gold', 'ada@example.com']) expect(raw).not.toContain(secret);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('GA4/GTM: "analytics": { "dataLayer": false } pushes nothing', async () => {
    const manifest = { ...REASONS, analytics: { dataLayer: false } };
    const page = await open(`${server.url}${addPage(file, manifest, { head: 'window.dataLayer = [];' })}`);
    await page.waitForFunction(() => document.querySelector('#hero')?.textContent === 'by shown');
    await page.evaluate(() =>
      (window as unknown as { tailor: { track(g: string): void } }).tailor.track('purchase'),
    );
    expect(await page.evaluate(() => (window as unknown as { dataLayer: object[] }).dataLayer)).toEqual([]);
    await page.close();
  });
});
