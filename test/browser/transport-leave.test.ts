import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { ready, servePage } from './transport-pages';

// Leaving while the transport backs off after plain 503s (no Retry-After): the page-hide beacon
// is still sent, so the visitor's last page views are not lost when they never come back.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const MANIFEST = {
  version: 1,
  site: 'leave-test',
  experiences: [
    { id: 'hero', variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: 'Hi' }] }] },
  ],
};

/** The id of the page view's exposure, once rendered. */
const exposure = async (page: Page) => {
  await ready(page);
  const handle = await page.waitForFunction(
    () =>
      (window as unknown as { __ev: { id: string; type: string }[] }).__ev.find((e) => e.type === 'exposure')
        ?.id,
  );
  return (await handle.jsonValue()) as string;
};

describe('leaving during a backoff', () => {
  it('four page views while the collector answers two plain 503s, then the visitor leaves: all 4 exposures arrive', {
    timeout: 40_000,
  }, async () => {
    const c = createCollector(server);
    c.plan(503, 503);
    const paths = [1, 2, 3, 4].map((i) => servePage(server, MANIFEST, c.path, `/leave-${i}.html`));
    const page = await browser.newPage();
    const ids: string[] = [];
    await page.goto(`${server.url}${paths[0]}`);
    ids.push(await exposure(page));
    // The 5 s flush and its retry are both answered 503: a backoff of 2 to 4 s follows.
    await c.until((c) => c.requests.length >= 2, 15_000, 'two 503s');
    expect(c.requests.map((r) => r.status)).toEqual([503, 503]);
    for (const path of paths.slice(1)) {
      await page.goto(`${server.url}${path}`);
      ids.push(await exposure(page));
    }
    expect(new Set(ids).size).toBe(4);
    // The visitor leaves for a page without Tailor and never comes back: only the page-hide
    // beacon can deliver. (A navigation, not closing the tab: the npm-delivered headless shell
    // fires no pagehide when a tab closes; a navigation fires it in every Chromium.)
    server.page('/elsewhere.html', '<!doctype html><title>elsewhere</title><p>elsewhere</p>');
    await page.goto(`${server.url}/elsewhere.html`);
    await c.until((c) => ids.every((id) => c.ids(true).has(id)), 10_000, 'the 4 exposures accepted');
    await page.close();
  });
});
