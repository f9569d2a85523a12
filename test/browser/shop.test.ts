import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket } from '../../src/assign/bucket';
import { budget, launchChromium } from './chromium';
import { ROOT } from './server';
import { converted, exposed, type Report, startTailorServe, type TailorServe } from './tailor-serve';

// The newcomer walkthrough: examples/shop served by the real `tailor serve --demo` (child
// process, real SQLite), walked by four visitors in real Chromium. Each sees what the manifest
// (examples/shop/tailor.json) promises, converts, and the report counts it.

let browser: Browser;
let serve: TailorServe;

/** The walk runs with the shop's own site tag (what its pages load) and with the generic tag. */
let generic = false;
const GENERIC_TAG = readFileSync(path.join(ROOT, 'dist/tailor.min.js'), 'utf8');

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

/**
 * A visitor id (set as the `tlr_id` cookie, which Tailor honours) that is outside the 5% global
 * holdout and the 10% holdouts of `welcome-back` and `affinity-sort`, so that what the visitor
 * sees is known. Found by the same hash Tailor uses (docs/experiences.md#assignment).
 */
function visitorId(name: string): string {
  for (let i = 0; ; i++) {
    const id = `${name}-${i}`;
    if (
      bucket(`holdout.${id}`) >= 0.05 &&
      bucket(`welcome-back.holdout.${id}`) >= 0.1 &&
      bucket(`affinity-sort.holdout.${id}`) >= 0.1
    )
      return id;
  }
}

const SPAIN: BrowserContextOptions = {
  locale: 'es-ES',
  timezoneId: 'Europe/Madrid',
  viewport: { width: 1280, height: 800 },
};
const IPAD_UA =
  'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1';

type Win = Window & {
  __ready: boolean;
  __exposures: string[];
  tailor: {
    variant(id: string): string | null;
    segments(): string[];
    context(): { journey: { stage: string }; geo: { country: string | null }; device: { type: string } };
  };
};

async function visitor(name: string, options: BrowserContextOptions): Promise<BrowserContext> {
  const context = await browser.newContext(options);
  await context.addCookies([{ name: 'tlr_id', value: visitorId(name), url: serve.url }]);
  // The generic tag in the site tag's place: its chunks are the same files, beside it, and it
  // runs the published manifest the pages name.
  if (generic)
    await context.route('**/shop/site/tailor.js', (route) =>
      route.fulfill({ body: GENERIC_TAG, contentType: 'text/javascript' }).catch(() => {}),
    );
  // The demo weather's `timeoutMs` (400 ms) is the product's deadline for remote data, and a
  // loaded machine can miss it: the test scales it like every other budget (under test:stress
  // the weather came back empty once), so what is tested is the page, not the machine's speed.
  await context.route('**/tailor.json', async (route) => {
    try {
      const response = await route.fetch();
      const manifest = await response.json();
      for (const source of Object.values<{ timeoutMs?: number }>(manifest.remote || {}))
        source.timeoutMs = budget(source.timeoutMs ?? 400);
      await route.fulfill({ response, json: manifest });
    } catch (e) {
      // A page left while its manifest loads (the tag refreshes its cached copy on every page):
      // the request is gone with it, and there is nothing left to answer.
      if (!/disposed|closed|Target page/i.test(String(e))) throw e;
    }
  });
  // Records each page view's exposures and marks when Tailor has decided (docs/api.md#script-tag queue).
  await context.addInitScript(() => {
    const w = window as unknown as { __ready: boolean; __exposures: string[]; tailor: unknown };
    w.__ready = false;
    w.__exposures = [];
    w.tailor = [
      (t: { on(e: string, f: (x?: { experience: string; variant: string }) => void): void }) => {
        t.on('exposure', (e) => w.__exposures.push(`${e!.experience}:${e!.variant}`));
        t.on('ready', () => {
          w.__ready = true;
        });
      },
    ];
  });
  return context;
}

/** Opens `path` and waits until Tailor has decided and the page has settled. */
async function open(page: Page, path: string): Promise<void> {
  await page.goto(serve.url + path);
  await page.waitForFunction(() => (window as unknown as Win).__ready);
  await page.evaluate(() => new Promise(requestAnimationFrame));
}

const text = (page: Page, selector: string) =>
  page.evaluate((s) => document.querySelector(s)?.textContent?.trim() ?? null, selector);
const variant = (page: Page, id: string) =>
  page.evaluate((x) => (window as unknown as Win).tailor.variant(x), id);
const exposures = (page: Page) => page.evaluate(() => (window as unknown as Win).__exposures);

/**
 * Waits until the page's click and submit goals are armed: they come with the post-paint chunk
 * (docs/size.md), so a click on a link before it arrives navigates away uncounted. A visitor who
 * reached the page by a click, not through `open`, is otherwise faster than the chunk on a
 * loaded machine (the walk once lost an `addToCart` that way).
 */
async function armed(page: Page): Promise<void> {
  await page.waitForFunction(
    () =>
      (window as unknown as Win).__ready &&
      performance.getEntriesByType('resource').some((r) => /\/tailor\.post\.js$/.test(r.name)),
  );
  // The chunk runs once it has arrived, and the goals are armed in the task that runs it.
  await page.evaluate(() => new Promise((r) => setTimeout(r)));
  await page.evaluate(() => new Promise(requestAnimationFrame));
}

/** From a product page: adds `item` to the bag and places the order (the `purchase` page-view goal). */
async function buy(page: Page, item: string): Promise<void> {
  await armed(page);
  await page.getByRole('link', { name: 'Add to bag' }).click();
  await page.waitForURL(`**/shop/cart.html?item=${item}`);
  await page.getByRole('link', { name: 'Place order' }).click();
  await page.waitForURL('**/shop/thank-you.html');
}

/** Moves the visitor's stored history back by `days`: the next page view starts a new session. */
async function rewind(page: Page, days: number): Promise<void> {
  // Edited from a page of the same origin without Tailor: the page left hands its last writes
  // over when it is hidden (a write still in flight on it would put the old times back).
  await page.goto(`${serve.url}/no-tailor-here`);
  await page.evaluate((ms) => {
    const p = JSON.parse(localStorage.getItem('tlr_profile') || 'null');
    if (!p) throw new Error('no tlr_profile');
    p.first -= ms;
    p.last -= ms;
    if (p.prev) p.prev -= ms;
    p.session.start -= ms;
    localStorage.setItem('tlr_profile', JSON.stringify(p));
  }, days * 86_400_000);
}

/** The hero headline each variant of `hero-test` shows. */
const HERO: Record<string, string> = {
  control: 'Shoes and bags for every road',
  comfort: 'Shoes that carry you all day',
  style: 'Step out in style',
};

/** The evening/weekend offer shows after 18:00 or on a weekend, in the browser's local time. */
const eveningOrWeekend = (page: Page) =>
  page.evaluate(() => {
    const d = new Date();
    return d.getDay() === 0 || d.getDay() === 6 || d.getHours() >= 18;
  });

/** Browsers of visitors who left: closed once the report has counted what they sent. */
const left: BrowserContext[] = [];

/**
 * Leaves the page (hidden: what is queued goes out as a beacon). The visitor's browser stays
 * open, as a real one does after a tab navigates away: closing a Playwright context cancels a
 * beacon still in flight, which would be the test losing the event, not Tailor.
 */
async function leave(context: BrowserContext, page: Page): Promise<void> {
  await page.goto('about:blank');
  left.push(context);
}

describe.each([
  ['site tag', 'examples/shop/site/tailor.js, built by tailor build'],
  ['generic tag', 'dist/tailor.min.js'],
])('examples/shop with its %s (%s)', (which) => {
  beforeAll(async () => {
    generic = which === 'generic tag';
    // One collector (and database) per tag: the report counts one walk.
    serve = await startTailorServe(['examples', '--manifest', 'examples/shop/tailor.json', '--demo']);
  });
  afterAll(async () => {
    await Promise.all(left.splice(0).map((c) => c.close()));
    await serve?.close();
  });

  it(
    'new and direct; returning from an email campaign; abroad on a tablet; a loyal customer',
    async () => {
      // 1. New, direct, desktop, in Spain.
      {
        const context = await visitor('new-direct', SPAIN);
        const page = await context.newPage();
        const errors: string[] = [];
        page.on('pageerror', (e) => errors.push(e.message));
        await open(page, '/shop/');
        const hero = await variant(page, 'hero-test');
        expect(Object.keys(HERO)).toContain(hero);
        expect(await text(page, '#hero-title')).toBe(HERO[hero!]);
        expect(await text(page, '#hero-cta')).toBe('Compare the whole collection');
        expect(await text(page, '#journey')).toBe('New here? Free returns for 60 days, no questions asked.');
        expect(await text(page, '#welcome')).toBe('');
        expect(await text(page, '#loyalty')).toBe('');
        // The demo weather from `tailor serve --demo` (/api/weather): rain, 12 °C.
        expect(await text(page, '#weather')).toContain('Rain in the forecast (12 °C)?');
        expect(await page.locator('.tailor-banner').count()).toBe(0);
        expect(await text(page, '#offer')).toBe(
          (await eveningOrWeekend(page))
            ? 'Evening & weekend deal: free express delivery on every order.'
            : '',
        );
        expect(await exposures(page)).toEqual(
          expect.arrayContaining([`hero-test:${hero}`, 'desktop-cta:compare', 'journey-new:message']),
        );
        // The persona chooser (data-tailor-set): a pick shows the runner's picks at once.
        await armed(page);
        await page.getByRole('button', { name: 'I run' }).click();
        await page.waitForFunction(() =>
          document.querySelector('#persona')?.textContent?.includes('runners'),
        );
        expect(await page.getByRole('button', { name: 'I run' }).count()).toBe(0);
        // Converts: adds the Trail Runner to the bag (the `addToCart` click goal).
        await open(page, '/shop/shoes/trail-runner.html');
        await armed(page);
        await page.getByRole('link', { name: 'Add to bag' }).click();
        await page.waitForURL('**/shop/cart.html?item=trail-runner');
        expect(await text(page, '#cart-line')).toBe('1 × Trail Runner, €95');
        expect(errors).toEqual([]);
        await leave(context, page);
      }

      // 2. Returning (second visit, two days later) from an email campaign.
      {
        const context = await visitor('email-returning', SPAIN);
        const page = await context.newPage();
        await open(page, '/shop/');
        await open(page, '/shop/shoes/');
        await rewind(page, 2);
        await open(page, '/shop/?utm_source=newsletter&utm_medium=email&utm_campaign=spring');
        const banner = page.locator('.tailor-banner', { hasText: 'Thanks for reading our newsletter!' });
        expect(await banner.count()).toBe(1);
        expect(await page.locator('.tailor-banner', { hasText: 'We ship to' }).count()).toBe(0);
        expect(await text(page, '#welcome')).toBe('Welcome back! Good to see you again.');
        expect(await text(page, '#journey')).toBe(
          'Still looking? Our size guide helps you pick the right fit.',
        );
        expect(await page.evaluate(() => (window as unknown as Win).tailor.segments())).toEqual(
          expect.arrayContaining(['returning', 'from-email', 'desktop']),
        );
        // Shoes first: the only category this visitor has looked at.
        expect(
          await page.$$eval('#featured .product', (items) =>
            items.map((i) => i.getAttribute('data-category')),
          ),
        ).toEqual(['shoes', 'shoes', 'bags', 'sale', 'bags', 'sale']);
        // Converts: subscribes to the newsletter (the `newsletter` submit goal).
        await page.fill('#email', 'reader@example.com');
        await armed(page);
        await page.getByRole('button', { name: 'Subscribe' }).click();
        await page.waitForURL(/\/shop\/subscribed\.html/);
        await leave(context, page);
      }

      // 3. Abroad (a British browser) on a tablet.
      {
        const context = await visitor('abroad-tablet', {
          locale: 'en-GB',
          timezoneId: 'Europe/London',
          userAgent: IPAD_UA,
          viewport: { width: 820, height: 1180 },
          hasTouch: true,
        });
        const page = await context.newPage();
        await open(page, '/shop/');
        expect(await page.evaluate(() => (window as unknown as Win).tailor.context().device.type)).toBe(
          'tablet',
        );
        const banner = page.locator('.tailor-banner', { hasText: 'We ship to' });
        expect(await banner.textContent()).toContain('We ship to GB in 3–5 days');
        expect(await text(page, '#hero-cta')).toBe('Swipe through the lookbook');
        expect(await page.getAttribute('#hero-cta', 'class')).toContain('cta--tablet');
        expect(await exposures(page)).toEqual(
          expect.arrayContaining(['intl-shipping:banner', 'tablet-cta:lookbook']),
        );
        expect(await exposures(page)).not.toContain('desktop-cta:compare');
        // Converts: buys (add to bag, place order, the `purchase` page-view goal).
        await page.getByRole('link', { name: 'Swipe through the lookbook' }).click();
        await page.waitForURL('**/shop/shoes/');
        await page.getByRole('link', { name: 'City Sneaker' }).click();
        await buy(page, 'city-sneaker');
        await leave(context, page);
      }

      // 4. A loyal customer: three earlier purchases of bags, then a gold member (dataLayer + set()).
      {
        const context = await visitor('loyal-gold', SPAIN);
        const page = await context.newPage();
        for (let i = 0; i < 3; i++) {
          await open(page, '/shop/bags/leather-tote.html');
          await buy(page, 'leather-tote');
        }
        await rewind(page, 3);
        await open(page, '/shop/account.html');
        await page.getByRole('button', { name: 'Sign in as a gold member' }).click();
        // set() re-evaluates at once.
        await page.waitForFunction(() =>
          document.querySelector('#loyalty')?.textContent?.startsWith('Your gold'),
        );
        await open(page, '/shop/');
        // The dataLayer on this page carries the tier now.
        expect(await text(page, '#loyalty')).toBe(
          'Your gold membership: free express shipping and early access to the sale.',
        );
        expect(await text(page, '#journey')).toBe(
          'You are one of our best customers: new arrivals are yours a day early.',
        );
        expect(await text(page, '#welcome')).toBe('Welcome back! Good to see you again.');
        // Bags first (affinity), then the rest in their original order.
        expect(
          await page.$$eval('#featured .product', (items) =>
            items.map((i) => i.getAttribute('data-category')),
          ),
        ).toEqual(['bags', 'bags', 'shoes', 'sale', 'shoes', 'sale']);
        // A high buy-intent score: the reassurance slide-in on a category page.
        await open(page, '/shop/bags/');
        const overlay = page.getByRole('dialog', { name: 'Still deciding?' });
        await overlay.waitFor();
        await overlay.getByRole('button', { name: 'Close' }).click();
        // Converts: buys once more.
        await page.getByRole('link', { name: 'Crossbody Bag' }).click();
        await buy(page, 'crossbody');
        await leave(context, page);
      }

      // The report (real collector, real SQLite) counts those exposures and conversions.
      let report: Report | null = null;
      const expected = (r: Report) =>
        exposed(r, 'hero-test') >= 4 &&
        converted(r, 'hero-test', 'addToCart') >= 3 &&
        converted(r, 'hero-test', 'newsletter') >= 1 &&
        converted(r, 'hero-test', 'purchase') >= 2 &&
        converted(r, 'email-banner', 'newsletter') === 1 &&
        converted(r, 'intl-shipping', 'purchase') === 1 &&
        converted(r, 'tablet-cta', 'purchase') === 1 &&
        converted(r, 'loyalty-tier', 'purchase') === 1 &&
        converted(r, 'buy-intent', 'purchase') === 1 &&
        converted(r, 'persona-runner', 'addToCart') === 1 &&
        // Every count asserted below: the poll must not end on a report that is still filling.
        exposed(r, 'desktop-cta') >= 3 &&
        exposed(r, 'tablet-cta') >= 1 &&
        exposed(r, 'email-banner') >= 1 &&
        exposed(r, 'intl-shipping') >= 1 &&
        exposed(r, 'welcome-back') >= 2 &&
        exposed(r, 'journey-new') >= 2 &&
        exposed(r, 'journey-engaged') >= 1 &&
        exposed(r, 'journey-loyal') >= 1 &&
        exposed(r, 'loyalty-tier') >= 1 &&
        exposed(r, 'buy-intent') >= 1 &&
        exposed(r, 'rain-message') >= 4;
      // Polled until complete; when the budget runs out, the assertions below say what is missing.
      await expect
        .poll(
          async () => {
            report = await serve.json<Report>('/api/report?site=demo-shop');
            return expected(report);
          },
          { timeout: budget(30_000), interval: 250 },
        )
        .toBe(true)
        .catch(() => {});
      const r = report!;
      expect(r.site).toBe('demo-shop');
      expect(exposed(r, 'hero-test')).toBe(4);
      expect(exposed(r, 'desktop-cta')).toBe(3);
      expect(exposed(r, 'tablet-cta')).toBe(1);
      expect(exposed(r, 'email-banner')).toBe(1);
      expect(exposed(r, 'intl-shipping')).toBe(1);
      expect(exposed(r, 'welcome-back')).toBe(2);
      expect(exposed(r, 'journey-new')).toBeGreaterThanOrEqual(2);
      expect(exposed(r, 'journey-engaged')).toBe(1);
      expect(exposed(r, 'journey-loyal')).toBe(1);
      expect(exposed(r, 'loyalty-tier')).toBe(1);
      expect(exposed(r, 'buy-intent')).toBe(1);
      expect(exposed(r, 'rain-message')).toBe(4);
      expect(converted(r, 'hero-test', 'addToCart')).toBe(3);
      expect(converted(r, 'hero-test', 'newsletter')).toBe(1);
      expect(converted(r, 'hero-test', 'purchase')).toBe(2);
      expect(converted(r, 'email-banner', 'newsletter')).toBe(1);
      expect(converted(r, 'intl-shipping', 'purchase')).toBe(1);
      expect(converted(r, 'tablet-cta', 'purchase')).toBe(1);
      expect(converted(r, 'loyalty-tier', 'purchase')).toBe(1);
      expect(converted(r, 'buy-intent', 'purchase')).toBe(1);
      expect(converted(r, 'persona-runner', 'addToCart')).toBe(1);
      expect(r.program.personalized.visitors).toBe(4);
      // The HTML report is there too.
      const html = await (await fetch(`${serve.url}/report`)).text();
      expect(html).toContain('hero-test');
    },
    budget(60_000),
  );

  it('serves the landing page, the retired outlet redirect and the demo weather', async () => {
    const home = await (await fetch(`${serve.url}/`)).text();
    expect(home).toContain('href="/shop/"');
    expect(await serve.json('/api/weather?tz=Europe%2FMadrid')).toMatchObject({
      condition: 'rain',
      tempC: 12,
    });
    const context = await visitor('outlet', SPAIN);
    const page = await context.newPage();
    await page.goto(`${serve.url}/shop/outlet.html?utm_source=old-link`);
    await page.waitForURL('**/shop/sale/?utm_source=old-link');
    expect(await text(page, 'h1')).toBe('Sale');
    await context.close();
  });
});
