// Decision time: median microseconds to decide one page view for 10, 100 and 1,000 experiences
// (test/fixtures/generate-manifest.mjs; 100 is test/fixtures/manifest-100.json), in Chromium on a
// cross-origin-isolated page (performance.now() at 5 µs instead of 100 µs), Tailor against
// GrowthBook given the same conditions as features with one experiment rule each. Node figures
// for Tailor (dist/index.js) are kept as well. Prints figures; asserts nothing about time.
//
// Tailor: createTailor() + start() — validate and compile the manifest, collect the signals,
// segments, scores, assignment, rendering; then set() re-decides without a page view.
// GrowthBook: new GrowthBook({ attributes, features }) + evalFeature() of every feature; the
// attributes are Tailor's own context for that page (GrowthBook collects no signals itself), so
// both evaluate the same conditions on the same values; then setAttributes() + evalFeature() again.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { generateManifest } from '../fixtures/generate-manifest.mjs';
import { bundle, launchChromium, ROOT, round, startServer } from './lib.mjs';

export const SIZES = [10, 100, 1000];
const rounds = (n) => (n >= 1000 ? 30 : 100);

/** Tailor measurement; runs in Node and (stringified) in the page. */
async function measureTailor(api, manifest, rounds) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const setup = [];
  const first = [];
  const again = [];
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const tailor = api.createTailor({ manifest, storage: 'memory', country: 'ES' });
    const t1 = performance.now();
    await tailor.start();
    setup.push(t1 - t);
    first.push(performance.now() - t);
    t = performance.now();
    tailor.set({ cartValue: i }); // re-decision without a page view (SPA, identify, set)
    again.push(performance.now() - t);
    tailor.destroy();
  }
  return { setup: median(setup) * 1000, firstPageView: median(first) * 1000, reDecide: median(again) * 1000 };
}

/** GrowthBook measurement; runs (stringified) in the page. */
async function measureGrowthBook(GB, features, attributes, rounds) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const keys = Object.keys(features);
  const first = [];
  const again = [];
  let inExperiment = 0;
  for (let i = 0; i < rounds; i++) {
    let t = performance.now();
    const gb = new GB.GrowthBook({ attributes, features, trackingCallback: () => {} });
    let on = 0;
    for (const k of keys) if (gb.evalFeature(k).source === 'experiment') on++;
    first.push(performance.now() - t);
    inExperiment = on;
    t = performance.now();
    gb.setAttributes({ ...attributes, data: { ...attributes.data, cartValue: i } });
    for (const k of keys) gb.evalFeature(k);
    again.push(performance.now() - t);
    gb.destroy();
  }
  return { firstPageView: median(first) * 1000, reDecide: median(again) * 1000, inExperiment };
}

/** `{ $segment: name }` → the segment's own condition, recursively. */
function inlineSegments(cond, segments) {
  if (Array.isArray(cond)) return cond.map((c) => inlineSegments(c, segments));
  if (!cond || typeof cond !== 'object') return cond;
  const out = {};
  for (const [k, v] of Object.entries(cond)) {
    if (k === '$segment') return inlineSegments(segments[v], segments);
    out[k] = inlineSegments(v, segments);
  }
  return out;
}

const globToRegex = (glob) => `^${glob.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`;

/**
 * A Tailor manifest as a GrowthBook payload: one feature per experience with one experiment rule
 * (same variations, weights, coverage = traffic; the experience holdout becomes a `holdout`
 * variation of that weight; `pages.include` a `page.path` $regex; a layer a GrowthBook namespace
 * split evenly between its experiences). The global holdout has no GrowthBook-rule equivalent
 * and is left out.
 */
export function toGrowthBookFeatures(manifest) {
  const layers = {};
  for (const e of manifest.experiences) {
    if (!e.layer) continue;
    layers[e.layer] ??= [];
    layers[e.layer].push(e.id);
  }
  const features = {};
  for (const e of manifest.experiences) {
    const parts = [];
    if (e.audience) parts.push(inlineSegments(e.audience, manifest.segments || {}));
    if (e.pages?.include)
      parts.push({ $or: e.pages.include.map((g) => ({ 'page.path': { $regex: globToRegex(g) } })) });
    const ids = e.variants.map((v) => v.id);
    let weights = e.variants.map((v) => v.weight ?? 1);
    const total = weights.reduce((a, b) => a + b, 0);
    weights = weights.map((w) => w / total);
    if (e.holdout) {
      const h = e.holdout / 100;
      ids.push('holdout');
      weights = [...weights.map((w) => w * (1 - h)), h];
    }
    const rule = {
      key: e.id,
      variations: ids,
      weights,
      coverage: (e.traffic ?? 100) / 100,
      hashAttribute: 'id',
    };
    if (parts.length) rule.condition = parts.length === 1 ? parts[0] : { $and: parts };
    if (e.layer) {
      const members = layers[e.layer];
      const k = members.indexOf(e.id);
      rule.namespace = [e.layer, k / members.length, (k + 1) / members.length];
    }
    features[e.id] = { defaultValue: null, rules: [rule] };
  }
  return features;
}

export async function run({ browser } = {}) {
  const manifests = Object.fromEntries(SIZES.map((n) => [n, generateManifest(n)]));
  // The committed fixture is the generator's output for 100 experiences.
  const fixture = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/manifest-100.json'), 'utf8'));
  manifests[100] = fixture;

  // Node (Tailor only: GrowthBook's Node figures are not part of the comparison).
  const api = await import(path.join(ROOT, 'dist/index.js'));
  await measureTailor(api, manifests[10], 20); // warm-up
  const node = {};
  for (const n of SIZES) node[n] = await measureTailor(api, manifests[n], rounds(n));

  // Chromium: dist/index.js and @growthbook/growthbook bundled as IIFEs for the page.
  const tailorIife = await bundle(
    'tailor-bench',
    `export { createTailor } from ${JSON.stringify(path.join(ROOT, 'dist/index.js'))};\n`,
    {
      globalName: 'TailorBench',
    },
  );
  const gbIife = await bundle('growthbook-bench', "export { GrowthBook } from '@growthbook/growthbook';\n", {
    globalName: 'GrowthBookBench',
  });
  // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
  const server = await startServer({
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-embedder-policy': 'require-corp',
  });
  const js = (code) => (_, res) => res.writeHead(200, { 'content-type': 'text/javascript' }).end(code);
  server.route('/tailor.js', js(tailorIife.code));
  server.route('/growthbook.js', js(gbIife.code));
  server.page(
    '/',
    '<!doctype html><title>bench</title><h1>bench</h1><script src="/tailor.js"></script><script src="/growthbook.js"></script>',
  );
  const own = !browser;
  browser ||= await launchChromium();
  try {
    const page = await browser.newPage();
    await page.goto(`${server.url}/`);
    const isolated = await page.evaluate('crossOriginIsolated');
    // The smallest non-zero step of performance.now() seen in a busy loop.
    const resolutionUs = await page.evaluate(() => {
      let min = Infinity;
      let last = performance.now();
      for (let i = 0; i < 200000; i++) {
        const t = performance.now();
        if (t !== last) {
          min = Math.min(min, t - last);
          last = t;
        }
      }
      return Math.round(min * 1000 * 10) / 10;
    });
    const tailor = {};
    const growthbook = {};
    const translation = {};
    for (const n of SIZES) {
      const m = JSON.stringify(manifests[n]);
      const tFn = `(${measureTailor.toString()})(TailorBench, ${m}, ${rounds(n)})`;
      if (n === SIZES[0]) await page.evaluate(tFn); // warm-up
      tailor[n] = await page.evaluate(tFn);
      // GrowthBook gets Tailor's context for this page view as its attributes.
      const attributes = await page.evaluate(`(async () => {
        const t = TailorBench.createTailor({ manifest: ${m}, storage: 'memory', country: 'ES' });
        await t.start();
        const c = t.context();
        const m = ${m};
        const assigned = m.experiences.filter((e) => t.variant(e.id) !== null).length;
        t.destroy();
        return { ...c, id: (c.visitor && c.visitor.id) || 'bench-visitor', assigned };
      })()`);
      const tailorAssigned = attributes.assigned;
      delete attributes.assigned;
      const features = toGrowthBookFeatures(manifests[n]);
      const gFn = `(${measureGrowthBook.toString()})(GrowthBookBench, ${JSON.stringify(features)}, ${JSON.stringify(attributes)}, ${rounds(n)})`;
      if (n === SIZES[0]) await page.evaluate(gFn); // warm-up
      growthbook[n] = await page.evaluate(gFn);
      translation[n] = {
        features: Object.keys(features).length,
        growthbookInExperiment: growthbook[n].inExperiment,
        tailorAssigned,
      };
    }
    const r = (o) =>
      Object.fromEntries(
        Object.entries(o).map(([n, v]) => [
          n,
          Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'inExperiment' ? x : round(x, 0)])),
        ]),
      );
    return {
      unit: 'µs per page view, median',
      rounds: Object.fromEntries(SIZES.map((n) => [n, rounds(n)])),
      crossOriginIsolated: isolated,
      timerResolutionUs: resolutionUs,
      chromium: { tailor: r(tailor), growthbook: r(growthbook) },
      node: { tailor: r(node) },
      growthbookFeatures: translation,
    };
  } finally {
    if (own) await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
