/**
 * CSS and URL sinks in the built tags: a visitor's value in a style (`color:{{…}}` with
 * `red;background-image:url(…)`) must not load anything, whichever way it reaches the context,
 * and an SVG `<set attributeName="href" to="{{…}}">` must not become a `javascript:` link.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS, tagKey } from './tags';

let browser: Browser;
let server: TestServer;
/** Requests per route name (`/evil-<source>` and `/ctrl-<source>`). */
const hits: Record<string, number> = {};
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const UTM = ['source', 'medium', 'campaign', 'term', 'content'];

/** Registers `/evil-<name>` and `/ctrl-<name>`; returns the payload that loads the first. */
function routes(name: string): string {
  for (const kind of ['evil', 'ctrl'])
    server.route(`/${kind}-${name}`, (_, res) => {
      hits[`${kind}-${name}`] = (hits[`${kind}-${name}`] || 0) + 1;
      res.writeHead(204, { 'cache-control': 'no-store' }).end();
    });
  return `red;background-image:url(/evil-${name})`;
}

interface Source {
  name: string;
  /** The context path the value lands in. */
  path: string;
  audience?: object;
  /** Page path (the page.path source puts the payload there), query, referrer, head script. */
  at?(payload: string): string;
  query?(payload: string): string;
  referer?(payload: string): string;
  head?(payload: string): string;
  dataLayer?: string[];
  /** After boot: how the value arrives (set(), a click). */
  after?(page: Page, payload: string): Promise<void>;
}

const SOURCES: Source[] = [
  { name: 'query', path: 'page.query.c', query: (p) => `?c=${encodeURIComponent(p)}` },
  ...UTM.map((k) => ({
    name: `utm-${k}`,
    path: `traffic.${k}`,
    query: (p: string) => `?utm_${k}=${encodeURIComponent(p)}${k === 'source' ? '' : '&utm_source=x'}`,
  })),
  { name: 'referrer', path: 'page.referrer', referer: (p) => `${server.url}/from?${p}` },
  { name: 'path', path: 'page.path', at: (p) => `/css-sinks/${p}` },
  {
    name: 'identify',
    path: 'visitor.traits.t',
    head: (p) => `tailor.push(['identify', 'u1', { t: ${JSON.stringify(p)} }]);`,
  },
  {
    name: 'datalayer',
    path: 'data.dl',
    dataLayer: ['dl'],
    head: (p) => `window.dataLayer = [{ dl: ${JSON.stringify(p)} }];`,
  },
  {
    name: 'set',
    path: 'data.d',
    audience: { 'data.d': { $exists: true } },
    after: (page, p) =>
      page.evaluate((d) => (window as unknown as { tailor: { set(d: object): void } }).tailor.set({ d }), p),
  },
  {
    name: 'click',
    path: 'visitor.traits.pick',
    audience: { 'visitor.traits.pick': { $exists: true } },
    head: (p) =>
      `document.addEventListener('DOMContentLoaded', function () { var b = document.createElement('button'); b.id = 'pick'; b.setAttribute('data-tailor-set', 'pick=' + ${JSON.stringify(p)}); document.body.appendChild(b); });`,
    after: (page) => page.click('#pick'),
  },
];

/** Every CSS sink a template reaches: attr style, a style="…" in html, insert and a banner. */
function manifest(s: Source) {
  const t = `{{${s.path}}}`;
  const ctrl = `{{nothing|url(/ctrl-${s.name})}}`;
  const actions = [
    { type: 'attr', selector: '#a', name: 'style', value: `color:${t}` },
    { type: 'html', selector: '#h', value: `<p style="color:${t}">h</p>` },
    { type: 'insert', selector: '#i', position: 'append', value: `<p style="color:${t}">i</p>` },
    // The control: a fallback the manifest wrote loads, so the browser did load style images.
    { type: 'attr', selector: '#c', name: 'style', value: `background-image:${ctrl}` },
  ];
  return {
    version: 1,
    site: 'css-sinks',
    ...(s.dataLayer ? { dataLayer: s.dataLayer } : {}),
    experiences: [
      { id: 'e', ...(s.audience ? { audience: s.audience } : {}), variants: [{ id: 'v', actions }] },
      {
        id: 'b',
        ...(s.audience ? { audience: s.audience } : {}),
        variants: [{ id: 'v', actions: [{ type: 'banner', value: `<p style="color:${t}">b</p>` }] }],
      },
    ],
  };
}

async function open(file: string, s: Source): Promise<Page & { errors: string[] }> {
  const payload = routes(s.name);
  const at = s.at?.(payload) || `/css-sinks-${s.name}.html`;
  const page = await newPage(browser);
  server.page(
    new URL(at, 'http://x').pathname,
    `<!doctype html><html><head><title>css</title>
<style>#a, #c, p { display: block; width: 20px; height: 20px; }</style>
<script>window.errors = []; window.tailor = [function (t) { t.on('error', function (e) { errors.push(e.message); }); }];
${s.head?.(payload) || ''}</script>
<script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(file, manifest(s))).replace(/</g, '\\u003c')}</script>
<script src="/dist/${file}"></script></head>
<body><div id="a">a</div><div id="h"></div><div id="i"></div><div id="c">c</div></body></html>`,
  );
  await page.goto(`${server.url}${at}${s.query?.(payload) || ''}`, {
    referer: s.referer?.(payload),
    waitUntil: 'domcontentloaded',
  });
  await page.waitForFunction(
    () => typeof (window as unknown as { tailor: { on?: unknown } }).tailor.on === 'function',
  );
  await s.after?.(page, payload);
  return page;
}

/** Waits until the control image was requested and two frames more have been drawn. */
async function rendered(page: Page, name: string) {
  await expect.poll(() => hits[`ctrl-${name}`] || 0, { timeout: 10_000 }).toBeGreaterThan(0);
  // The html, insert and banner paragraphs are in.
  await page.waitForFunction(() => document.querySelectorAll('p[style]').length >= 3);
  await page.evaluate(() => new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r))));
}

describe.each(TAGS)('dist/%s', (file) => {
  it.each(SOURCES.map((s) => [s.name, s] as const))(
    'a style value from %s loads nothing and is reported',
    async (_, s) => {
      const name = s.name;
      s = { ...s, name: `${name}-${tagKey(file)}` };
      const page = await open(file, s);
      await rendered(page, s.name);
      const r = await page.evaluate(() => ({
        errors: (window as unknown as { errors: string[] }).errors,
        style: document.getElementById('a')!.getAttribute('style'),
        resources: performance.getEntriesByType('resource').map((e) => new URL(e.name).pathname),
      }));
      expect(hits[`evil-${s.name}`] || 0, name).toBe(0);
      expect(r.resources.filter((p) => p.startsWith('/evil'))).toEqual([]);
      expect(r.style).toBe('color:');
      expect(r.errors.length).toBeGreaterThanOrEqual(4);
      expect(r.errors.every((m) => m.startsWith('unsafe style value "'))).toBe(true);
      expect(page.errors).toEqual([]);
      await page.close();
    },
  );

  it('stored traits (a persona picked on an earlier page) load nothing either', async () => {
    const s = SOURCES.find((x) => x.name === 'click')!;
    const name = `stored-${tagKey(file)}`;
    const first = await open(file, { ...s, name });
    await rendered(first, name);
    // The trait now comes from storage: no click on this page view.
    hits[`ctrl-${name}`] = 0;
    await first.reload({ waitUntil: 'domcontentloaded' });
    await rendered(first, name);
    // Neither on the page view of the click nor on the next one.
    expect(hits[`evil-${name}`] || 0).toBe(0);
    expect(await first.evaluate(() => document.getElementById('a')!.getAttribute('style'))).toBe('color:');
    await first.close();
  });

  it('an SVG <set to="{{…}}"> never turns a link into javascript:', async () => {
    const m = {
      version: 1,
      site: 'css-sinks',
      experiences: [
        {
          id: 'svg',
          variants: [
            { id: 'v', actions: [{ type: 'attr', selector: 'set', name: 'to', value: '{{page.query.x}}' }] },
          ],
        },
      ],
    };
    const path = `/svg-set-${file}.html`;
    server.page(
      path,
      `<!doctype html><html><head><title>svg</title>
<script>window.errors = []; window.pwned = 0; window.tailor = [function (t) { t.on('error', function (e) { errors.push(e.message); }); }];</script>
<script type="application/json" id="tailor-manifest">${JSON.stringify(manifestFor(file, m))}</script>
<script src="/dist/${file}"></script></head>
<body><svg width="200" height="200"><a id="link"><rect width="200" height="200" fill="blue"/><set attributeName="href" to="#safe"/></a></svg></body></html>`,
    );
    const page = await newPage(browser);
    await page.goto(`${server.url}${path}?x=${encodeURIComponent('javascript:window.pwned=1;void 0')}`, {
      waitUntil: 'domcontentloaded',
    });
    await page.waitForFunction(
      () => typeof (window as unknown as { tailor: { on?: unknown } }).tailor.on === 'function',
    );
    await page.click('rect');
    // Either the link ran the query's script, or it followed the manifest's own `to`.
    await page.waitForFunction(
      () => (window as unknown as { pwned: number }).pwned || location.hash === '#safe',
    );
    const r = await page.evaluate(() => ({
      pwned: (window as unknown as { pwned: number }).pwned,
      to: document.querySelector('set')!.getAttribute('to'),
      errors: (window as unknown as { errors: string[] }).errors,
    }));
    expect(r.pwned).toBe(0);
    expect(r.to).toBe('#safe');
    expect(r.errors).toEqual([expect.stringMatching(/^the URL ".*" is refused/)]);
    await page.close();
  });
});
