/**
 * An element whose text is still on the wire when Tailor changes it (a tag in <head>, a page
 * streamed in chunks, or a loaded machine whose parser yields between `<h1>` and its text).
 *
 * KNOWN BUG, recorded with `it.fails` (the second test passes while the bug is there and fails,
 * asking to become a plain `it`, once it is fixed; the first checks the same scenario up to the
 * revert, so a broken setup cannot pass as the bug): the parser appends the late text to the text node
 * Tailor put in, the change is repaired (the visitor sees the new text, never the old), and the
 * repair takes Tailor's own node for the page's original. Reverting the change later (a
 * re-decision that drops the experience, an SPA route, `destroy()`) then leaves "NewOriginal"
 * instead of "Original". The fix belongs in render/actions.ts (`setContent`): keep the page's
 * late text apart from Tailor's node; it costs the tags' core bytes it has not got this release.
 * Seen in CI twice as a timeout of check-chunk.test.ts.
 */
import type { Browser, Page } from 'playwright-core';
import { expect, it } from 'vitest';
import { budget, newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const MANIFEST = {
  version: 1,
  site: 'streaming',
  experiences: [
    { id: 'x', variants: [{ id: 'on', actions: [{ type: 'text', selector: 'h1', value: 'New' }] }] },
  ],
};

/** The page with "Original" late: returns it once the change is repaired after the late text. */
async function lateText(name: string) {
  // The second chunk is sent once the change is in (a condition, not a delay): the parser has
  // made `<h1>` (with a run of spaces) and Tailor has changed it before "Original" arrives.
  let rest: (() => void) | undefined;
  server.route(`/streaming-${name}.html`, (_, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.write(
      `<!doctype html><html><head><title>late text</title>
      <script type="application/json" id="tailor-manifest">${JSON.stringify(MANIFEST)}</script>
      <script src="/dist/tailor.min.js"></script></head><body><h1>${' '.repeat(2048)}`,
    );
    rest = () => res.end('Original</h1><p>The rest.</p></body></html>');
  });
  const page = await newPage(browser);
  await page.goto(`${server.url}/streaming-${name}.html`, { waitUntil: 'commit' });
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'New', undefined, {
    timeout: budget(5000),
  });
  rest!();
  await page.waitForFunction(() => document.readyState === 'complete', undefined, { timeout: budget(5000) });
  return page;
}
const h1 = (page: Page) => page.evaluate(() => document.querySelector('h1')?.textContent);

it('a text change made before the element text came is repaired: the visitor sees the new text', async () => {
  const page = await lateText('repaired');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'New', undefined, {
    timeout: budget(5000),
  });
  expect(page.errors).toEqual([]);
  await page.close();
});

// The known bug (see the top): the scenario above, then the change reverted.
it.fails('a text change reverted after the element text came late puts the original text back', async () => {
  const page = await lateText('reverted');
  await page.waitForFunction(() => document.querySelector('h1')?.textContent === 'New', undefined, {
    timeout: budget(5000),
  });
  await page.evaluate(() => (window as unknown as { tailor: { destroy(): void } }).tailor.destroy());
  // Today "NewOriginal".
  expect((await h1(page))?.trim()).toBe('Original');
  await page.close();
});
