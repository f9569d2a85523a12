import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { grace, newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

// SPA page views (docs/api.md `page()`, docs/experiences.md#rendering): history changes re-evaluate, revert what no longer
// applies and render what newly applies; exposures are once per experience per page view.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

type Exposure = { experience: string; variant: string; path: string };
type Win = Window & {
  exposures: Exposure[];
  errors: { message: string }[];
  route(name: string): void;
  tailor: {
    destroy(): void;
    set(data: object): void;
    context(): { session: { pageviews: number }; page: { path: string } };
  };
  timers: { interval: number; timeout: number; raf: number };
};

const MANIFEST = {
  version: 1,
  site: 'spa-test',
  experiences: [
    {
      id: 'on-a',
      pages: { include: ['*/a'] },
      variants: [{ id: 'v', actions: [{ type: 'text', selector: '#title', value: 'Tailored A' }] }],
    },
    {
      id: 'on-b',
      pages: { include: ['*/b'] },
      variants: [
        {
          id: 'v',
          actions: [
            { type: 'text', selector: '#promo', value: 'Tailored B' },
            { type: 'css', value: '#promo{color:rgb(1, 2, 3)}' },
          ],
        },
      ],
    },
    {
      id: 'everywhere',
      variants: [{ id: 'v', actions: [{ type: 'class', selector: '#brand', add: ['tailored'] }] }],
    },
  ],
};

/** A tiny router page: `route(name)` renders the route's content, as SPA routers do after pushState. */
function spaPage(file: string, head = ''): string {
  const json = JSON.stringify(manifestFor(file, MANIFEST)).replace(/</g, '\\u003c');
  return `<!doctype html><html><head><title>spa</title>
    <script>
      window.exposures = []; window.errors = [];
      window.tailor = [function (t) {
        t.on('exposure', function (e) { exposures.push({ experience: e.experience, variant: e.variant, path: e.path }); });
        t.on('error', function (e) { errors.push(e); });
      }];
      window.route = function (name) {
        document.getElementById('app').innerHTML = name === 'b' ? '<p id="promo">Plain B</p>' : '<p>Home</p>';
      };
    </script>
    ${head}
    <script type="application/json" id="tailor-manifest">${json}</script>
    <script src="/dist/${file}"></script></head>
    <body><header id="brand">Brand</header><h1 id="title">Original A</h1><main id="app"><p>Home</p></main></body></html>`;
}

const text = (sel: string) => `document.querySelector(${JSON.stringify(sel)})?.textContent`;
const count = (exp: string) => `exposures.filter(e => e.experience === ${JSON.stringify(exp)}).length`;

describe.each(TAGS)('dist/%s', (file) => {
  const base = `/spa/${file}`;

  it('pushState, popstate and replaceState start page views that revert and render experiences', async () => {
    server.page(`${base}/a`, spaPage(file));
    const page = await newPage(browser);
    await page.goto(`${server.url}${base}/a`);
    await page.waitForFunction(`${text('#title')} === 'Tailored A'`);
    expect(await page.evaluate(() => (window as unknown as Win).exposures.map((e) => e.experience))).toEqual(
      expect.arrayContaining(['on-a', 'everywhere']),
    );

    // To /b: "on-a" no longer applies and is reverted; the router renders #promo after pushState.
    await page.evaluate((p) => history.pushState({}, '', p), `${base}/b`);
    expect(await page.evaluate(text('#title'))).toBe('Original A');
    await page.evaluate(() => (window as unknown as Win).route('b'));
    await page.waitForFunction(`${text('#promo')} === 'Tailored B'`);
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('promo')!).color)).toBe(
      'rgb(1, 2, 3)',
    );
    expect(await page.evaluate(count('on-b'))).toBe(1);

    // Back to /a (popstate): "on-b" is reverted (its <style> too), "on-a" renders again.
    await page.evaluate(() => history.back());
    await page.waitForFunction(`${text('#title')} === 'Tailored A'`);
    expect(await page.evaluate(text('#promo'))).toBe('Plain B');
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('promo')!).color)).not.toBe(
      'rgb(1, 2, 3)',
    );
    expect(await page.evaluate(count('on-a'))).toBe(2);

    // replaceState with a new URL is a page view too.
    await page.evaluate((p) => history.replaceState({}, '', p), `${base}/b`);
    expect(await page.evaluate(text('#title'))).toBe('Original A');
    await page.waitForFunction(`${text('#promo')} === 'Tailored B'`);
    expect(await page.evaluate(count('on-b'))).toBe(2);
    expect(await page.evaluate(() => (window as unknown as Win).tailor.context().page.path)).toBe(
      `${base}/b`,
    );

    expect(await page.evaluate(() => (window as unknown as Win).errors)).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('renders the new route when the router inserts the element after pushState', async () => {
    server.page(`${base}/a`, spaPage(file));
    const page = await newPage(browser);
    await page.goto(`${server.url}${base}/a`);
    await page.waitForFunction(`${text('#title')} === 'Tailored A'`);
    // Routers push first, then render a frame or a fetch later (150 ms here: the scenario).
    await page.evaluate((p) => {
      history.pushState({}, '', p);
      setTimeout(() => (window as unknown as Win).route('b'), 150);
    }, `${base}/b`);
    await page.waitForFunction(`${text('#promo')} === 'Tailored B'`);
    expect(await page.evaluate(count('on-b'))).toBe(1);
    // Navigating away and the router replacing #promo with a fresh one: the fresh one is not touched.
    await page.evaluate((p) => {
      history.pushState({}, '', p);
      (window as unknown as Win).route('b');
    }, `${base}/c`);
    expect(await page.evaluate(text('#promo'))).toBe('Plain B');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a hash-only change is not a page view; exposures are once per experience per page view', async () => {
    server.page(`${base}/a`, spaPage(file));
    const page = await newPage(browser);
    await page.goto(`${server.url}${base}/a`);
    await page.waitForFunction(`${text('#title')} === 'Tailored A'`);
    const views = () => page.evaluate(() => (window as unknown as Win).tailor.context().session.pageviews);
    const before = await views();
    expect(await page.evaluate(count('everywhere'))).toBe(1);

    await page.evaluate(() => {
      location.hash = 'section';
      history.pushState({}, '', '#other');
      history.replaceState({}, '', '#third');
    });
    await page.evaluate(() => history.back()); // popstate back to #section
    await page.waitForFunction(() => location.hash === '#section');
    await grace(50); // a wrong page view would have been counted by now
    expect(await views()).toBe(before);
    expect(await page.evaluate(count('everywhere'))).toBe(1);

    // Re-evaluations within one page view (set(), the site overwriting a change) expose nothing new.
    await page.evaluate(() => {
      (window as unknown as Win).tailor.set({ tier: 'gold' });
      document.getElementById('brand')!.className = '';
    });
    await page.waitForFunction(() => document.getElementById('brand')!.classList.contains('tailored'));
    expect(await page.evaluate(count('everywhere'))).toBe(1);
    expect(await page.evaluate(count('on-a'))).toBe(1);

    // A new URL on the same route is a page view: experiences still live are exposed again, once.
    await page.evaluate((p) => history.pushState({}, '', p), `${base}/a?tab=2`);
    expect(await views()).toBe(before + 1);
    expect(await page.evaluate(count('everywhere'))).toBe(2);
    expect(await page.evaluate(count('on-a'))).toBe(2);
    expect(await page.evaluate(text('#title'))).toBe('Tailored A');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('uses no polling timers', async () => {
    // Installed before the tag: counts the timers whose caller is the Tailor script.
    const head = `<script>
      window.timers = { interval: 0, timeout: 0, raf: 0 };
      const fromTailor = () => /\\/dist\\/(site-tags\\/\\w+\\/)?tailor/.test(new Error().stack || '');
      for (const [name, key] of [['setInterval', 'interval'], ['setTimeout', 'timeout'], ['requestAnimationFrame', 'raf']]) {
        const original = window[name];
        window[name] = function () { if (fromTailor()) timers[key]++; return original.apply(this, arguments); };
      }
    </script>`;
    server.page(`${base}/timers/a`, spaPage(file, head));
    const page = await newPage(browser);
    await page.goto(`${server.url}${base}/timers/a`);
    await page.waitForFunction(`${text('#title')} === 'Tailored A'`);
    for (const p of ['b', 'a', 'b'])
      await page.evaluate((u) => history.pushState({}, '', u), `${base}/timers/${p}`);
    await page.evaluate(() => (window as unknown as Win).route('b'));
    await page.waitForFunction(`${text('#promo')} === 'Tailored B'`);
    const timers = () => page.evaluate(() => ({ ...(window as unknown as Win).timers }));
    const first = await timers();
    expect(first.interval).toBe(0);
    // The counter does see Tailor's calls (the settle timer of each page view).
    expect(first.timeout).toBeGreaterThan(0);
    // Per page view (4 here) at most a settle timer and the one that records pageview goals
    // after the page's exposures; nothing re-arming itself.
    expect(first.timeout).toBeLessThanOrEqual(8);
    await grace(600); // a timer re-arming itself would have fired by now
    expect(await timers()).toEqual(first);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('destroy() reverts every change and stops reacting to history changes', async () => {
    server.page(`${base}/b`, spaPage(file).replace('<p>Home</p></main>', '<p id="promo">Plain B</p></main>'));
    const page = await newPage(browser);
    await page.goto(`${server.url}${base}/b`);
    await page.waitForFunction(`${text('#promo')} === 'Tailored B'`);
    expect(await page.evaluate(() => document.getElementById('brand')!.className)).toBe('tailored');
    const styles = await page.evaluate(() => document.querySelectorAll('style').length);
    expect(styles).toBeGreaterThan(0);

    await page.evaluate(() => (window as unknown as Win).tailor.destroy());
    expect(await page.evaluate(text('#promo'))).toBe('Plain B');
    expect(await page.evaluate(() => document.getElementById('brand')!.className)).toBe('');
    expect(await page.evaluate(() => getComputedStyle(document.getElementById('promo')!).color)).not.toBe(
      'rgb(1, 2, 3)',
    );
    const seen = await page.evaluate(() => (window as unknown as Win).exposures.length);

    await page.evaluate((p) => history.pushState({}, '', p), `${base}/a`);
    await page.evaluate(() => history.back());
    await page.waitForFunction((p) => location.pathname === p, `${base}/b`);
    await grace(100); // a destroyed instance that still reacted would have rendered by now
    expect(await page.evaluate(text('#title'))).toBe('Original A');
    expect(await page.evaluate(() => document.getElementById('brand')!.className)).toBe('');
    expect(await page.evaluate(() => (window as unknown as Win).exposures.length)).toBe(seen);
    // The history methods are the browser's own again.
    expect(await page.evaluate(() => /\[native code\]/.test(String(history.pushState)))).toBe(true);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
