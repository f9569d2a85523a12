import type { Browser } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';
import { manifestFor, TAGS } from './tags';

let browser: Browser;
let server: TestServer;

useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const MANIFEST = JSON.stringify({
  version: 1,
  site: 'boot-test',
  segments: { everyone: {} },
  experiences: [{ id: 'hello', variants: [{ id: 'on', actions: [] }] }],
});

describe.each(TAGS)('dist/%s', (file) => {
  const manifest = manifestFor(file, MANIFEST);
  it('installs window.tailor from an inline manifest without a console error', async () => {
    server.page(
      `/boot-${file}.html`,
      `<!doctype html><html><head><title>boot</title>
      <script type="application/json" id="tailor-manifest">${manifest}</script>
      <script src="/dist/${file}"></script></head><body><h1>Hello</h1></body></html>`,
    );
    const page = await newPage(browser);
    await page.goto(`${server.url}/boot-${file}.html`);
    await page.waitForFunction(
      () =>
        (window as unknown as { tailor?: { segments?: () => string[] } }).tailor?.segments?.().length === 1,
    );
    const api = await page.evaluate(() => {
      const t = (window as unknown as { tailor: Record<string, unknown> }).tailor;
      return ['on', 'track', 'segments', 'variant', 'push', 'start', 'page', 'destroy'].filter(
        (k) => typeof t[k] !== 'function',
      );
    });
    expect(api).toEqual([]);
    expect(
      await page.evaluate(() =>
        (window as unknown as { tailor: { variant(id: string): string } }).tailor.variant('hello'),
      ),
    ).toBe('on');
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('drains the command queue in order after boot; a throwing command does not stop the rest', async () => {
    server.page(
      `/queue-${file}.html`,
      `<!doctype html><html><head><title>queue</title>
      <script>
        window.ran = [];
        window.tailor = window.tailor || [];
        tailor.push(function () { ran.push('first'); });
        tailor.push(function () { throw new Error('queued boom'); });
        tailor.push(['set', { tier: 'gold' }]);
        tailor.push(function (t) { ran.push(typeof t.on); });
      </script>
      <script type="application/json" id="tailor-manifest">${manifest}</script>
      <script src="/dist/${file}"></script></head><body></body></html>`,
    );
    const page = await newPage(browser);
    await page.goto(`${server.url}/queue-${file}.html`);
    await page.waitForFunction(() => (window as unknown as { ran: string[] }).ran.length === 2);
    expect(await page.evaluate(() => (window as unknown as { ran: string[] }).ran)).toEqual([
      'first',
      'function',
    ]);
    await page.waitForFunction(
      () =>
        (window as unknown as { tailor: { context(): { data: { tier?: string } } } }).tailor.context()?.data
          .tier === 'gold',
    );
    // The queued command that threw is reported, not rethrown into the page.
    expect(page.errors.filter((e) => e.startsWith('pageerror'))).toEqual([]);
    await page.close();
  });
});
