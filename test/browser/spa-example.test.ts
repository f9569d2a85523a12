import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { budget, launchChromium, newPage } from './chromium';
import { ROOT } from './server';
import { converted, exposed, type Report, startTailorServe, type TailorServe } from './tailor-serve';

// examples/spa: a client-side-routed app that imports tailorjs (bundled by rollup into
// examples/spa/dist/app.min.js), served by the real `tailor serve --demo`. Navigation calls
// page() by itself; experiences of the new route render and the others revert.

let browser: Browser;
let serve: TailorServe;

beforeAll(async () => {
  if (!existsSync(path.join(ROOT, 'examples/spa/dist/app.min.js')))
    throw new Error('examples/spa/dist/app.min.js is missing: run "npm run build" first.');
  [browser, serve] = await Promise.all([launchChromium(), startTailorServe(['examples', '--demo'])]);
});
afterAll(async () => {
  await browser?.close();
  await serve?.close();
});

const text = (page: Page, selector: string) =>
  page.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? null, selector);
const log = (page: Page) =>
  page.evaluate(() => [...document.querySelectorAll('#log li')].map((li) => li.textContent).reverse());
const loads = (page: Page) => page.evaluate(() => performance.getEntriesByType('navigation').length);

describe('examples/spa', () => {
  it('renders on client-side navigation, reverts what no longer applies, and reports', async () => {
    const page = await newPage(browser);
    await page.goto(`${serve.url}/spa/`);
    await page.waitForFunction(() => document.querySelector('#view h1')?.textContent === 'Welcome to Paso');
    expect(await text(page, '#announce')).toBe('Free shipping over €50');
    await page.evaluate(() => {
      (window as unknown as { firstLoad: boolean }).firstLoad = true;
    });

    // To the shoes route: the announcement and the inserted promo render.
    await page.getByRole('link', { name: 'Shoes', exact: true }).click();
    await page.waitForFunction(() =>
      document.querySelector('#announce')?.textContent?.startsWith('Shoe week'),
    );
    expect(page.url()).toBe(`${serve.url}/spa/shoes`);
    expect(await text(page, '#view h1')).toBe('Shoes');
    await page.waitForFunction(() => document.querySelector('#view .promo'));
    expect(await text(page, '#view .promo')).toBe('Use code SHOEWEEK at checkout.');
    expect(await log(page)).toContain('exposure shoe-week: announce on /spa/shoes');

    // To the bags route: shoe week reverts; the bags A/B test decides.
    await page.getByRole('link', { name: 'Bags', exact: true }).click();
    await page.waitForFunction(
      () => document.querySelector('#announce')?.textContent === 'Free shipping over €50',
    );
    expect(await text(page, '#view h1')).toBe('Bags');
    expect(await page.locator('.promo').count()).toBe(0);
    const bags = await page.evaluate(() =>
      (window as unknown as { tailor: { variant(id: string): string | null } }).tailor.variant('bags-cta'),
    );
    await page.waitForFunction(
      (label) => document.querySelector('#view .cta')?.textContent === label,
      bags === 'totes' ? 'See the new totes' : 'Shop bags',
    );
    expect(await log(page)).toContain(`exposure bags-cta: ${bags} on /spa/bags`);

    // Back (popstate) to shoes: rendered again; then home, where shoes (2 views) lead the affinity.
    await page.goBack();
    await page.waitForFunction(() =>
      document.querySelector('#announce')?.textContent?.startsWith('Shoe week'),
    );
    await page.waitForFunction(() => document.querySelector('#view .promo'));
    await page.getByRole('link', { name: 'Home' }).click();
    await page.waitForFunction(
      () => document.querySelector('#view h1')?.textContent === 'Back for more shoes?',
    );
    expect(await text(page, '#announce')).toBe('Free shipping over €50');

    // A conversion on a client-side route; all of it without a page load.
    await page.getByRole('link', { name: 'About' }).click();
    await page.getByRole('button', { name: 'Sign up' }).click();
    expect(await log(page)).toContain('conversion signup');
    expect(await page.evaluate(() => (window as unknown as { firstLoad?: boolean }).firstLoad)).toBe(true);
    expect(await loads(page)).toBe(1);

    // A deep link works on reload (the demo server's SPA fallback), and the change is there at once.
    await page.goto(`${serve.url}/spa/shoes`);
    await page.waitForFunction(() =>
      document.querySelector('#announce')?.textContent?.startsWith('Shoe week'),
    );
    expect(await text(page, '#view h1')).toBe('Shoes');

    // Leaving sends the beacons; the collector reports the exposures and the conversion.
    await page.goto('about:blank');
    let report: Report | null = null;
    // Polled until complete; when the budget runs out, the assertions below say what is missing.
    await expect
      .poll(
        async () => {
          const r = await serve.json<Report>('/api/report?site=demo-spa');
          report = r;
          return converted(r, 'shoe-week', 'signup') === 1 && exposed(r, 'shoe-fan-home') === 1;
        },
        { timeout: budget(30_000), interval: 250 },
      )
      .toBe(true)
      .catch(() => {});
    expect(exposed(report!, 'shoe-week')).toBe(1);
    expect(exposed(report!, 'bags-cta')).toBe(1);
    expect(exposed(report!, 'shoe-fan-home')).toBe(1);
    expect(converted(report!, 'shoe-week', 'signup')).toBe(1);
    expect(converted(report!, 'bags-cta', 'signup')).toBe(1);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
