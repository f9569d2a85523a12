/**
 * A manifest that `tailor build` did not publish, on the generic tags: after the first paint the
 * tag loads `tailor.check.js` (the full validator) from its own address, reports what the
 * compact guard does not look for (a misspelt context path), drops that experience (what it
 * changed is put back) and says once in the console to publish. A published manifest loads no
 * such chunk.
 */
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { publishManifest } from '../../src/manifest/publish';
import { budget, newPage, useChromiumAndServer } from './chromium';
import type { TestServer } from './server';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

// `traffic.medum` reads nothing, so `$exists: false` holds and the change shows at first paint,
// until the check finds the typo.
const MANIFEST = {
  version: 1,
  site: 'check-chunk',
  experiences: [
    {
      id: 'typo',
      audience: { 'traffic.medum': { $exists: false } },
      variants: [{ id: 'on', actions: [{ type: 'text', selector: 'h1', value: 'Typo shown' }] }],
    },
    {
      id: 'fine',
      variants: [{ id: 'on', actions: [{ type: 'text', selector: '#cta', value: 'Fine shown' }] }],
    },
  ],
};

let seq = 0;
function pageWith(file: string, manifest: unknown): string {
  const p = `/check-chunk-${++seq}.html`;
  server.page(
    p,
    `<!doctype html><html><head><title>check</title>
    <script>window.__errors=[];window.tailor=[function(t){t.on('error',function(e){__errors.push(e)})}]</script></head>
    <body><h1>Original</h1><a id="cta" href="#">Sign up</a>
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifest)}</script>
    <script src="/dist/${file}"></script></body></html>`,
  );
  return p;
}

type E = { message: string; path?: string };
const errors = (page: Page) => page.evaluate(() => (window as unknown as { __errors: E[] }).__errors);

// Generic tags only: the subject is the validator chunk for unpublished manifests, which a site tag never runs nor loads.
describe.each(['tailor.min.js', 'tailor.lite.min.js'])('dist/%s', (file) => {
  it('an unpublished manifest: a misspelt path is reported and its experience dropped after the check', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    const warnings: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    page.on('console', (m) => {
      if (m.type() === 'warning') warnings.push(m.text());
    });
    await page.goto(`${server.url}${pageWith(file, MANIFEST)}`);
    await page.waitForFunction(() => document.querySelector('#cta')?.textContent === 'Fine shown');
    await page.waitForFunction(
      () => (window as unknown as { __errors: E[] }).__errors.length > 0,
      undefined,
      { timeout: budget(10_000) },
    );
    // Dropped: its change is put back; the other experience stays. (The tag is at the end of
    // <body>: with it in <head>, a loaded machine could parse `<h1>` before its text, and a change
    // reverted after that leaves the wrong text, the known bug in streaming.test.ts, which made
    // this test fail twice in CI. A failure names what was reported and what the tag holds.)
    await page
      .waitForFunction(() => document.querySelector('h1')?.textContent === 'Original', undefined, {
        timeout: budget(5000),
      })
      .catch(async (e) => {
        const state = await page.evaluate(() => {
          const t = (window as unknown as { tailor: { variant(id: string): string | null } }).tailor;
          return {
            h1: document.querySelector('h1')?.textContent,
            typo: t.variant('typo'),
            fine: t.variant('fine'),
          };
        });
        throw new Error(
          `${(e as Error).message}; reported: ${JSON.stringify(await errors(page))}; state: ${JSON.stringify(state)}`,
        );
      });
    expect(await page.textContent('#cta')).toBe('Fine shown');
    expect(await errors(page)).toEqual([
      {
        message: '"traffic.medum" is not a context path; did you mean "traffic.medium"?',
        path: 'experiences[0].audience["traffic.medum"]',
      },
    ]);
    // From the tag's own folder, once.
    expect(asked.filter((p) => p.endsWith('/tailor.check.js'))).toEqual(['/dist/tailor.check.js']);
    expect(warnings.filter((w) => /not published with `tailor build`/.test(w))).toHaveLength(1);
    expect(page.errors).toEqual([]);
    await page.close();
  });

  it('a manifest that is not JSON is reported once and loads no check', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const p = `/check-chunk-${++seq}.html`;
    server.page(
      p,
      `<!doctype html><html><head><title>check</title>
      <script>window.__errors=[];window.tailor=[function(t){t.on('error',function(e){__errors.push(e)})}]</script>
      <script type="application/json" id="tailor-manifest">{ "version": 1, oops</script>
      <script src="/dist/${file}"></script></head><body><h1>Original</h1></body></html>`,
    );
    await page.goto(`${server.url}${p}`);
    await page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((r) => r.name.endsWith('/tailor.post.js')),
    );
    expect(asked.filter((x) => /tailor\.[a-z]+\.js$/.test(x) && x !== `/dist/${file}`)).toEqual([
      '/dist/tailor.post.js',
    ]);
    expect(await errors(page)).toHaveLength(1);
    await page.close();
  });

  it('a published manifest loads no check', async () => {
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const fine = { ...MANIFEST, experiences: [MANIFEST.experiences[1]] };
    await page.goto(`${server.url}${pageWith(file, publishManifest(fine).manifest)}`);
    await page.waitForFunction(() => document.querySelector('#cta')?.textContent === 'Fine shown');
    // The post-paint chunk is requested after the decision; the check would be requested with it.
    await page.waitForFunction(() =>
      performance.getEntriesByType('resource').some((r) => r.name.endsWith('/tailor.post.js')),
    );
    expect(asked.filter((p) => /tailor\.[a-z]+\.js$/.test(p) && p !== `/dist/${file}`)).toEqual([
      '/dist/tailor.post.js',
    ]);
    expect(await errors(page)).toEqual([]);
    await page.close();
  });
});
