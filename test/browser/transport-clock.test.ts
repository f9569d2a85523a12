import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { ready, servePage, track } from './transport-pages';

// A clock that was wrong when a backoff or Retry-After deadline was stored, then corrected,
// must not hold the queue longer than the hold itself. `Date.now` is shifted by an init script
// by `sessionStorage.__skew` ms, so the skew survives a reload of the tab.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const YEAR = 365 * 86_400_000;

async function skewedPage(): Promise<Page> {
  const page = await browser.newPage();
  await page.addInitScript(() => {
    const real = Date.now.bind(Date);
    Date.now = () => real() + (Number(sessionStorage.getItem('__skew')) || 0);
  });
  return page;
}
const setSkew = (page: Page, ms: number) =>
  page.evaluate((ms) => sessionStorage.setItem('__skew', String(ms)), ms);
const stored = (page: Page) => page.evaluate(() => JSON.parse(localStorage.getItem('tlr_queue') || '{}'));

describe('a skewed clock, then corrected', () => {
  it('a year ahead when Retry-After: 1 was stored: a later page view sends within seconds', async () => {
    const c = createCollector(server);
    c.plan({ status: 503, headers: { 'Retry-After': '1' } });
    const path = servePage(server, { version: 1, site: 'clock-year' }, c.path);
    const page = await skewedPage();
    await page.goto(`${server.url}${path}`);
    await ready(page);
    await setSkew(page, YEAR);
    const ids = await track(page, 11);
    await c.until((c) => c.requests.length >= 1, 10_000, 'the 503 with Retry-After');
    await page.waitForFunction(() => JSON.parse(localStorage.tlr_queue).h === 1);
    expect((await stored(page)).at).toBeGreaterThan(Date.now() + YEAR - 86_400_000);
    // The clock is corrected; the visitor comes back (the Retry-After still holds the page-hide beacon).
    await setSkew(page, 0);
    await page.reload();
    await ready(page);
    await c.until((c) => ids.every((id) => c.ids(true).has(id)), 10_000, 'the 11 events accepted');
    await page.waitForFunction(() => JSON.parse(localStorage.tlr_queue).e.length === 0);
    await page.close();
  });

  it('2 h ahead when a plain 503 backoff was stored: the open page sends within seconds', async () => {
    const c = createCollector(server);
    c.plan(503);
    const path = servePage(server, { version: 1, site: 'clock-hours' }, c.path);
    const page = await skewedPage();
    await page.goto(`${server.url}${path}`);
    await ready(page);
    await setSkew(page, 2 * 3_600_000);
    const ids = await track(page, 11);
    await c.until((c) => c.requests.length >= 1, 10_000, 'the 503');
    await page.waitForFunction(() => JSON.parse(localStorage.tlr_queue).n === 1);
    await setSkew(page, 0);
    await c.until((c) => ids.every((id) => c.ids(true).has(id)), 10_000, 'the 11 events accepted');
    await page.close();
  });
});
