import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { budget, useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import { ROOT, type TestServer } from './server';

// The two phases of a page view in real Chromium: the tag's task changes the DOM and writes
// nothing; the visitor cookie, the profile and the exposure follow in the next task; a visitor
// who leaves right after the DOM change still has the exposure delivered.

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const MANIFEST = {
  version: 1,
  site: 'two-phase',
  experiences: [
    {
      id: 'hero',
      variants: [{ id: 'on', actions: [{ type: 'text', selector: '#hero', value: 'Changed' }] }],
    },
  ],
};

/**
 * Runs first in <head>: records the events and, when the hero changes (a MutationObserver
 * callback: the microtask checkpoint at the end of the tag's task, before any other task), what
 * was stored and sent by then.
 */
const PROBE = `<script>
window.__ev = []; window.tailor = window.tailor || [];
tailor.push(function (t) { t.on('exposure', function (e) { __ev.push(e); }); });
new MutationObserver(function (_, o) {
  var h = document.getElementById('hero');
  if (!h || h.textContent !== 'Changed') return;
  o.disconnect();
  var keys = [];
  for (var i = 0; i < localStorage.length; i++) if (localStorage.key(i).indexOf('tlr_') === 0) keys.push(localStorage.key(i));
  window.__atChange = { cookie: document.cookie, keys: keys, exposures: __ev.length };
}).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
</script>`;

const TAG = readFileSync(path.join(ROOT, 'dist/tailor.min.js'), 'utf8').replace(/<\/script/gi, '<\\/script');

/**
 * The test page: the tag at the end of <body>. `then` runs in the tag's own script, right after
 * it (same task: the tag inline, as a page inlining it would have it).
 */
const page = (endpoint: string, then = '') =>
  `<!doctype html><html><head><title>two-phase</title>${PROBE}
<script type="application/json" id="tailor-manifest">${JSON.stringify(MANIFEST)}</script></head>
<body><h1 id="hero">Original</h1>
${then ? `<script data-endpoint="${endpoint}">${TAG}\n;${then}</script>` : `<script src="/dist/tailor.min.js" data-endpoint="${endpoint}"></script>`}</body></html>`;

type W = Window & { __atChange?: { cookie: string; keys: string[]; exposures: number }; __ev: unknown[] };

describe('two-phase start (Chromium)', () => {
  it('the tag’s task changes the DOM and writes nothing; cookie, profile and exposure follow a task later', async () => {
    const c = createCollector(server);
    server.page('/two-phase-write.html', page(c.path));
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${server.url}/two-phase-write.html`);
    await p.waitForFunction(() => !!(window as unknown as W).__atChange, null, { timeout: budget(10_000) });
    const at = await p.evaluate(() => (window as unknown as W).__atChange!);
    expect(at).toEqual({ cookie: '', keys: [], exposures: 0 });
    // Then, without any further page activity: the visitor cookie, the profile, the exposure.
    await p.waitForFunction(
      () =>
        /(^|; )tlr_id=/.test(document.cookie) &&
        !!localStorage.getItem('tlr_profile') &&
        (window as unknown as W).__ev.length === 1,
      null,
      { timeout: budget(5_000) },
    );
    const cookies = await context.cookies();
    expect(cookies.find((k) => k.name === 'tlr_id')?.value).toBeTruthy();
    await context.close();
  });

  it('a visitor who leaves right after the DOM change (before the next task) still has the exposure delivered, once', async () => {
    const c = createCollector(server);
    server.page('/two-phase-gone.html', '<!doctype html><title>gone</title><p>elsewhere</p>');
    // The navigation starts in the tag's own task, noting whether the exposure had been emitted
    // yet (it must not have: the page leaves during the first phase).
    const leave = `location.href = '/two-phase-gone.html?emitted=' + __ev.length + '&h=' + document.getElementById('hero').textContent;`;
    server.page('/two-phase-leave.html', page(c.path, leave));
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${server.url}/two-phase-leave.html`, { waitUntil: 'commit' });
    await p.waitForURL(/two-phase-gone/, { timeout: budget(10_000) });
    expect(new URL(p.url()).searchParams.get('emitted')).toBe('0');
    expect(new URL(p.url()).searchParams.get('h')).toBe('Changed');
    await c.until(
      (c) => c.events().some((e) => e.type === 'exposure' && e.experience === 'hero'),
      budget(10_000),
      'the exposure delivered',
    );
    const exposures = new Set(
      c
        .events()
        .filter((e) => e.type === 'exposure')
        .map((e) => e.id),
    );
    expect(exposures.size).toBe(1);
    await context.close();
  });

  it('200 page views each left right after the DOM change: every exposure is delivered', {
    timeout: budget(120_000),
  }, async () => {
    const c = createCollector(server);
    const N = 200;
    // Each page view changes the hero and goes on to the next at once, from the tag's own task.
    const next = `var n = +new URLSearchParams(location.search).get('n');
if (n < ${N}) location.href = location.pathname + '?n=' + (n + 1);`;
    server.page('/two-phase-chain.html', page(c.path, next));
    const context = await browser.newContext();
    const p = await context.newPage();
    await p.goto(`${server.url}/two-phase-chain.html?n=1`, { waitUntil: 'commit' });
    await p.waitForURL(new RegExp(`n=${N}$`), { timeout: budget(90_000) });
    await p.waitForFunction(() => (window as unknown as W).__ev.length === 1, null, {
      timeout: budget(5_000),
    });
    // The last page stays: its exposure goes when it is hidden.
    server.page('/two-phase-end.html', '<!doctype html><title>end</title>');
    await p.goto(`${server.url}/two-phase-end.html`);
    await c.until(
      (c) =>
        new Set(
          c
            .events()
            .filter((e) => e.type === 'exposure')
            .map((e) => e.id),
        ).size >= N,
      budget(30_000),
      `${N} exposures delivered`,
    );
    await context.close();
  });
});
