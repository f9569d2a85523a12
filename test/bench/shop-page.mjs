// The cold-start page of the tag-cost benchmark: the demo shop's home page (examples/shop) with
// its manifest (examples/shop/tailor.json), and GrowthBook's auto.min.js given the equivalent
// payload: one experiment per experience, the same DOM changes, the audiences as conditions on
// the attributes GrowthBook's auto-attributes know.
//
// Differences, listed:
// - the manifest's `remote` source is left out: it makes the first decision wait for its fetch by
//   design (a network figure, not the tag's); its segment then matches nobody, as it would for a
//   fetch that failed;
// - audiences GrowthBook has no attribute for (visit history, journey stage, local time, score,
//   data layer, geo) become conditions on attributes the page does not have: they match nobody,
//   which is what Tailor decides for a new visitor, except `journey.stage: new` (every cold view is
//   new: unconditional) and the time-of-day offer (matches nobody on the GrowthBook side, whatever
//   the hour; Tailor evaluates it);
// - `reorder` (affinity sort) has no GrowthBook DOM mutation: that experiment has none.
// The probe records when `#journey` first changes (both sides change it, the same text, for
// every visitor), and samples it every animation frame.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ROOT } from './lib.mjs';

/** The path the page is served at: the experiences' `pages` lists include it. */
export const SHOP_PATH = '/shop/index.html';
/** A server-set visitor id (both tools read theirs from a cookie): outside the 5 % global holdout. */
export const VISITOR = 'bench-visitor-1';
export const JOURNEY_OLD = 'Free returns for 60 days.';

const shopManifest = JSON.parse(readFileSync(path.join(ROOT, 'examples/shop/tailor.json'), 'utf8'));
delete shopManifest.$schema;
delete shopManifest.remote;
export const SHOP_MANIFEST = shopManifest;

/** SHOP_MANIFEST published by the real `tailor build` (the site tag runs published manifests only). */
export function publishedShop() {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-bench-'));
  writeFileSync(path.join(dir, 'shop.json'), JSON.stringify(SHOP_MANIFEST));
  const r = spawnSync(
    process.execPath,
    [path.join(ROOT, 'bin/tailor.mjs'), 'build', 'shop.json', '-o', 'out', '--manifest-only'],
    { cwd: dir, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`tailor build failed: ${r.stdout}${r.stderr}`);
  return JSON.parse(readFileSync(path.join(dir, 'out/shop.json'), 'utf8'));
}

/** The shop's home page body (its markup as shipped, without the stylesheet). */
const html = readFileSync(path.join(ROOT, 'examples/shop/index.html'), 'utf8');
export const SHOP_BODY = /<body>([\s\S]*)<\/body>/.exec(html)[1];

const home = { type: 'regex', include: true, pattern: '/shop/(index\\.html)?(\\?.*)?$' };
const productPages = { type: 'regex', include: true, pattern: '/shop/(shoes|bags|sale)/' };
// An attribute the page never has: the condition matches nobody.
const nobody = { notAnAutoAttribute: true };
const text = (selector, value) => ({ selector, action: 'set', attribute: 'html', value });
const append = (selector, value) => ({ selector, action: 'append', attribute: 'html', value });

/** One GrowthBook experiment per experience (control first). */
function experiment(e) {
  const actions = (v) => e.variants.find((x) => x.id === v)?.actions || [];
  const mutations = (list) =>
    list.flatMap((a) => {
      if (a.type === 'text' || a.type === 'html') return [text(a.selector, a.value)];
      if (a.type === 'insert') return [append(a.selector, a.value)];
      if (a.type === 'cta')
        return [
          text(a.selector, a.text),
          { selector: a.selector, action: 'set', attribute: 'href', value: a.href },
          ...(a.add || []).map((c) => ({
            selector: a.selector,
            action: 'append',
            attribute: 'class',
            value: c,
          })),
        ];
      if (a.type === 'banner' || a.type === 'overlay')
        return [append('body', `<div class="gb-${a.type}">${a.value}</div>`)];
      return []; // reorder, redirect: no equivalent mutation
    });
  let variations;
  let weights;
  if (e.variants.length > 1) {
    variations = e.variants.map((v) => ({ domMutations: mutations(actions(v.id)) }));
    const total = e.variants.reduce((s, v) => s + (v.weight ?? 1), 0);
    weights = e.variants.map((v) => (v.weight ?? 1) / total);
  } else {
    // One variant: GrowthBook needs two; an experience holdout is the first one's weight.
    variations = [{}, { domMutations: mutations(e.variants[0].actions) }];
    weights = [(e.holdout || 0) / 100, 1 - (e.holdout || 0) / 100];
  }
  const pages = e.pages?.include || [];
  const urlPatterns = pages.length
    ? [
        ...(pages.includes('/shop/') ? [home] : []),
        ...(pages.some((p) => /^\/shop\/(shoes|bags|sale)\//.test(p)) ? [productPages] : []),
        ...(pages.some((p) => p.endsWith('.html') && !p.endsWith('/index.html'))
          ? [{ type: 'regex', include: true, pattern: pages.filter((p) => p.endsWith('.html')).join('|') }]
          : []),
      ]
    : [{ type: 'regex', include: true, pattern: '.*' }];
  const audience = JSON.stringify(e.audience || null);
  const condition =
    !e.audience || audience === '{"journey.stage":"new"}'
      ? undefined
      : audience === '{"$segment":"desktop"}'
        ? { deviceType: 'desktop' }
        : audience === '{"$segment":"tablet"}'
          ? { deviceType: 'tablet' }
          : audience === '{"$segment":"from-email"}'
            ? { utmMedium: 'email' }
            : audience === '{"$segment":"no-persona"}'
              ? { persona: { $exists: false } }
              : nobody;
  return {
    key: e.id,
    changeId: `${e.id}-change`,
    variations,
    weights,
    coverage: 1,
    hashAttribute: 'id',
    urlPatterns,
    ...(condition ? { condition } : {}),
  };
}

export const SHOP_GROWTHBOOK_PAYLOAD = {
  status: 200,
  features: {},
  experiments: shopManifest.experiences.map(experiment),
};

/** Runs first in <head>: when `#journey` changes (MutationObserver) and every frame's text. */
export const SHOP_PROBE = `<script>
(function () {
  var w = window, old = ${JSON.stringify(JOURNEY_OLD)};
  w.samples = []; w.changedAt = null;
  function journey() { var el = document.getElementById('journey'); return el ? el.textContent : null; }
  function frame() { w.samples.push({ t: performance.now(), journey: journey() }); requestAnimationFrame(frame); }
  requestAnimationFrame(frame);
  new MutationObserver(function () {
    var j = journey();
    if (w.changedAt === null && j !== null && j !== old) w.changedAt = performance.now();
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
</script>`;

/** Waits until `#journey` changed, `frames` more frames were sampled after it, and FCP happened. */
export async function settleShop(page, frames = 5, timeout = 8000) {
  await page.waitForFunction(
    (n) =>
      window.changedAt !== null &&
      window.samples.filter((s) => s.t > window.changedAt).length >= n &&
      performance.getEntriesByName('first-contentful-paint').length > 0,
    frames,
    { timeout },
  );
}

export async function readShopProbe(page) {
  return page.evaluate((old) => {
    const first = window.samples.find((s) => s.journey !== null && s.journey !== old);
    return { changedAt: window.changedAt, firstChangedFrame: first ? first.t : null, tagAt: window.tagAt };
  }, JOURNEY_OLD);
}
