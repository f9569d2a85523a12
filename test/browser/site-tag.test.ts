/**
 * Site tags (`tailor build`, built into dist/site-tags/ by `npm run build`): a tag carries the
 * code of the features its manifest uses and runs published manifests that use nothing else.
 * The demo shop's site tag is walked end to end in shop.test.ts; here: the smallest one renders
 * and converts like the generic tag, loads its chunks from its own folder, and refuses what it
 * was not built for with one message that says what to do.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { publishManifest } from '../../src/manifest/publish';
import { newPage, useChromiumAndServer } from './chromium';
import { createCollector } from './collector';
import { ROOT, type TestServer } from './server';

let browser: Browser;
let server: TestServer;
useChromiumAndServer((b, s) => {
  browser = b;
  server = s;
});

const fixture = (name: string) =>
  JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/site', `${name}.json`), 'utf8'));
const published = (m: unknown) => publishManifest(m).manifest!;

let seq = 0;
/** A page with `manifest` inline and the tag at `src`; collects `on('error')` messages. */
function pageWith(src: string, manifest: unknown, attrs = ''): string {
  const p = `/site-tag-${++seq}.html`;
  server.page(
    p,
    `<!doctype html><html><head><title>${p}</title>
    <script>window.__errors=[];window.__ready=false;window.tailor=[function(t){t.on('error',function(e){__errors.push(e.message)});t.on('ready',function(){__ready=true})}]</script>
    <script type="application/json" id="tailor-manifest">${JSON.stringify(manifest)}</script>
    <script src="${src}"${attrs}></script></head>
    <body><h1>Default</h1><a id="signup" href="#">Sign up</a></body></html>`,
  );
  return p;
}

const ready = (page: Page) => page.waitForFunction(() => (window as unknown as { __ready: boolean }).__ready);
const errors = (page: Page) => page.evaluate(() => (window as unknown as { __errors: string[] }).__errors);
const ONE = '/dist/site-tags/one-experience/tailor.js';

describe('a site tag built for one experience', () => {
  it('renders its manifest as the generic tag does, with nothing but the manifest on the page', async () => {
    const manifest = published(fixture('one-experience'));
    for (const src of [ONE, '/dist/tailor.min.js']) {
      const page = await newPage(browser);
      const asked: string[] = [];
      page.on('request', (r) => asked.push(new URL(r.url()).pathname));
      await page.goto(`${server.url}${pageWith(src, manifest)}?tailor_force=hero:new`);
      await ready(page);
      expect(await page.textContent('h1')).toBe('Hello');
      expect(await errors(page)).toEqual([]);
      // Text actions need no chunk: only the post-paint part loads (listeners, after the
      // decision), from the tag's own folder.
      const chunks = asked.filter((p) => /tailor\.[a-z]+\.js$/.test(p) && p !== src);
      expect(chunks).toEqual([`${path.posix.dirname(src)}/tailor.post.js`]);
      // The signals this manifest does not read are not collected by its site tag (their code
      // is left out); the generic tag has them all.
      const signals = await page.evaluate(() => {
        const c = (
          window as unknown as { tailor: { context(): Record<string, Record<string, unknown>> } }
        ).tailor.context();
        return { time: c.time, behavior: c.behavior, device: c.device, os: c.os };
      });
      if (src === ONE) expect(signals).toEqual({ time: {}, behavior: {}, device: {}, os: {} });
      else {
        expect(typeof signals.time?.hour).toBe('number');
        expect(typeof signals.behavior?.secondsOnPage).toBe('number');
        expect(signals.device?.type).toBe('desktop');
      }
      await page.close();
    }
  });

  it('assigns every visitor the variant the generic tag assigns (its assignment code is the same)', async () => {
    // The site tag is built without the code of layers and holdouts, which this manifest has not.
    const manifest = published(fixture('one-experience'));
    const variants: Record<string, (string | null)[]> = {};
    for (const src of [ONE, '/dist/tailor.min.js']) {
      variants[src] = [];
      const p = pageWith(src, manifest);
      for (let i = 0; i < 12; i++) {
        const page = await newPage(browser);
        await page.context().addCookies([{ name: 'tlr_id', value: `visitor-${i}`, url: server.url }]);
        await page.goto(`${server.url}${p}`);
        await ready(page);
        variants[src].push(
          await page.evaluate(() =>
            (window as unknown as { tailor: { variant(id: string): string | null } }).tailor.variant('hero'),
          ),
        );
        await page.close();
      }
    }
    expect(variants[ONE]).toEqual(variants['/dist/tailor.min.js']);
    // Both variants come up (weights 1:1): the comparison is not of one answer.
    expect(new Set(variants[ONE])).toEqual(new Set(['control', 'new']));
  });

  it('loads its chunks from its own folder and delivers exposures and conversions', async () => {
    const collector = createCollector(server, 'site-collect');
    // The A/B site tag has a click goal: its code comes with the post-paint chunk, beside the tag.
    const page = await newPage(browser);
    const asked: string[] = [];
    page.on('request', (r) => asked.push(new URL(r.url()).pathname));
    const ab = published({
      ...fixture('ab-device-type'),
      experiences: [{ ...fixture('ab-device-type').experiences[0], audience: { 'device.type': 'desktop' } }],
    });
    await page.goto(
      `${server.url}${pageWith('/dist/site-tags/ab-device-type/tailor.js', ab, ' data-endpoint="/site-collect"')}?tailor_force=mobile-cta:big`,
    );
    await ready(page);
    expect(await page.textContent('#signup')).toBe('Start free');
    await page.click('#signup');
    await collector.until(
      (c) => ['exposure', 'conversion'].every((t) => c.events().some((e) => e.type === t)),
      undefined,
      'an exposure and a conversion',
    );
    expect(asked).toContain('/dist/site-tags/ab-device-type/tailor.post.js');
    expect(await errors(page)).toEqual([]);
    await page.close();
  });

  it('refuses a manifest that uses what it was not built with, naming it, and changes nothing', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}${pageWith(ONE, published(fixture('ab-device-type')))}`);
    await ready(page);
    const [message, ...rest] = await errors(page);
    expect(rest).toEqual([]);
    expect(message).toMatch(/this site tag was built without .*action:class.*device\.type/);
    expect(message).toMatch(/run tailor build for this manifest/);
    expect(await page.textContent('#signup')).toBe('Sign up');
    // The API still answers.
    expect(
      await page.evaluate(() =>
        (window as unknown as { tailor: { variant(x: string): unknown } }).tailor.variant('mobile-cta'),
      ),
    ).toBeNull();
    await page.close();
  });

  it('refuses an unpublished manifest with what to do, and runs a later publish of the same features', async () => {
    const page = await newPage(browser);
    await page.goto(`${server.url}${pageWith(ONE, fixture('one-experience'))}?tailor_force=hero:new`);
    await ready(page);
    expect(await errors(page)).toEqual([
      'this site tag runs manifests published by tailor build only; publish it, or use the generic tag',
    ]);
    expect(await page.textContent('h1')).toBe('Default');
    // The marketer changes the copy and publishes again: same features, same paths, same tag.
    const later = fixture('one-experience');
    later.experiences[0].variants[1].actions[0].value = 'Hello again';
    await page.goto(`${server.url}${pageWith(ONE, published(later))}?tailor_force=hero:new`);
    await ready(page);
    expect(await page.textContent('h1')).toBe('Hello again');
    expect(await errors(page)).toEqual([]);
    await page.close();
  });

  it('refuses a forged stamp whose lists are not lists, as an unpublished manifest', async () => {
    const page = await newPage(browser);
    const forged = { ...published(fixture('one-experience')), published: { v: 1, features: 'x', paths: {} } };
    await page.goto(`${server.url}${pageWith(ONE, forged)}?tailor_force=hero:new`);
    await ready(page);
    expect(await errors(page)).toHaveLength(1);
    expect(await page.textContent('h1')).toBe('Default');
    await page.close();
  });
});
