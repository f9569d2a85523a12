/**
 * Crawlers (device.type "bot") get no storage: no `tlr_` cookie, localStorage or sessionStorage
 * key (id, profile, event queue, cached manifest, forced variants), whatever they do on the page.
 * The same page in an ordinary browser writes them, so the check is not vacuous.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const GOOGLEBOT =
  'Mozilla/5.0 (Linux; Android 6.0.1; Nexus 5X Build/MMB29P) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.6778.204 Mobile Safari/537.36 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)';
const HUMAN =
  'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36';

const MANIFEST = {
  version: 1,
  site: 'crawler-test',
  goals: { signup: { type: 'event' } },
  experiences: [
    {
      id: 'hero',
      variants: [
        { id: 'a', actions: [{ type: 'attr', selector: '#hero', name: 'data-seen', value: 'a' }] },
        { id: 'b', actions: [{ type: 'attr', selector: '#hero', name: 'data-seen', value: 'b' }] },
      ],
    },
  ],
};

/** Every `tlr_` key the page holds, in cookies, localStorage and sessionStorage. */
const stored = (page: Page) =>
  page.evaluate(() => {
    const keys = (s: Storage) => Object.keys(s).filter((k) => k.startsWith('tlr_'));
    return {
      cookies: document.cookie
        .split(';')
        .map((c) => c.split('=')[0]!.trim())
        .filter((k) => k.startsWith('tlr_')),
      local: keys(localStorage).sort(),
      session: keys(sessionStorage).sort(),
    };
  });

async function visit(file: string, ua: string): Promise<Page> {
  const c = createCollector(server);
  const json = JSON.stringify(manifestFor(file, MANIFEST));
  server.route('/crawler-manifest.json', (_, res) =>
    res.writeHead(200, { 'content-type': 'application/json' }).end(json),
  );
  server.page(
    `/crawler-${file}.html`,
    `<!doctype html><html><head><title>crawler</title>
<script>window.tailor = [function (t) { t.on('ready', function () { window.__ready = true; }); }];</script>
<script src="/dist/${file}" data-manifest="/crawler-manifest.json" data-endpoint="${c.path}"></script>
</head><body><h1 id="hero">Hello</h1></body></html>`,
  );
  const context = await browser.newContext({ userAgent: ua });
  const page = await context.newPage();
  await page.goto(`${server.url}/crawler-${file}.html?tailor_force=hero:b`);
  await page.waitForFunction(() => (window as unknown as { __ready?: boolean }).__ready);
  // A conversion queues an event (the persisted queue) and saves the profile.
  await page.evaluate(() =>
    (window as unknown as { tailor: { track(g: string): void } }).tailor.track('signup'),
  );
  return page;
}

describe.each(TAGS)('dist/%s', (file) => {
  it('a Googlebot visit writes no cookie, localStorage or sessionStorage key', async () => {
    // The reference: an ordinary browser on the same page stores id, profile, queue, manifest, force.
    const human = await visit(file, HUMAN);
    await expect
      .poll(() => stored(human))
      .toEqual({
        cookies: ['tlr_id'],
        local: ['tlr_id', 'tlr_manifest', 'tlr_profile', 'tlr_queue'],
        session: ['tlr_force'],
      });
    await human.context().close();

    const bot = await visit(file, GOOGLEBOT);
    // The manifest cache is written when start() has resolved: wait for that same point.
    await bot.evaluate(() => new Promise((r) => setTimeout(r)));
    expect(
      await bot.evaluate(
        () =>
          (window as unknown as { tailor: { context(): { device: { type: string } } } }).tailor.context()
            .device.type,
      ),
    ).toBe('bot');
    expect(await stored(bot)).toEqual({ cookies: [], local: [], session: [] });
    await bot.context().close();
  });
});
