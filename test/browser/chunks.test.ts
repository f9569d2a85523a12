/**
 * The generic tags are a core plus chunks (`tailor.<name>.js` beside the tag): which chunk loads
 * when, what is not collected without one, markup that tries to stand in for the chunks'
 * registration, and a visitor who leaves while a chunk the decision needs is still loading.
 */
import type { Browser, Page, Request } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { budget, newPage, useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

let seq = 0;
const hero = (audience?: unknown) => ({
  id: 'hero',
  ...(audience ? { audience } : {}),
  variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: 'Tailored' }] }],
});

/** Serves a page with `manifest` inline and the tag `file`; `before`: markup ahead of the tag. */
function pageWith(file: string, manifest: Record<string, unknown>, before = '', endpoint = ''): string {
  const path = `/chunks-${++seq}.html`;
  server.page(
    path,
    `<!doctype html><html><head><title>${path}</title>
    <script>window.__errors=[];window.tailor=[function(t){t.on('error',function(e){__errors.push(e.message)})}]</script>
    ${before}
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(file, { version: 1, site: 'chunks', ...manifest }))}</script>
    <script src="/dist/${file}"${endpoint ? ` data-endpoint="${endpoint}"` : ''}></script></head>
    <body><h1 id="hero">Default</h1></body></html>`,
  );
  return path;
}

/** The `tailor.<name>.js` chunks the page requested, in order. */
function chunksOf(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r: Request) => {
    const m = /\/tailor\.([a-z]+)\.js$/.exec(new URL(r.url()).pathname);
    if (m && m[1] !== 'min') seen.push(m[1]!);
  });
  return seen;
}

const text = (page: Page) => page.evaluate(() => document.getElementById('hero')?.textContent);
const tailored = (page: Page) =>
  page.waitForFunction(() => document.getElementById('hero')?.textContent === 'Tailored');
type Ctx = {
  device: { type: string };
  os: { name: string | null };
  browser: { name: string | null };
};
const ctx = (page: Page) =>
  page.evaluate(() => (window as unknown as { tailor: { context(): Ctx } }).tailor.context());

// The generic tags' own chunks: the full tag's ua-parser-js, the lite tag's classifier.
describe('device details', () => {
  it('the full tag: without a manifest reading them, no tailor.ua.js and os/browser are null; the device class is there', async () => {
    const page = await newPage(browser);
    const chunks = chunksOf(page);
    await page.goto(
      `${server.url}${pageWith('tailor.min.js', { experiences: [hero({ 'device.type': 'desktop' })] })}`,
    );
    await tailored(page);
    // The post-paint chunk arrives a task later: wait for it, then nothing else was asked for.
    await page.waitForFunction(() => Object.hasOwn(window, 'tailorChunk'));
    await expect.poll(() => chunks.includes('post'), { timeout: budget(10_000) }).toBe(true);
    expect(chunks).not.toContain('ua');
    const c = await ctx(page);
    expect(c.device.type).toBe('desktop');
    expect([c.os.name, c.browser.name]).toEqual([null, null]);
    expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
    await page.close();
  });

  it('the full tag: a manifest reading os.name waits for tailor.ua.js, decides with it, and keeps the answer for the next page view', async () => {
    const page = await newPage(browser);
    const chunks = chunksOf(page);
    const path = pageWith('tailor.min.js', { experiences: [hero({ 'os.name': 'Linux' })] });
    await page.goto(`${server.url}${path}`);
    await tailored(page);
    expect(chunks).toContain('ua');
    const c = await ctx(page);
    expect(c.os.name).toBe('Linux');
    expect(c.browser.name).toBe('Chrome');
    // Stored (consent granted by default): the next page view decides without the chunk.
    await page.waitForFunction(() => !!localStorage.getItem('tlr_ua'));
    chunks.length = 0;
    await page.goto(`${server.url}${path}`);
    await tailored(page);
    expect(chunks).not.toContain('ua');
    expect((await ctx(page)).os.name).toBe('Linux');
    await page.close();
  });

  it('the lite tag loads its own classifier (tailor.device.js), never ua-parser-js', async () => {
    const page = await newPage(browser);
    const chunks = chunksOf(page);
    await page.goto(
      `${server.url}${pageWith('tailor.lite.min.js', { experiences: [hero({ 'browser.name': 'Chrome' })] })}`,
    );
    await tailored(page);
    expect(chunks).toContain('device');
    expect(chunks).not.toContain('ua');
    expect((await ctx(page)).browser.name).toBe('Chrome');
    await page.close();
  });
});

describe('hostile markup', () => {
  for (const file of TAGS)
    it(`${file}: <img name="tailorChunk"> and <a id="tailorChunk"> do not stop the chunks (a banner from tailor.post.js shows)`, async () => {
      const page = await newPage(browser);
      const banner = {
        id: 'promo',
        variants: [{ id: 'on', actions: [{ type: 'banner', value: 'Sale today', position: 'top' }] }],
      };
      const path = pageWith(
        file,
        { experiences: [banner] },
        '<img name="tailorChunk" src="data:,"><a id="tailorChunk" href="https://evil.example/">x</a>',
      );
      await page.goto(`${server.url}${path}`);
      await page.waitForFunction(() =>
        document.querySelector('.tailor-banner')?.textContent?.includes('Sale today'),
      );
      expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
      await page.close();
    });
});

describe('leaving early', () => {
  it('a visitor who leaves while a chunk the decision waits for is loading still converts (pageview goal) and is not exposed', async () => {
    const c = createCollector(server);
    // tailor.extras.js (the journey stage) is held back until the visitor has left, and so is
    // tailor.post.js: the core itself must send the conversion, once (CI once saw it sent twice
    // when the chunk was slow, when leaving fired two listeners).
    let release = () => {};
    const held = new Promise<void>((r) => {
      release = r;
    });
    const page = await newPage(browser);
    for (const chunk of ['**/tailor.extras.js', '**/tailor.post.js'])
      await page.route(chunk, async (route) => {
        await held;
        await route.continue();
      });
    const path = pageWith(
      'tailor.min.js',
      {
        goals: { purchase: { type: 'pageview', path: '/chunks-*' } },
        experiences: [hero({ 'journey.stage': 'new' })],
      },
      '',
      c.path,
    );
    server.page('/chunks-away.html', '<!doctype html><title>away</title><p>away</p>');
    await page.goto(`${server.url}${path}`, { waitUntil: 'load' });
    expect(await text(page)).toBe('Default');
    await page.goto(`${server.url}/chunks-away.html`);
    release();
    await c.until((c) => c.events().some((e) => e.type === 'conversion'), 10_000, 'the conversion');
    const events = c.events();
    expect(events.filter((e) => e.type === 'conversion').map((e) => (e as { goal?: string }).goal)).toEqual([
      'purchase',
    ]);
    expect(events.filter((e) => e.type === 'exposure')).toEqual([]);
    await page.close();
  });
});

// A site that strips its campaign parameters from the address bar (history.replaceState) as the
// page loads: the page view is the address it started with, also when its decision waits for a
// chunk (here tailor.extras.js, for journey.stage) and the address has changed by then.
describe('a page view that waits for a chunk', () => {
  for (const file of TAGS)
    it(`${file}: keeps the campaign of the address it started with, though the site strips it meanwhile`, async () => {
      const page = await newPage(browser);
      let asked = () => {};
      const extrasAsked = new Promise<void>((r) => {
        asked = r;
      });
      let stripped = () => {};
      const strippedFirst = new Promise<void>((r) => {
        stripped = r;
      });
      // The chunk answers once the address has been stripped.
      await page.route('**/tailor.extras.js', async (route) => {
        asked();
        await strippedFirst;
        await route.continue();
      });
      const path = pageWith(file, {
        experiences: [
          {
            id: 'hero',
            audience: { 'journey.stage': 'new' },
            variants: [
              {
                id: 'on',
                actions: [
                  { type: 'text', selector: '#hero', value: '{{traffic.source}}/{{traffic.campaign}}' },
                ],
              },
            ],
          },
        ],
      });
      await page.goto(`${server.url}${path}?utm_source=news&utm_medium=email&utm_campaign=winter`, {
        waitUntil: 'commit',
      });
      await extrasAsked;
      await page.waitForFunction(() => document.readyState !== 'loading');
      await page.evaluate(() => history.replaceState(null, '', location.pathname));
      stripped();
      await page.waitForFunction(
        () => document.getElementById('hero')?.textContent !== 'Default',
        undefined,
        {
          timeout: budget(5000),
        },
      );
      expect(await text(page)).toBe('news/winter');
      expect(await page.evaluate(() => (window as unknown as { __errors: string[] }).__errors)).toEqual([]);
      await page.close();
    });
});
