/**
 * `?tailor_force` in real Chromium, as the red team used it: a link to
 * `/home?tailor_force=outlet:go` (an experience that lives on /outlet only, for VIPs, whose
 * variant is a redirect) redirected /home, then every later page of the session. A force now
 * respects the experience's pages and consent, still overrides its audience (QA needs that), and
 * a site can turn it off with `"qa": false`.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const manifest = (extra: Record<string, unknown> = {}) => ({
  version: 1,
  site: 'force-test',
  segments: { vip: { 'visitor.traits.tier': 'vip' } },
  experiences: [
    {
      id: 'outlet',
      pages: { include: ['/force/outlet'] },
      audience: { $segment: 'vip' },
      variants: [{ id: 'go', actions: [{ type: 'redirect', url: '/force/landed' }] }],
    },
    {
      id: 'hero',
      variants: [
        { id: 'a', actions: [] },
        { id: 'b', actions: [{ type: 'text', selector: 'h1', value: 'Forced B' }] },
      ],
    },
  ],
  ...extra,
});

function pages(file: string, m: unknown): void {
  const html = (title: string) => `<!doctype html><html><head>
<script>window.__exp = []; window.tailor = [function (t) { t.on('exposure', function (e) { __exp.push(e); }); }];</script>
<script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(file, m))}</script>
<script src="/dist/${file}"></script></head><body><h1>${title}</h1></body></html>`;
  for (const p of ['home', 'checkout', 'outlet', 'landed']) server.page(`/force/${p}`, html(p));
}

/** Waits until the tag has decided on this page. */
const ready = (page: Page) =>
  page.waitForFunction(() => {
    const t = (window as unknown as { tailor?: { context?: () => unknown } }).tailor;
    return typeof t?.context === 'function' && !!t.context();
  });

describe.each(TAGS)('%s', (file) => {
  it('a forged force link redirects neither its own page nor later pages outside the experience', async () => {
    pages(file, manifest());
    const context = await browser.newContext();
    try {
      const page = await newPage(context as unknown as Browser);
      await page.goto(`${server.url}/force/home?tailor_force=outlet:go`);
      await ready(page);
      expect(new URL(page.url()).pathname).toBe('/force/home');
      await page.goto(`${server.url}/force/checkout`);
      await ready(page);
      expect(new URL(page.url()).pathname).toBe('/force/checkout');
      // On the experience's own page the force still works, whatever the audience says (QA).
      await page.goto(`${server.url}/force/outlet`);
      await page.waitForURL(/\/force\/landed/);
      expect(page.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });

  it('without consent a forced two-variant experience does not run; once granted it does', async () => {
    pages(file, manifest({ consent: { mode: 'opt-in' } }));
    const page = await newPage(browser);
    await page.goto(`${server.url}/force/home?tailor_force=hero:b`);
    await ready(page);
    expect(await page.textContent('h1')).toBe('home');
    expect(
      await page.evaluate(() =>
        (window as unknown as { tailor: { variant(id: string): unknown } }).tailor.variant('hero'),
      ),
    ).toBeNull();
    await page.evaluate(() =>
      (window as unknown as { tailor: { consent(s: string): void } }).tailor.consent('granted'),
    );
    await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'Forced B');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it.each([
    ['on by default', {}, { variant: 'b', forced: true }],
    ['off with "qa": false', { qa: false }, {}],
  ])('the parameter is %s', async (_, extra, expected) => {
    pages(file, manifest(extra));
    const page = await newPage(browser);
    await page.goto(`${server.url}/force/home?tailor_force=hero:b`);
    await ready(page);
    await page.waitForFunction(() =>
      (window as unknown as { __exp: { experience: string }[] }).__exp.some((e) => e.experience === 'hero'),
    );
    const exposure = await page.evaluate(() =>
      (window as unknown as { __exp: { experience: string }[] }).__exp.find((e) => e.experience === 'hero'),
    );
    expect(exposure).toMatchObject(expected);
    if (!('forced' in expected)) expect(exposure).not.toHaveProperty('forced');
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
