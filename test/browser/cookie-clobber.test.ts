/**
 * Hostile page markup against the visitor cookie: `<img name="cookie">` (markup that comment
 * sanitizers keep) shadows `document.cookie`, since a document's named properties override its
 * built-ins. Tailor reads and writes `tlr_id` through the accessor itself, so the visitor keeps
 * one id across page views on such a page (the tag at the end of the body, after the markup).
 */
import type { Browser } from 'playwright-core';
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

const MANIFEST = JSON.stringify({ version: 1, site: 'clobber', experiences: [] });

describe.each(TAGS)('%s on a page with <img name="cookie">', (file) => {
  it('writes tlr_id as a real cookie and reads it back on the next page view', async () => {
    const html = `<!doctype html><html><head>
<script type="application/json" id="tailor-manifest">${manifestFor(file, MANIFEST)}</script>
</head>
<body><img name="cookie" alt="posted by a visitor"><p>hi</p>
<script src="/dist/${file}"></script></body></html>`;
    server.page('/clobbered-cookie.html', html);
    const context = await browser.newContext();
    try {
      const page = await newPage(context as unknown as Browser);
      await page.goto(`${server.url}/clobbered-cookie.html`);
      await page.waitForFunction(() => {
        const t = (window as unknown as { tailor?: { context?: () => unknown } }).tailor;
        return typeof t?.context === 'function' && t.context() !== null;
      });
      // The named property really shadows the accessor on this page.
      expect(await page.evaluate(() => typeof document.cookie)).toBe('object');
      const first = await page.evaluate(
        () =>
          (window as unknown as { tailor: { context(): { visitor: { id: string } } } }).tailor.context()
            .visitor.id,
      );
      const cookies = await context.cookies();
      expect(cookies.find((c) => c.name === 'tlr_id')?.value).toBe(first);
      // Storage gone, cookie kept: the id must come back from the cookie.
      await page.evaluate(() => localStorage.clear());
      await page.reload();
      await page.waitForFunction(() => {
        const t = (window as unknown as { tailor?: { context?: () => unknown } }).tailor;
        return typeof t?.context === 'function' && t.context() !== null;
      });
      const second = await page.evaluate(
        () =>
          (window as unknown as { tailor: { context(): { visitor: { id: string } } } }).tailor.context()
            .visitor.id,
      );
      expect(second).toBe(first);
      expect(page.errors).toEqual([]);
    } finally {
      await context.close();
    }
  });
});
