import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

// Widgets and page-level actions (docs/experiences.md#actions): overlay, banner, frequency caps and dismissal
// memory, `data-tailor-set` persona picks, `reorder` by affinity. Redirects: bad-input.test.ts.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

type Win = Window & {
  exposures: { experience: string; variant: string }[];
  errors: { message: string; path?: string }[];
  tailor: { context(): { visitor: { traits: Record<string, unknown> }; affinity: Record<string, unknown> } };
};

/** A page with an inline manifest; exposures and errors are recorded from before the tag boots. */
function tagPage(file: string, manifest: object, body: string, head = ''): string {
  const json = JSON.stringify(manifestFor(file, { version: 1, site: 'widgets-test', ...manifest })).replace(
    /</g,
    '\\u003c',
  );
  return `<!doctype html><html><head><title>widgets</title>
    <script>
      window.exposures = []; window.errors = [];
      window.tailor = [function (t) {
        t.on('exposure', function (e) { exposures.push({ experience: e.experience, variant: e.variant }); });
        t.on('error', function (e) { errors.push(e); });
      }];
    </script>
    ${head}
    <script type="application/json" id="tailor-manifest">${json}</script>
    <script src="/dist/${file}"></script></head><body>${body}</body></html>`;
}

/** Moves the dismissal time of `experience` in the stored profile back by `days`. */
async function rewindDismissal(page: Page, experience: string, days: number): Promise<void> {
  const ok = await page.evaluate(
    ([exp, ms]) => {
      const p = JSON.parse(localStorage.getItem('tlr_profile') || 'null');
      const seen = p?.seen?.[exp];
      if (!seen?.d) return false;
      seen.d -= ms;
      localStorage.setItem('tlr_profile', JSON.stringify(p));
      return true;
    },
    [experience, days * 86_400_000] as const,
  );
  expect(ok).toBe(true);
}

const errorsOf = (page: Page) => page.evaluate(() => (window as unknown as Win).errors);

describe.each(TAGS)('dist/%s', (file) => {
  it('overlay: an accessible dialog; Esc closes it and focus goes back to the opener', async () => {
    const manifest = {
      experiences: [
        {
          id: 'promo',
          trigger: { on: 'click', value: '#open' },
          variants: [
            {
              id: 'v',
              actions: [
                {
                  type: 'overlay',
                  layout: 'modal',
                  value: '<h2>Winter sale</h2><p>20% off</p><a href="/sale">Shop now</a>',
                },
              ],
            },
          ],
        },
      ],
    };
    server.page(
      `/overlay-a11y-${file}`,
      tagPage(file, manifest, '<button id="open">Open</button><p>Page</p>'),
    );
    const page = await newPage(browser);
    await page.goto(`${server.url}/overlay-a11y-${file}`);
    await page.waitForFunction(() => !Array.isArray((window as unknown as Win).tailor));
    expect(await page.$('[role="dialog"]')).toBeNull();

    await page.click('#open');
    const dialog = page.getByRole('dialog', { name: 'Winter sale' });
    await dialog.waitFor();
    expect(await dialog.getAttribute('aria-modal')).toBe('true');
    // The close button has an accessible name.
    expect(await dialog.getByRole('button', { name: 'Close' }).count()).toBe(1);
    // Focus moved into the dialog, and Tab keeps it there.
    const focusInDialog = () => page.evaluate(() => !!document.activeElement?.closest('[role="dialog"]'));
    expect(await focusInDialog()).toBe(true);
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      expect(await focusInDialog()).toBe(true);
    }
    await page.keyboard.press('Shift+Tab');
    expect(await focusInDialog()).toBe(true);

    await page.keyboard.press('Escape');
    expect(await page.$('[role="dialog"]')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('open');
    expect(await page.evaluate(() => (window as unknown as Win).exposures.map((e) => e.experience))).toEqual([
      'promo',
    ]);
    expect(await errorsOf(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('overlay: dismissal is remembered for frequency.dismissDays', async () => {
    const manifest = {
      experiences: [
        {
          id: 'welcome',
          frequency: { dismissDays: 7 },
          variants: [{ id: 'v', actions: [{ type: 'overlay', value: '<h2>Welcome</h2><p>Hi</p>' }] }],
        },
      ],
    };
    server.page(`/overlay-days-${file}`, tagPage(file, manifest, '<p>Page</p>'));
    const page = await newPage(browser);
    await page.goto(`${server.url}/overlay-days-${file}`);
    const dialog = page.getByRole('dialog', { name: 'Welcome' });
    await dialog.waitFor();
    await page.keyboard.press('Escape');
    expect(await dialog.count()).toBe(0);

    // Reloaded within dismissDays: not shown again (and not exposed).
    await page.reload();
    await page.waitForFunction(() => !Array.isArray((window as unknown as Win).tailor));
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await dialog.count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as Win).exposures.length)).toBe(0);

    // Six days later: still dismissed. Eight days later: back.
    await rewindDismissal(page, 'welcome', 6);
    await page.reload();
    await page.waitForFunction(() => !Array.isArray((window as unknown as Win).tailor));
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await dialog.count()).toBe(0);
    await rewindDismissal(page, 'welcome', 2);
    await page.reload();
    await dialog.waitFor();
    expect(await page.evaluate(() => (window as unknown as Win).exposures.length)).toBe(1);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('banner: a close button dismisses it, remembered for dismissDays; dismissible:false has none', async () => {
    const manifest = {
      experiences: [
        {
          id: 'ship',
          frequency: { dismissDays: 3 },
          variants: [
            { id: 'v', actions: [{ type: 'banner', position: 'top', value: '<b>Free shipping</b>' }] },
          ],
        },
        {
          id: 'legal',
          variants: [
            {
              id: 'v',
              actions: [{ type: 'banner', position: 'bottom', dismissible: false, value: 'Cookies notice' }],
            },
          ],
        },
      ],
    };
    server.page(`/banner-${file}`, tagPage(file, manifest, '<p>Page</p>'));
    const page = await newPage(browser);
    await page.goto(`${server.url}/banner-${file}`);
    const ship = page.locator('.tailor-banner', { hasText: 'Free shipping' });
    const legal = page.locator('.tailor-banner', { hasText: 'Cookies notice' });
    await ship.waitFor();
    await legal.waitFor();
    expect(await legal.getByRole('button').count()).toBe(0);
    await ship.getByRole('button', { name: 'Close' }).click();
    expect(await ship.count()).toBe(0);
    expect(await legal.count()).toBe(1);

    await page.reload();
    await legal.waitFor();
    expect(await ship.count()).toBe(0);

    await rewindDismissal(page, 'ship', 4);
    await page.reload();
    await ship.waitFor();
    expect(await errorsOf(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('frequency.perSession: 1 shows on the first page view of the session only', async () => {
    const manifest = {
      experiences: [
        {
          id: 'once',
          frequency: { perSession: 1 },
          variants: [{ id: 'v', actions: [{ type: 'text', selector: '#hero', value: 'First time here?' }] }],
        },
      ],
    };
    server.page(`/per-session-${file}`, tagPage(file, manifest, '<h1 id="hero">Welcome</h1>'));
    const page = await newPage(browser);
    await page.goto(`${server.url}/per-session-${file}`);
    await page.waitForFunction(() => document.getElementById('hero')?.textContent === 'First time here?');
    expect(await page.evaluate(() => (window as unknown as Win).exposures.length)).toBe(1);

    await page.reload();
    await page.waitForFunction(() => !Array.isArray((window as unknown as Win).tailor));
    await page.evaluate(() => new Promise(requestAnimationFrame));
    expect(await page.evaluate(() => document.getElementById('hero')?.textContent)).toBe('Welcome');
    expect(await page.evaluate(() => (window as unknown as Win).exposures.length)).toBe(0);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('data-tailor-set (here inside an overlay) sets a trait and renders the matching experience at once', async () => {
    const manifest = {
      experiences: [
        {
          id: 'picker',
          variants: [
            {
              id: 'v',
              actions: [
                {
                  type: 'overlay',
                  value:
                    '<h2>Who are you?</h2><button data-tailor-set="persona=developer">I build things</button>' +
                    '<button data-tailor-set="persona=designer">I design things</button>',
                },
              ],
            },
          ],
        },
        {
          id: 'for-devs',
          audience: { 'visitor.traits.persona': 'developer' },
          variants: [
            { id: 'v', actions: [{ type: 'text', selector: '#pitch', value: 'Read the API docs' }] },
          ],
        },
      ],
    };
    server.page(
      `/persona-${file}`,
      tagPage(
        file,
        manifest,
        '<h2 id="pitch">See our plans</h2><span data-tailor-set="persona=developer" id="chip">dev</span>',
      ),
    );
    const page = await newPage(browser);
    await page.goto(`${server.url}/persona-${file}`);
    await page.getByRole('dialog').waitFor();
    expect(await page.evaluate(() => document.getElementById('pitch')?.textContent)).toBe('See our plans');

    await page.getByRole('button', { name: 'I build things' }).click();
    // At once: the click handler re-decides synchronously.
    expect(await page.evaluate(() => document.getElementById('pitch')?.textContent)).toBe(
      'Read the API docs',
    );
    expect(
      await page.evaluate(() => (window as unknown as Win).tailor.context().visitor.traits.persona),
    ).toBe('developer');
    expect(await page.evaluate(() => (window as unknown as Win).exposures.map((e) => e.experience))).toEqual([
      'picker',
      'for-devs',
    ]);

    // Switching persona reverts; a plain element anywhere on the page works too. The trait persists.
    await page.getByRole('button', { name: 'I design things' }).click();
    expect(await page.evaluate(() => document.getElementById('pitch')?.textContent)).toBe('See our plans');
    await page.keyboard.press('Escape');
    await page.click('#chip');
    expect(await page.evaluate(() => document.getElementById('pitch')?.textContent)).toBe(
      'Read the API docs',
    );
    await page.reload();
    await page.waitForFunction(() => document.getElementById('pitch')?.textContent === 'Read the API docs');
    expect(await errorsOf(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('reorder sorts a product list by category affinity', async () => {
    const manifest = {
      categories: { shoes: '/shop/shoes*', bags: '/shop/bags*' },
      experiences: [
        {
          id: 'sort',
          pages: { include: ['/shop/list*'] },
          variants: [
            { id: 'v', actions: [{ type: 'reorder', selector: '#list', items: '.item', key: 'data-cat' }] },
          ],
        },
      ],
    };
    const list =
      '<ul id="list"><li class="item" data-cat="hats">hat1</li><li class="item" data-cat="shoes">shoe1</li>' +
      '<li class="ad">ad</li><li class="item" data-cat="bags">bag1</li><li class="item" data-cat="shoes">shoe2</li>' +
      '<li class="item" data-cat="bags">bag2</li></ul>';
    for (const p of ['shoes', 'bags', 'bags-2', 'list'])
      server.page(`/shop/${p}-${file}`, tagPage(file, manifest, p === 'list' ? list : `<h1>${p}</h1>`));
    const page = await newPage(browser);
    const order = () =>
      page.evaluate(() => [...document.querySelectorAll('#list li')].map((li) => li.textContent));

    // Without affinity yet: the list keeps its order.
    await page.goto(`${server.url}/shop/list-${file}`);
    await page.waitForFunction(() => !Array.isArray((window as unknown as Win).tailor));
    expect(await order()).toEqual(['hat1', 'shoe1', 'ad', 'bag1', 'shoe2', 'bag2']);

    // Each page is read (its decision made) before the next: a page left before its decision
    // counts the page view but not its category (that needs tailor.extras.js).
    for (const p of ['shoes', 'bags', 'bags-2']) {
      await page.goto(`${server.url}/shop/${p}-${file}`);
      await page.waitForFunction(() => !!(window as unknown as Win).tailor.context?.()?.affinity);
    }
    // The tags decide once tailor.extras.js (categories, affinity) has loaded: wait for it.
    await page.waitForFunction(() => !!(window as unknown as Win).tailor.context?.()?.affinity);
    expect(await page.evaluate(() => (window as unknown as Win).tailor.context().affinity.top)).toBe('bags');
    await page.goto(`${server.url}/shop/list-${file}`);
    await page.waitForFunction(() => document.querySelector('#list li')?.textContent === 'bag1');
    // Bags (2 views) before shoes (1) before hats (none); stable; the ad keeps its slot.
    expect(await order()).toEqual(['bag1', 'bag2', 'ad', 'shoe1', 'shoe2', 'hat1']);
    expect(await errorsOf(page)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
