/**
 * Hostile page markup (DOM clobbering): what a comment or profile sanitizer lets visitors post
 * (`id`, `name`, `data-*` on harmless elements) must never take over the tag, in any placement
 * of it. The attacker's origin is https://evil.example, answered by Playwright so every request
 * to it is seen (and would work if made).
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { manifestFor, TAGS, tagDir } from './tags';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const PLACEMENTS = ['head', 'body', 'defer', 'async', 'injected'] as const;
type Placement = (typeof PLACEMENTS)[number];

const manifest = (site: string, text: string) => ({
  version: 1,
  site,
  experiences: [
    { id: 'hero', variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: text }] }] },
  ],
});
const LEGIT = manifest('legit', 'legit');
const EVIL = manifest('evil', 'pwned');
const json = (v: unknown) => JSON.stringify(v).replace(/</g, '\\u003c');
const attr = (v: string) => v.replace(/&/g, '&amp;').replace(/"/g, '&quot;');

let seq = 0;
/**
 * A page with the tag in `placement` (data-* from `tag`) and the attacker's `markup` in the body,
 * before the tag when the tag is in the body. `inline`: the legit manifest inline in <head>.
 */
function addPage(
  file: string,
  placement: Placement,
  markup: string,
  tag: Record<string, string>,
  inline: boolean,
) {
  const p = `/clobber-${++seq}.html`;
  const src = `/dist/${file}`;
  const attrs = Object.entries(tag)
    .map(([k, v]) => ` data-${k}="${attr(v)}"`)
    .join('');
  const head =
    placement === 'head'
      ? `<script src="${src}"${attrs}></script>`
      : placement === 'defer'
        ? `<script defer src="${src}"${attrs}></script>`
        : '';
  const end =
    placement === 'body'
      ? `<script src="${src}"${attrs}></script>`
      : placement === 'async'
        ? `<script async src="${src}"${attrs}></script>`
        : placement === 'injected'
          ? // What a tag manager does.
            `<script>(function () { var s = Document.prototype.createElement.call(document, 'script'); s.src = ${JSON.stringify(src)};
${Object.entries(tag)
  .map(([k, v]) => `s.setAttribute(${JSON.stringify(`data-${k}`)}, ${JSON.stringify(v)});`)
  .join('')}
document.documentElement.firstChild.appendChild(s); })();</script>`
          : '';
  server.page(
    p,
    `<!doctype html><html><head><title>clobbering</title>
${inline ? `<script type="application/json" id="tailor-manifest">${json(manifestFor(file, LEGIT))}</script>` : ''}
${head}</head><body><h1 id="hero">default</h1>
<div class="comment">${markup}</div>
<p>after the comments</p>
${end}</body></html>`,
  );
  return p;
}

type Tracked = Page & { errors: string[]; evil: string[]; debugLoads: string[] };
async function open(file: string, url: string): Promise<Tracked> {
  // Published for a site tag: the attacker's manifest is one the tag would run.
  const evil = JSON.stringify(manifestFor(file, EVIL));
  const page = (await newPage(browser)) as Tracked;
  page.evil = [];
  page.debugLoads = [];
  page.on('request', (r) => {
    if (r.url().includes('tailor.debug.js')) page.debugLoads.push(r.url());
  });
  await page.route('https://evil.example/**', (route) => {
    const url = route.request().url();
    page.evil.push(url);
    const cors = { 'access-control-allow-origin': '*' };
    if (url.endsWith('.json'))
      return route.fulfill({
        status: 200,
        headers: cors,
        contentType: 'application/json',
        body: evil,
      });
    if (url.endsWith('.js'))
      return route.fulfill({
        status: 200,
        headers: cors,
        contentType: 'text/javascript',
        body: 'window.__evil = 1;',
      });
    return route.fulfill({ status: 204, headers: cors });
  });
  await page.goto(url);
  return page;
}

/**
 * Waits until Tailor (or the attacker) has changed the hero, and returns its text (read through
 * Document.prototype: the page may shadow `document.getElementById`).
 */
async function hero(page: Page): Promise<string> {
  await page.waitForFunction(
    () => Document.prototype.getElementById.call(document, 'hero')?.textContent !== 'default',
  );
  return page.evaluate(() => Document.prototype.getElementById.call(document, 'hero')!.textContent!);
}

describe.each(TAGS)('dist/%s', (file) => {
  describe.each(PLACEMENTS)('tag placed %s', (placement) => {
    it('<img name="currentScript" src=evil> + ?tailor_debug=1 loads the debug view from the tag’s own URL only', async () => {
      const markup = '<img name="currentScript" src="https://evil.example/x/p.png" alt="">';
      const page = await open(
        file,
        `${server.url}${addPage(file, placement, markup, {}, true)}?tailor_debug=1`,
      );
      expect(await hero(page)).toBe('legit');
      await expect.poll(() => page.debugLoads.length).toBeGreaterThan(0);
      await page.waitForSelector('[data-tailor-debug]');
      expect(page.debugLoads).toEqual([`${server.url}${tagDir(file)}tailor.debug.js`]);
      expect(page.evil.filter((u) => !u.endsWith('/p.png'))).toEqual([]);
      expect(await page.evaluate(() => (window as unknown as { __evil?: number }).__evil)).toBeUndefined();
      await page.close();
    });

    it('<img name="currentScript" data-manifest data-endpoint> changes neither the manifest nor the endpoint', async () => {
      const c = createCollector(server);
      const legit = JSON.stringify(manifestFor(file, LEGIT));
      server.route('/clobber-legit.json', (_, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(legit),
      );
      const markup =
        '<img name="currentScript" data-manifest="https://evil.example/m.json" data-endpoint="https://evil.example/c" alt="">';
      const page = await open(
        file,
        `${server.url}${addPage(file, placement, markup, { manifest: '/clobber-legit.json', endpoint: c.path }, false)}`,
      );
      expect(await hero(page)).toBe('legit');
      await c.until((x) => x.events().some((e) => e.type === 'exposure'), 10_000, 'an exposure beacon');
      expect(c.events().map((e) => [e.type, e.experience])).toContainEqual(['exposure', 'hero']);
      expect(page.evil).toEqual([]);
      await page.close();
    });

    it('<div id="tailor-manifest"> is not a manifest: the tag’s data-manifest is used', async () => {
      const legit = JSON.stringify(manifestFor(file, LEGIT));
      server.route('/clobber-legit.json', (_, res) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end(legit),
      );
      const markup = `<div id="tailor-manifest">${json(manifestFor(file, EVIL)).replace(/&/g, '&amp;')}</div>`;
      const page = await open(
        file,
        `${server.url}${addPage(file, placement, markup, { manifest: '/clobber-legit.json' }, false)}`,
      );
      expect(await hero(page)).toBe('legit');
      await page.close();
    });

    it('<a id="tailor"> does not stop Tailor from starting', async () => {
      const page = await open(
        file,
        `${server.url}${addPage(file, placement, '<a id="tailor" href="#x">x</a>', {}, true)}`,
      );
      expect(await hero(page)).toBe('legit');
      await page.waitForFunction(
        () => typeof (window as unknown as { tailor?: { variant?: unknown } }).tailor?.variant === 'function',
      );
      expect(
        await page.evaluate(() =>
          (window as unknown as { tailor: { variant(id: string): string } }).tailor.variant('hero'),
        ),
      ).toBe('on');
      await page.close();
    });

    it('<img name="getElementById"> and <img name="currentScript"> (shadowed document members) do not stop it', async () => {
      const markup = '<img name="getElementById" alt=""><img name="currentScript" alt="">';
      const page = await open(file, `${server.url}${addPage(file, placement, markup, {}, true)}`);
      expect(await hero(page)).toBe('legit');
      expect(page.errors).toEqual([]);
      await page.close();
    });
  });

  it('an inline tag (no src) with ?tailor_debug=1 loads no debug view and says so once', async () => {
    const { readFileSync } = await import('node:fs');
    const { ROOT } = await import('./server');
    const code = readFileSync(`${ROOT}/dist/${file}`, 'utf8').replace(/<\/script/gi, '<\\/script');
    const p = `/clobber-inline-${++seq}.html`;
    server.page(
      p,
      `<!doctype html><html><head><script type="application/json" id="tailor-manifest">${json(manifestFor(file, LEGIT))}</script>
<script>${code}</script></head><body><h1 id="hero">default</h1></body></html>`,
    );
    const page = await open(file, `${server.url}${p}?tailor_debug=1`);
    expect(await hero(page)).toBe('legit');
    await expect.poll(() => page.errors.filter((e) => e.includes('debug view')).length).toBe(1);
    expect(page.debugLoads).toEqual([]);
    await page.close();
  });
});
