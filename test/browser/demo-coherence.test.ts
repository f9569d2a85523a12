/**
 * The demo shop is coherent: each persona of the README's visitor table walks every page of
 * examples/shop, and no page shows two messages that cannot both be true for one visitor (a
 * gold member told "New here?"). The personas are reached the way the table says: a link, a
 * click, or the debug view. Also: the examples index is linked from every shop page, the
 * weather switch changes the weather message, and exit intent shows its reminder.
 */
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Browser, BrowserContext, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bucket } from '../../src/assign/bucket';
import { budget, launchChromium } from './chromium';
import { ROOT } from './server';
import { startTailorServe, type TailorServe } from './tailor-serve';

let browser: Browser;
let serve: TailorServe;

beforeAll(async () => {
  [browser, serve] = await Promise.all([
    launchChromium(),
    startTailorServe(['examples', '--manifest', 'examples/shop/tailor.json', '--demo']),
  ]);
});
afterAll(async () => {
  await browser?.close();
  await serve?.close();
});

/** Every page of the shop (the retired outlet page only redirects to the sale). */
const PAGES = (function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = path.join(dir, f);
    if (statSync(p).isDirectory()) return walk(p);
    return f.endsWith('.html') && f !== 'outlet.html'
      ? [`/${path.relative(path.join(ROOT, 'examples'), p).replace(/index\.html$/, '')}`]
      : [];
  });
})(path.join(ROOT, 'examples/shop'));

/**
 * Messages that cannot both be true for one visitor: [a, b, why]. Each is a pattern of what the
 * page shows (the demo's own text and Tailor's changes, banners and overlays).
 */
const EXCLUSIVE: [RegExp, RegExp, string][] = [
  [/New here\?/, /Welcome back/, 'new and returning'],
  [/New here\?/, /\bmember(ship)?\b/i, 'new and a member'],
  [/New here\?/, /best customers/, 'new and loyal'],
  [/New here\?/, /Thanks for your order/, 'new and a customer'],
  [/New here\?/, /We missed you/, 'new and lapsed'],
  [/\bmember(ship)?:/i, /Still looking\?/, 'a member (loyal) and not yet a customer'],
  [/Thanks for your order/, /best customers/, 'customer and loyal'],
  [/What brings you here today\?/, /Picked for (runners|the city)/, 'no persona and a persona'],
  [/Picked for runners/, /Picked for the city/, 'two personas'],
  [/Your bag is empty/, /Leaving already\?/, 'an empty bag and a reminder of what is in it'],
];

/** What a visitor reads on the page: the body's rendered text (banners and open dialogs included, scripts and hidden elements not). */
// biome-ignore lint/performance/useDomNodeTextContent: what is rendered is the point (textContent has the scripts' source too)
const shown = (page: Page) => page.evaluate(() => document.body.innerText);

async function visitor(name: string, options: BrowserContextOptions = {}): Promise<BrowserContext> {
  const context = await browser.newContext({
    locale: 'es-ES',
    timezoneId: 'Europe/Madrid',
    viewport: { width: 1280, height: 800 },
    ...options,
  });
  // Outside the 5% global holdout (nothing would show at all, which is coherent but tests nothing).
  let id = name;
  for (let i = 0; bucket(`holdout.${id}`) < 0.05; i++) id = `${name}-${i}`;
  await context.addCookies([{ name: 'tlr_id', value: id, url: serve.url }]);
  // The demo weather's deadline, scaled on a loaded machine (see shop.test.ts).
  await context.route('**/tailor.json', async (route) => {
    try {
      const response = await route.fetch();
      const manifest = await response.json();
      for (const source of Object.values<{ timeoutMs?: number }>(manifest.remote || {}))
        source.timeoutMs = budget(source.timeoutMs ?? 400);
      await route.fulfill({ response, json: manifest });
    } catch (e) {
      if (!/disposed|closed|Target page/i.test(String(e))) throw e;
    }
  });
  await context.addInitScript(() => {
    const w = window as unknown as { __ready: boolean; tailor: unknown };
    w.__ready = false;
    const queue = (Array.isArray(w.tailor) ? w.tailor : []) as unknown[];
    queue.push((t: { on(e: string, f: () => void): void }) =>
      t.on('ready', () => {
        w.__ready = true;
      }),
    );
    w.tailor = queue;
  });
  return context;
}

async function open(page: Page, url: string): Promise<void> {
  await page.goto(serve.url + url);
  await page.waitForFunction(() => (window as unknown as { __ready: boolean }).__ready);
  await page.evaluate(() => new Promise(requestAnimationFrame));
}

/** Walks every page as this visitor and returns the contradictions found, page by page. */
async function walk(page: Page, who: string): Promise<string[]> {
  const found: string[] = [];
  for (const url of PAGES) {
    await open(page, url);
    const text = await shown(page);
    for (const [a, b, why] of EXCLUSIVE)
      if (a.test(text) && b.test(text))
        found.push(`${who} on ${url}: "${a.source}" with "${b.source}" (${why})`);
  }
  return found;
}

describe('examples/shop, every persona on every page', () => {
  it(
    'no page shows a visitor two messages that contradict each other',
    async () => {
      expect(PAGES.length).toBeGreaterThan(10);
      const found: string[] = [];

      // New, direct.
      {
        const context = await visitor('coherent-new');
        const page = await context.newPage();
        found.push(...(await walk(page, 'a new visitor')));
        await context.close();
      }

      // From an email campaign.
      {
        const context = await visitor('coherent-email');
        const page = await context.newPage();
        await open(page, '/shop/?utm_source=newsletter&utm_medium=email&utm_campaign=spring');
        expect(await shown(page)).toContain('Thanks for reading our newsletter!');
        found.push(...(await walk(page, 'from an email')));
        await context.close();
      }

      // A gold member (no purchase yet), signed in on the account page.
      {
        const context = await visitor('coherent-gold');
        const page = await context.newPage();
        await open(page, '/shop/account.html');
        await page.getByRole('button', { name: 'Sign in as a gold member' }).click();
        await page.waitForFunction(() => document.querySelector('#loyalty')?.textContent?.includes('gold'));
        found.push(...(await walk(page, 'a gold member')));
        await context.close();
      }

      // Returning after 30 minutes, from the debug view's button.
      {
        const context = await visitor('coherent-returning');
        const page = await context.newPage();
        await open(page, '/shop/?tailor_debug=1');
        await Promise.all([
          page.waitForEvent('load'),
          page.click('[data-tailor-debug] button:text("Return after 30 min")'),
        ]);
        await page.waitForFunction(() => (window as unknown as { __ready: boolean }).__ready);
        await page.waitForFunction(() =>
          document.querySelector('#welcome')?.textContent?.includes('Welcome back'),
        );
        found.push(...(await walk(page, 'a returning visitor')));
        await context.close();
      }

      // Abroad, on a tablet.
      {
        const context = await visitor('coherent-abroad', {
          locale: 'en-GB',
          timezoneId: 'Europe/London',
          userAgent:
            'Mozilla/5.0 (iPad; CPU OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
          viewport: { width: 820, height: 1180 },
          hasTouch: true,
        });
        const page = await context.newPage();
        await open(page, '/shop/');
        expect(await shown(page)).toContain('We ship to GB');
        found.push(...(await walk(page, 'abroad on a tablet')));
        await context.close();
      }

      // A runner (one click on the persona chooser), then a customer (a purchase).
      {
        const context = await visitor('coherent-runner');
        const page = await context.newPage();
        await open(page, '/shop/');
        await page.getByRole('button', { name: 'I run' }).click();
        await page.waitForFunction(() =>
          document.querySelector('#persona')?.textContent?.includes('runners'),
        );
        await open(page, '/shop/cart.html?item=trail-runner');
        await open(page, '/shop/thank-you.html');
        await open(page, '/shop/');
        expect(await shown(page)).toContain('Thanks for your order!');
        found.push(...(await walk(page, 'a runner who bought')));
        await context.close();
      }

      expect(found).toEqual([]);
    },
    budget(240_000),
  );

  it('a gold member in one click (/shop/account.html?tier=gold): member and loyal, never "New here?"; signing out ends both', async () => {
    const context = await visitor('coherent-gold-link');
    const page = await context.newPage();
    await open(page, '/shop/account.html?tier=gold');
    await page.waitForFunction(() => document.querySelector('#loyalty')?.textContent?.includes('gold'));
    await open(page, '/shop/');
    const text = await shown(page);
    expect(text).toContain('Your gold membership: free express shipping');
    // The journey stage agrees: a member is loyal.
    expect(text).toContain('You are one of our best customers');
    expect(text).not.toContain('New here?');
    await open(page, '/shop/account.html');
    await page.getByRole('button', { name: 'Sign out' }).click();
    await open(page, '/shop/');
    expect(await shown(page)).not.toMatch(/membership|best customers/);
    // Four page views so far: engaged, no longer new.
    expect(await shown(page)).toContain('Still looking?');
    await context.close();
  });

  it('every shop page links to the examples index, which lists the visitors to try', async () => {
    const context = await visitor('coherent-links');
    const page = await context.newPage();
    for (const url of PAGES) {
      await page.goto(serve.url + url);
      expect(await page.locator('footer a[href="/index.html"]').count(), url).toBe(1);
    }
    await page.goto(`${serve.url}/shop/`);
    await Promise.all([page.waitForURL('**/index.html'), page.click('footer a[href="/index.html"]')]);
    expect(await page.locator('h1').textContent()).toBe('Tailor examples');
    // The one-click visitors of the index (each is walked in the tests above).
    for (const href of [
      '/shop/?utm_source=newsletter&utm_medium=email&utm_campaign=spring',
      '/shop/account.html?tier=gold',
      '/shop/?tailor_debug=1',
      '/shop/cart.html?item=trail-runner',
    ])
      expect(await page.locator(`a[href="${href}"]`).count(), href).toBeGreaterThan(0);
    await context.close();
  });

  it('the weather switch on the home page changes the weather message', async () => {
    const context = await visitor('coherent-weather');
    const page = await context.newPage();
    await open(page, '/shop/');
    // The demo forecast is rain by default.
    await page.waitForFunction(() => document.querySelector('#weather')?.textContent?.includes('Rain'));
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Sun' }).click()]);
    await page.waitForFunction(() => (window as unknown as { __ready: boolean }).__ready);
    expect(await page.evaluate(() => document.querySelector('#weather')?.textContent)).toBe('');
    expect(
      await page.evaluate(() =>
        (window as unknown as { tailor: { segments(): string[] } }).tailor.segments(),
      ),
    ).not.toContain('rainy');
    await Promise.all([page.waitForEvent('load'), page.getByRole('button', { name: 'Rain' }).click()]);
    await page.waitForFunction(() => document.querySelector('#weather')?.textContent?.includes('Rain'));
    await context.close();
  });

  it('exit intent: leaving a bag with something in it through the top edge shows the reminder', async () => {
    const context = await visitor('coherent-exit');
    const page = await context.newPage();
    const exitIntent = () =>
      page.evaluate(() =>
        (window as unknown as { tailor: { variant(id: string): string | null } }).tailor.variant(
          'exit-intent',
        ),
      );
    const leaveThroughTop = () =>
      page.evaluate(() =>
        document.documentElement.dispatchEvent(
          new MouseEvent('mouseout', { bubbles: true, clientX: 400, clientY: -1, relatedTarget: null }),
        ),
      );
    // An empty bag is not in the audience.
    await open(page, '/shop/cart.html');
    expect(await exitIntent()).toBeNull();
    await open(page, '/shop/cart.html?item=trail-runner');
    await page.waitForFunction(() =>
      (window as unknown as { tailor: { variant(id: string): string | null } }).tailor.variant('exit-intent'),
    );
    expect(await page.getByRole('dialog').count()).toBe(0);
    await leaveThroughTop();
    const dialog = page.getByRole('dialog', { name: 'Leaving already?' });
    await dialog.waitFor();
    expect(await dialog.textContent()).toContain('STAY5');
    await context.close();
  });
});
