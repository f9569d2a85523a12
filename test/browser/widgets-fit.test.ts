import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { budget, newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

// Banners fit any site (docs/experiences.md#widgets): they never cover the site's own header,
// inline markup reads as one line of text, and any rule of the site's CSS wins over Tailor's.
// At a desktop and a phone width.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

/** A shop-like page: a header with a nav bar at the top, the site's own banner theme, content. */
function shopPage(file: string, position: 'top' | 'bottom'): string {
  const manifest = {
    version: 1,
    site: 'widgets-fit',
    experiences: [
      {
        id: 'email-banner',
        variants: [
          {
            id: 'on',
            actions: [
              {
                type: 'banner',
                position,
                theme: 'email',
                value: 'Use code <strong>EMAIL10</strong> for <em>10%</em> off your next order, today only',
              },
            ],
          },
        ],
      },
    ],
  };
  return `<!doctype html><html><head><title>fit</title>
    <meta name="viewport" content="width=device-width">
    <style>
      body { margin: 0; font: 16px/1.4 sans-serif; }
      header { display: flex; gap: 1rem; align-items: center; padding: .75rem 1rem; background: #eee; }
      nav { display: flex; gap: .75rem; flex-wrap: wrap; }
      footer nav a { padding: .5rem; }
      .tailor-banner--email { background: rgb(31, 78, 121); }
      .tailor-banner { color: rgb(255, 255, 0); }
    </style>
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(file, manifest))}</script>
    <script src="/dist/${file}"></script></head>
    <body>
      <header><a id="logo" href="/">Logo</a>
        <nav><a href="/shoes">Shoes</a><a href="/bags">Bags</a><a href="/sale">Sale</a>
          <a href="/account">Account</a><a href="/bag">Bag</a></nav></header>
      <main>${'<p>Lorem ipsum dolor sit amet, consectetur adipiscing elit.</p>'.repeat(40)}</main>
      <footer><nav><a href="/contact">Contact</a><a href="/terms">Terms</a></nav></footer>
    </body></html>`;
}

describe.each(TAGS)('dist/%s', (file) => {
  describe.each([
    { width: 1280, height: 800 },
    { width: 390, height: 844 },
  ])('at $width px', (viewport) => {
    it.each(['top', 'bottom'] as const)(
      'a %s banner covers no link of the header, and every link can be reached',
      async (position) => {
        const path = `/fit-${position}-${viewport.width}-${file}.html`;
        server.page(path, shopPage(file, position));
        const page = await newPage(browser);
        await page.setViewportSize(viewport);
        await page.goto(server.url + path);
        await page.waitForSelector('.tailor-banner', { timeout: budget(5000) });
        // Each link of the header: what is at its centre is the link itself.
        const header = await page.$$eval('header a', (links) =>
          links.map((a) => {
            const r = a.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return [a.textContent, !!hit && a.contains(hit)];
          }),
        );
        expect(header).toEqual(['Logo', 'Shoes', 'Bags', 'Sale', 'Account', 'Bag'].map((t) => [t, true]));
        // The footer's links too, once scrolled to the end: the banner has room below them.
        await page.evaluate(() => window.scrollTo(0, document.documentElement.scrollHeight));
        await page.waitForFunction(
          () => {
            const a = document.querySelector('footer a')!.getBoundingClientRect();
            const banner = document.querySelector('.tailor-banner')!.getBoundingClientRect();
            return a.bottom <= banner.top || a.top >= banner.bottom;
          },
          undefined,
          { timeout: budget(5000) },
        );
        const footer = await page.$$eval('footer a', (links) =>
          links.map((a) => {
            const r = a.getBoundingClientRect();
            const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
            return !!hit && a.contains(hit);
          }),
        );
        expect(footer).toEqual([true, true]);
        // Nothing wider than the screen.
        expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(
          viewport.width,
        );
        expect(page.errors).toEqual([]);
        await page.close();
      },
    );

    it('inline markup reads as text that wraps, not as columns; the site’s CSS wins', async () => {
      const path = `/fit-inline-${viewport.width}-${file}.html`;
      server.page(path, shopPage(file, 'top'));
      const page = await newPage(browser);
      await page.setViewportSize(viewport);
      await page.goto(server.url + path);
      await page.waitForSelector('.tailor-banner', { timeout: budget(5000) });
      const m = await page.evaluate(() => {
        const banner = document.querySelector('.tailor-banner')!;
        const strong = banner.querySelector('strong')!;
        const range = document.createRange();
        range.selectNodeContents(banner.firstChild!);
        const before = range.getClientRects()[0]!;
        const style = getComputedStyle(banner);
        return {
          display: style.display,
          // "Use code" and "EMAIL10" sit on one line, one after the other.
          sameLine: Math.abs(strong.getBoundingClientRect().top - before.top) < 4,
          inOrder: strong.getBoundingClientRect().left > before.left,
          gap: strong.getBoundingClientRect().left - before.right,
          background: style.backgroundColor,
          color: style.color,
        };
      });
      expect(m.display).not.toMatch(/flex|grid/);
      expect(m.sameLine).toBe(true);
      expect(m.inOrder).toBe(true);
      // One space between "code" and "EMAIL10", not a flex gap of 1em.
      expect(m.gap).toBeLessThan(8);
      // `.tailor-banner--email` and `.tailor-banner` of the site beat Tailor's own styles.
      expect(m.background).toBe('rgb(31, 78, 121)');
      expect(m.color).toBe('rgb(255, 255, 0)');
      await page.close();
    });
  });
});
