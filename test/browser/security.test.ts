/**
 * Security of the built tags (docs/experiences.md#actions, docs/experiences.md#templates): values from the visit (UTM and other query
 * parameters, the referrer, identify() traits, set() data) never create markup, scripts or
 * URLs of a new scheme, whatever template they land in; unsafe URLs and `on*` attributes are
 * refused and reported; and Tailor keeps working under a strict CSP with Trusted Types.
 *
 * The XSS pages carry no CSP on purpose: a payload that got through would really run and call
 * `__pwned(id)`, which records it in the page and in sessionStorage (to survive a redirect).
 */
import { randomBytes } from 'node:crypto';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { grace, launchChromium, newPage } from './chromium';
import { startServer, type TestServer } from './server';
import { GENERIC_TAGS, manifestFor, TAGS } from './tags';

let browser: Browser;
let server: TestServer;

beforeAll(async () => {
  [browser, server] = await Promise.all([launchChromium(), startServer()]);
  server.route('/pixel', (_, res) => res.writeHead(204).end());
  server.page('/landed.html', '<!doctype html><title>landed</title><p>landed</p>');
});
afterAll(async () => {
  await browser?.close();
  await server?.close();
});

/** `X` is replaced by `__pwned(<index>)`: the call a payload makes when it executes. */
const RAW = [
  '<img src=x onerror=X>',
  '<svg onload=X>',
  '"><script>X</script>',
  `'"><iframe srcdoc="<script>parent.X</script>">`,
  'javascript:X',
  'JaVaScRiPt:X',
  ' javascript:X',
  '%20javascript:X',
  'java\tscript:X',
  'java&#x0A;script:X',
  'data:text/html,<script>parent.X</script>',
  'vbscript:X',
  "{{constructor.constructor('X')()}}",
  '</style><script>X</script>',
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-literal injection payload, on purpose
  '${X}`;X;`',
  '<a href=javascript:X id=pwn>click</a>',
  '<div style="width:expression(X);background:url(javascript:X)">css</div>',
  '\\u003cimg src=x onerror=X\\u003e',
  '<details open ontoggle=X>',
  '<math><mtext><table><mglyph><style><img src=x onerror=X>',
  '&lt;img src=x onerror=X&gt;',
  '<input autofocus onfocus=X>',
  '<object data="javascript:X"></object>',
  '<noscript><p title="</noscript><img src=x onerror=X>">',
  '&#106;avascript:X',
  '{{page.query.p0}}{{visitor.id}}',
  '\u2028<body onload=X>\u0000',
  // Break out of an unquoted attribute (`alt={{…}}`), or of a quoted JS string in a handler.
  'x onerror=X//',
  "'+X+'",
];
const PAYLOADS = RAW.map((p, i) => p.replace(/X/g, `__pwned(${i})`));

const js = (v: unknown) =>
  JSON.stringify(v)
    .replace(/</g, '\\u003c')
    .replace(/\u2028/g, '\\u2028');

/**
 * The first script of every test page: `__pwned`, a recorder of `error` events (queued before
 * the tag), of CSP violations, and a watcher flagging scripts, frames, `on*` attributes and
 * non-http(s) URLs appearing in the DOM.
 */
const EARLY = `
window.__hits = []; window.__errs = []; window.__bad = []; window.__viol = [];
window.__pwned = function (id) {
  __hits.push(String(id));
  try { sessionStorage.setItem('pwned', (sessionStorage.getItem('pwned') || '') + id + ','); } catch (e) {}
};
document.addEventListener('securitypolicyviolation', function (e) {
  __viol.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + e.sample);
});
window.tailor = window.tailor || [];
tailor.push(function (t) { t.on('error', function (e) { __errs.push(e); }); });
var TAGS = /^(SCRIPT|IFRAME|FRAME|FRAMESET|OBJECT|EMBED|BASE|META|LINK)$/;
var URLS = /^(href|src|action|formaction|data|poster|xlink:href|background|ping)$/i;
// Tailor's own first-paint hold for a load-triggered banner (docs/experiences.md#widgets): the
// generic tags' render-blocking <link rel=expect href=#tailor>, or the site tags' render-blocking
// <script type=module> of tailor.post.js beside the tag (same origin); nothing else on either.
// Any other script or link is flagged.
var HOLD = function (el) {
  var src = el.tagName === 'SCRIPT' && el.getAttribute('src');
  var script = !!src && el.getAttribute('type') === 'module' && new URL(src, location.href).origin === location.origin &&
    ['/dist/site-tags/suite/tailor.post.js'].indexOf(new URL(src, location.href).pathname) >= 0;
  var link = el.tagName === 'LINK' && el.getAttribute('rel') === 'expect' && el.getAttribute('href') === '#tailor';
  return (script || link) && el.getAttribute('blocking') === 'render' && el.attributes.length === 3;
};
window.__check = function (el) {
  if (el.nodeType !== 1) return;
  if (TAGS.test(el.tagName) && !el.hasAttribute('data-own') && !HOLD(el)) __bad.push('<' + el.tagName + '>');
  for (var i = 0; i < el.attributes.length; i++) __attr(el, el.attributes[i].name);
  for (var c = el.firstElementChild; c; c = c.nextElementSibling) __check(c);
};
window.__attr = function (el, name) {
  var v = el.getAttribute(name);
  if (v === null) return;
  if (/^on/i.test(name) || /^srcdoc$/i.test(name)) __bad.push(name + '=' + v);
  if (URLS.test(name)) {
    var p;
    try { p = new URL(v, location.href).protocol; } catch (e) { p = 'invalid'; }
    if (!/^(https?|mailto|tel):$/.test(p)) __bad.push(name + '=' + v);
  }
};
new MutationObserver(function (list) {
  list.forEach(function (m) {
    if (m.type === 'attributes') __attr(m.target, m.attributeName);
    else m.addedNodes.forEach(__check);
  });
}).observe(document.documentElement, { subtree: true, childList: true, attributes: true });
`;

interface PageSpec {
  file: string;
  manifest: object;
  body?: string;
  /** Extra script run before the tag (after EARLY), e.g. queued commands. */
  queue?: string;
  nonce?: string;
  headers?: Record<string, string>;
}

let seq = 0;
/** Registers a page; returns its path. */
function addPage(spec: PageSpec): string {
  const path = `/sec-${++seq}.html`;
  const n = spec.nonce ? ` nonce="${spec.nonce}"` : '';
  server.page(
    path,
    `<!doctype html><html><head><title>sec</title>
<script data-own${n}>${EARLY}${spec.queue || ''}</script>
<script data-own${n} type="application/json" id="tailor-manifest">${js(manifestFor(spec.file, spec.manifest))}</script>
<script data-own${n} src="/dist/${spec.file}"></script></head>
<body>${spec.body || ''}</body></html>`,
    spec.headers,
  );
  return path;
}

const exp = (id: string, actions: object[], audience?: object) => ({
  id,
  ...(audience ? { audience } : {}),
  variants: [{ id: 'on', actions }],
});

/** Every sink of docs/experiences.md#actions that takes a template, each fed all `paths`. */
function sinkManifest(paths: string[], audience?: object) {
  const all = (f: (t: string, i: number) => string) => paths.map((p, i) => f(`{{${p}}}`, i)).join('');
  const markup = (t: string) =>
    `<b>${t}</b><a class="hl" href="${t}">l</a><a href="/go?v=${t}">q</a><img src="/pixel?${t}" alt="${t}">` +
    `<img src=/missing.png alt=${t}>`;
  return {
    version: 1,
    site: 'security',
    experiences: [
      exp('text', [{ type: 'text', selector: '#t', value: all((t) => `[${t}]`) }], audience),
      exp('html', [{ type: 'html', selector: '#h', value: all(markup) }], audience),
      exp(
        'attr',
        [
          { type: 'attr', selector: '#a', name: 'title', value: all((t) => `[${t}]`) },
          { type: 'attr', selector: '#img', name: 'src', value: `/pixel?${all((t, i) => `&v${i}=${t}`)}` },
          ...paths.map((p, i) => ({ type: 'attr', selector: `#u${i}`, name: 'href', value: `{{${p}}}` })),
        ],
        audience,
      ),
      exp(
        'cta',
        paths.map((p, i) => ({
          type: 'cta',
          selector: `#c${i}`,
          text: `{{${p}}}`,
          href: `/cta?v={{${p}}}`,
        })),
        audience,
      ),
      exp('insert', [{ type: 'insert', selector: '#i', position: 'append', value: all(markup) }], audience),
      exp('banner', [{ type: 'banner', value: `<p class="bn">${all(markup)}</p>` }], audience),
      exp(
        'overlay',
        [{ type: 'overlay', value: `<h2>Hi</h2><div class="ov">${all(markup)}</div>` }],
        audience,
      ),
    ],
  };
}

const sinkBody = (n: number) =>
  `<h1 id="t">t</h1><div id="h">h</div><p id="a">a</p><img id="img" alt="">` +
  Array.from({ length: n }, (_, i) => `<a id="u${i}">u</a><a id="c${i}" href="/c">c</a>`).join('') +
  '<div id="i"></div>';

/**
 * Waits for boot and rendering, plus a grace period for any image error or autofocus to fire: the
 * checks after it are that no payload ran, which has no event of its own to wait for.
 */
async function settle(page: Page): Promise<void> {
  await page.waitForFunction(
    () => typeof (window as unknown as { tailor: { on?: unknown } }).tailor.on === 'function',
  );
  await grace(400);
}

interface Outcome {
  hits: string[];
  bad: string[];
  stored: string;
  errs: { message: string; path?: string }[];
  viol: string[];
}

const outcome = (page: Page): Promise<Outcome> =>
  page.evaluate(() => {
    const w = window as unknown as Record<string, unknown> & { __check(el: Element): void };
    w.__check(document.documentElement);
    return {
      hits: w.__hits as string[],
      bad: w.__bad as string[],
      stored: sessionStorage.getItem('pwned') || '',
      errs: w.__errs as Outcome['errs'],
      viol: w.__viol as string[],
    };
  });

/** How payloads reach the context: its paths, and how to load a page with `values` in them. */
interface Channel {
  name: string;
  slots: number;
  paths(n: number): string[];
  /** An audience for the sink experiences (so that they render only once the values are set). */
  audience?: object;
  queue?(values: string[]): string;
  url?(values: string[]): string;
  referer?(values: string[]): string;
  after?(page: Page, values: string[]): Promise<void>;
}

const UTM = ['utm_source', 'utm_medium', 'utm_campaign', 'utm_term', 'utm_content'];
const TRAFFIC = ['source', 'medium', 'campaign', 'term', 'content'];
const N = PAYLOADS.length;

const CHANNELS: Channel[] = [
  {
    name: 'utm_* parameters',
    slots: 5,
    paths: (n) => TRAFFIC.slice(0, n).map((k) => `traffic.${k}`),
    url: (v) => `?${v.map((x, i) => `${UTM[i]}=${encodeURIComponent(x)}`).join('&')}`,
  },
  {
    name: 'other query parameters',
    slots: N,
    paths: (n) => Array.from({ length: n }, (_, i) => `page.query.p${i}`),
    url: (v) => `?${v.map((x, i) => `p${i}=${encodeURIComponent(x)}`).join('&')}`,
  },
  {
    name: 'the referrer',
    slots: 1,
    paths: () => ['page.referrer'],
    // All payloads in one referrer, unencoded where the URL parser allows (`#` would end it).
    referer: (v) => `${server.url}/from/?${v[0]!.replace(/#/g, '%23')}`,
  },
  {
    name: 'identify() traits (queued)',
    slots: N,
    paths: (n) => Array.from({ length: n }, (_, i) => `visitor.traits.t${i}`),
    queue: (v) =>
      `tailor.push(['identify', 'u1', ${js(Object.fromEntries(v.map((x, i) => [`t${i}`, x])))}]);`,
  },
  {
    name: 'set() data (after boot)',
    slots: N,
    paths: (n) => Array.from({ length: n }, (_, i) => `data.d${i}`),
    audience: { 'data.d0': { $exists: true } },
    after: async (page, v) => {
      await page.evaluate(
        (d) => (window as unknown as { tailor: { set(d: object): void } }).tailor.set(d),
        Object.fromEntries(v.map((x, i) => [`d${i}`, x])),
      );
    },
  },
];

/** The payloads spread over a channel's slots (several per slot when it has fewer than N). */
const spread = (slots: number) =>
  Array.from({ length: Math.min(slots, N) }, (_, s) =>
    PAYLOADS.filter((_, i) => i % slots === s).join(' ~ '),
  );

async function openChannelPage(ch: Channel, file: string, values: string[], redirect: boolean) {
  const paths = ch.paths(values.length);
  const manifest = redirect
    ? {
        version: 1,
        site: 'security',
        experiences: [
          exp(
            'go',
            [{ type: 'redirect', url: `/landed.html?${paths.map((p, i) => `r${i}={{${p}}}`).join('&')}` }],
            ch.audience,
          ),
        ],
      }
    : sinkManifest(paths, ch.audience);
  const path = addPage({
    file,
    manifest,
    body: redirect ? '<p>here</p>' : sinkBody(paths.length),
    queue: ch.queue?.(values),
  });
  const page = await newPage(browser);
  await page.goto(`${server.url}${path}${ch.url?.(values) || ''}`, {
    referer: ch.referer?.(values),
    waitUntil: 'domcontentloaded',
  });
  return { page, paths, path };
}

describe.each(TAGS)('dist/%s', (file) => {
  it(`executes none of ${N} XSS payloads from any channel in any template`, async () => {
    expect(new Set(PAYLOADS).size).toBeGreaterThanOrEqual(20);
    const runs = CHANNELS.map((ch) => [ch, spread(ch.slots)] as const);
    await Promise.all(
      runs.map(async ([ch, values]) => {
        const { page } = await openChannelPage(ch, file, values, false);
        await settle(page);
        await ch.after?.(page, values);
        await page.waitForFunction(() => document.querySelector('.tailor-dialog .ov'));
        await grace(300); // a payload that got through would have run by now
        const o = await outcome(page);
        const label = `${ch.name}: ${values.join(' | ')}`;
        expect(o.hits, label).toEqual([]);
        expect(o.stored, label).toBe('');
        expect(o.bad, label).toEqual([]);
        expect(
          page.errors.filter((e) => e.startsWith('pageerror')),
          label,
        ).toEqual([]);
        // The values did arrive, verbatim, in text and non-URL attributes.
        const seen = await page.evaluate(() => ({
          text: document.querySelector('#t')?.textContent,
          title: document.querySelector('#a')?.getAttribute('title'),
          bold: [...document.querySelectorAll('#h b')].map((b) => b.textContent),
          banner: document.querySelectorAll('.tailor-banner b').length,
          overlay: document.querySelectorAll('.tailor-dialog .ov b').length,
          inserted: document.querySelectorAll('#i b').length,
          cta: document.querySelector('#c0')?.textContent,
          referrer: document.referrer,
        }));
        const expected = ch.referer ? [seen.referrer] : values;
        if (ch.referer) expect(seen.referrer).toContain('/from/?');
        expect(seen.text, label).toBe(expected.map((v) => `[${v}]`).join(''));
        expect(seen.title, label).toBe(seen.text);
        // The HTML parser drops NUL characters; nothing else may differ.
        expect(seen.bold, label).toEqual(expected.map((v) => v.replace(/\0/g, '')));
        expect(seen.cta, label).toBe(expected[0]);
        expect([seen.banner, seen.overlay, seen.inserted], label).toEqual(
          [1, 1, 1].map(() => expected.length),
        );
        await page.close();
      }),
    );
  });

  it('redirect url templates URL-encode every payload and never run one', async () => {
    const runs = CHANNELS.map((ch) => [ch, spread(ch.slots)] as const);
    await Promise.all(
      runs.map(async ([ch, values]) => {
        const { page } = await openChannelPage(ch, file, values, true);
        if (ch.after) {
          await settle(page);
          await ch.after(page, values);
        }
        await page.waitForURL(/\/landed\.html/);
        await grace(200); // a payload that got through would have run by now
        const label = `${ch.name}: ${values.join(' | ')}`;
        const stored = await page.evaluate(() => sessionStorage.getItem('pwned') || '');
        expect(stored, label).toBe('');
        const url = new URL(page.url());
        expect(url.origin).toBe(server.url);
        const expected = ch.referer ? [ch.referer(values)] : values;
        // Referrer: the browser's serialization of it; compare loosely.
        if (ch.referer) expect(url.searchParams.get('r0')).toContain('/from/?');
        else
          expect(
            expected.map((_, i) => url.searchParams.get(`r${i}`)),
            label,
          ).toEqual(expected);
        expect(
          page.errors.filter((e) => e.startsWith('pageerror')),
          label,
        ).toEqual([]);
        await page.close();
      }),
    );
  });
});

describe.each(TAGS)('dist/%s templates in code positions', (file) => {
  it('puts no value into event handlers, srcdoc, <script> or <style> of manifest HTML, even clicked', async () => {
    const t = '{{page.query.p}}';
    const html =
      `<button id="hb" onclick="window.__g='${t}'">b</button><button id="hu" onclick=window.__u=[${t}]>u</button>` +
      `<iframe srcdoc="<p>${t}</p>"></iframe><style>#hb::after{content:'${t}'}</style><p id="hp" class=${t}>${t}</p>`;
    const path = addPage({
      file,
      manifest: {
        version: 1,
        site: 'security',
        experiences: [
          exp('code', [
            { type: 'html', selector: '#h', value: html },
            { type: 'insert', selector: '#i', position: 'append', value: html.replace(/id="h/g, 'id="i') },
          ]),
        ],
      },
      body: '<div id="h">h</div><div id="i"></div>',
    });
    const payload = "'+__pwned('q')+' x onerror=__pwned('r')// <img src=x onerror=__pwned('s')>";
    const page = await newPage(browser);
    await page.goto(`${server.url}${path}?p=${encodeURIComponent(payload)}`);
    await settle(page);
    for (const id of ['#hb', '#hu', '#ib', '#iu']) await page.click(id);
    await grace(200); // a payload that got through would have run by now
    const o = await outcome(page);
    expect(o.hits).toEqual([]);
    expect(o.stored).toBe('');
    const seen = await page.evaluate(() => ({
      g: (window as unknown as { __g: unknown }).__g,
      srcdoc: document.querySelector('#h iframe')?.getAttribute('srcdoc'),
      style: document.querySelector('#h style')?.textContent,
      p: document.querySelector('#hp')?.textContent,
      pAttrs: [...(document.querySelector('#hp')?.attributes || [])].map((a) => a.name),
      ip: document.querySelectorAll('#i p').length,
    }));
    // Handlers, srcdoc and <style> get nothing; text and plain attributes get the value as typed.
    expect(seen).toEqual({
      g: '',
      srcdoc: '<p></p>',
      style: "#hb::after{content:''}",
      p: payload,
      pAttrs: ['id', 'class'],
      ip: 1,
    });
    expect(page.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });
});

/** Unsafe URLs, plain and disguised; each runs `__pwned` if a browser ever follows it. */
const BAD_URLS = [
  'javascript:__pwned("u0")',
  'JaVaScRiPt:__pwned("u1")',
  '  javascript:__pwned("u2")',
  '%20javascript:__pwned("u3")',
  'java\nscript:__pwned("u4")',
  'java\tscript:__pwned("u5")',
  'java&#x0A;script:__pwned("u6")',
  '&#106;avascript:__pwned("u7")',
  'javascript&colon;__pwned("u8")',
  '\u0001javascript:__pwned("u9")',
  'data:text/html,<script>parent.__pwned("u10")</script>',
  'DATA:image/svg+xml,<svg onload=parent.__pwned("u11")>',
  'vbscript:__pwned("u12")',
  'VBScript&#58;__pwned("u13")',
];
const FOREIGN = ['https://evil.example/x', '//evil.example/x', 'http://evil.example:8080/'];

// Generic tags only: tailor build refuses these manifests (unsafe URLs, on* attributes), so no site tag is given them.
describe.each(GENERIC_TAGS)('dist/%s refusals', (file) => {
  it('refuses and reports unsafe URLs in attr, cta and redirect, foreign redirect hosts and on* attributes', async () => {
    type Case = { id: string; sel?: string; attr?: string };
    const cases: Case[] = [];
    const experiences: object[] = [];
    const add = (id: string, action: object, sel?: string, attr?: string) => {
      cases.push({ id, sel, attr });
      experiences.push(exp(id, [action]));
    };
    let body = '';
    BAD_URLS.forEach((url, i) => {
      const q = `{{page.query.r${i}}}`;
      for (const [kind, value] of [
        ['lit', url],
        ['tpl', q],
      ]) {
        body += `<a id="${kind}a${i}">a</a><img id="${kind}s${i}" alt=""><a id="${kind}c${i}" href="/c">c</a>`;
        add(
          `${kind}-href-${i}`,
          { type: 'attr', selector: `#${kind}a${i}`, name: 'href', value },
          `#${kind}a${i}`,
          'href',
        );
        add(
          `${kind}-src-${i}`,
          { type: 'attr', selector: `#${kind}s${i}`, name: 'src', value },
          `#${kind}s${i}`,
          'src',
        );
        add(
          `${kind}-cta-${i}`,
          { type: 'cta', selector: `#${kind}c${i}`, href: value, text: 'x' },
          `#${kind}c${i}`,
        );
        add(`${kind}-go-${i}`, { type: 'redirect', url: value });
      }
    });
    // A whole-URL template cannot name a host (it is URL-encoded into a path), but a template
    // in the host part can: the host must still be in redirectHosts.
    for (const [i, url] of FOREIGN.entries()) add(`lit-far-${i}`, { type: 'redirect', url });
    add('tpl-far-host', { type: 'redirect', url: 'https://{{page.query.host}}/x' });
    // One element each: two experiences changing one selector would not both apply (priority).
    for (const name of ['onclick', 'OnMouseOver', 'onerror']) {
      body += `<button id="${name}">b</button>`;
      add(
        `on-${name.toLowerCase()}`,
        { type: 'attr', selector: `#${name}`, name, value: '__pwned("on")' },
        `#${name}`,
        name,
      );
    }
    const path = addPage({
      file,
      manifest: { version: 1, site: 'security', redirectHosts: ['allowed.example'], experiences },
      body,
    });
    const query = new URLSearchParams();
    for (const [i, u] of BAD_URLS.entries()) query.set(`r${i}`, u);
    query.set('host', 'evil.example');
    const page = await newPage(browser);
    await page.goto(`${server.url}${path}?${query}`, { waitUntil: 'domcontentloaded' });
    expect(new URL(page.url()).pathname).toBe(path);
    await settle(page);
    expect(new URL(page.url()).pathname).toBe(path);
    // Click everything that could carry a refused URL or handler: nothing may run or navigate.
    await page.evaluate(() => {
      for (const el of document.querySelectorAll<HTMLElement>('a:not([href="/c"]),button')) el.click();
    });
    await grace(200); // a payload that got through would have run by now
    const o = await outcome(page);
    expect(new URL(page.url()).pathname).toBe(path);
    expect(o.hits).toEqual([]);
    expect(o.bad).toEqual([]);
    const dom = await page.evaluate(
      (cs) =>
        cs
          .filter((c) => c.sel)
          .map((c) => [c.id, document.querySelector(c.sel!)?.getAttribute(c.attr || 'href')]),
      cases,
    );
    for (const [id, value] of dom) expect(value, id!).toBe(id!.includes('-cta-') ? '/c' : null);
    // Each refusal is reported through on('error'), registered by a queued command before the tag.
    const unreported = cases.filter(
      (c) =>
        !o.errs.some(
          (e) =>
            e.path?.includes(`"${c.id}"`) ||
            new RegExp(`^experiences\\[${cases.indexOf(c)}\\](\\.|$)`).test(e.path || ''),
        ),
    );
    expect(
      unreported.map((c) => c.id),
      JSON.stringify(o.errs.slice(-8)),
    ).toEqual([]);
    expect(page.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });
});

describe.each(TAGS)('dist/%s under a strict CSP', (file) => {
  it("renders text, html, insert, banner and overlay with script-src 'nonce' 'strict-dynamic' and Trusted Types", async () => {
    const nonce = randomBytes(16).toString('base64');
    const path = addPage({
      file,
      nonce,
      headers: {
        'content-security-policy': `script-src 'nonce-${nonce}' 'strict-dynamic'; require-trusted-types-for 'script'`,
      },
      manifest: {
        version: 1,
        site: 'security',
        experiences: [
          exp('csp', [
            { type: 'text', selector: '#t', value: 'Hola {{page.query.name|amigo}}' },
            { type: 'html', selector: '#h', value: '<b class="rich">Rich {{page.query.name}}</b>' },
            { type: 'attr', selector: '#t', name: 'title', value: 'T {{page.query.name}}' },
            { type: 'insert', selector: '#i', position: 'after', value: '<em class="ins">Inserted</em>' },
            { type: 'css', value: '#t{color:rgb(1, 2, 3)}' },
            { type: 'banner', value: '<p class="bn">Free shipping</p>' },
            { type: 'overlay', value: '<h2 class="ov">Welcome</h2><p>Hi</p>' },
          ]),
        ],
      },
      body: '<h1 id="t">t</h1><div id="h">h</div><p id="i">i</p>',
    });
    const page = await newPage(browser);
    await page.goto(`${server.url}${path}?name=${encodeURIComponent('<img src=x onerror=__pwned("csp")>')}`);
    await settle(page);
    await page.waitForFunction(() => document.querySelector('.tailor-dialog .ov'));
    await grace(200); // a payload that got through would have run by now
    const seen = await page.evaluate(() => ({
      text: document.querySelector('#t')?.textContent,
      title: document.querySelector('#t')?.getAttribute('title'),
      color: getComputedStyle(document.querySelector('#t')!).color,
      html: document.querySelector('#h .rich')?.textContent,
      insert: document.querySelector('#i + em.ins')?.textContent,
      banner: document.querySelector('.tailor-banner .bn')?.textContent,
      // The widget styles applied (their <style> carries the nonce): the banner's background.
      bannerStyled: getComputedStyle(document.querySelector('.tailor-banner')!).backgroundColor,
      overlay: document.querySelector('[role=dialog] .ov')?.textContent,
    }));
    const payload = '<img src=x onerror=__pwned("csp")>';
    expect(seen).toEqual({
      text: `Hola ${payload}`,
      title: `T ${payload}`,
      color: 'rgb(1, 2, 3)',
      html: `Rich ${payload}`,
      insert: 'Inserted',
      banner: 'Free shipping',
      // Tailor's own <style> carries the page nonce (no style-src here, but it must be applied).
      bannerStyled: 'rgb(17, 17, 17)',
      overlay: 'Welcome',
    });
    const o = await outcome(page);
    expect(o.viol).toEqual([]);
    expect(o.hits).toEqual([]);
    expect(o.errs).toEqual([]);
    expect(page.errors).toEqual([]);
    await page.close();
  });
});
