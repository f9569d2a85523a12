// Decision time: median microseconds per page view for 10, 100 and 1,000 experiences
// (test/fixtures/generate-manifest.mjs; 100 is test/fixtures/manifest-100.json), in Chromium on a
// cross-origin-isolated page (performance.now() at 5 µs instead of 100 µs), Tailor against
// GrowthBook given the same conditions as features with one experiment rule each. Prints
// figures; asserts nothing about time.
//
// Tailor runs what the script tags run: the source bundled with the compact manifest guard in
// place of the full validator, as rollup.config.mjs builds the tags, on the manifest
// `tailor build` publishes (src/manifest/publish.ts). Each side gets its payload as a JSON
// string and parses it itself; the two sides alternate round by round, so the machine's load
// falls on both.
//
// - sameWork: conditions + assignment on a ready context, both payloads already parsed (outside
//   the timer). Tailor: manifest guard, createEngine(), and assignment for Tailor's own context of
//   that page, with the segments its audiences read (`$segment`; GrowthBook gets them inlined).
//   The list of all the visitor's segments, which events carry, is made after the DOM change and
//   is not in this figure; it is in the full page view. GrowthBook: new GrowthBook({
//   attributes, features }) + evalFeature() of every feature, the attributes being that same
//   context (GrowthBook collects no signals itself).
// - sameWorkMatching: the same, for a returning visitor whom more audiences take in
//   (matchingVisitor below): the collected first-time visitor is assigned almost nothing.
// - firstPageView (full page view): JSON.parse inside the timer on both sides. Tailor:
//   createTailor() + start(): guard, signals, context, segments, scores, assignment, rendering.
//   GrowthBook: handed the ready attributes, as above.
// - toDomChange: the part of Tailor's full page view up to its first DOM change (the script
//   tag's `_rendered` callback), before the write phase (storage, exposures, events), which runs
//   one task later; GrowthBook's figure is its full page view again.
// - reDecide: Tailor's set() (re-decision without a page view) against GrowthBook's
//   setAttributes() + evalFeature() of every feature.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateManifest } from '../fixtures/generate-manifest.mjs';
import { BUILD, bundle, launchChromium, ROOT, round, startServer } from './lib.mjs';

export const SIZES = [10, 100, 1000];
// Rounds per size: the medians of 120 / 40 rounds moved by up to 20% between runs on a shared machine.
const rounds = (n) => (n >= 1000 ? 100 : 400);

/**
 * Every figure of one size, both sides interleaved (the order rotates each round). Runs
 * (stringified) in the page, where `T` is the Tailor bench bundle and `GB` GrowthBook's.
 */
async function measure(T, GB, manifestJson, featuresJson, visitors, rounds) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {
    tailor: { sameWork: [], sameWorkMatching: [], firstPageView: [], toDomChange: [], reDecide: [] },
    growthbook: { sameWork: [], sameWorkMatching: [], firstPageView: [], toDomChange: [], reDecide: [] },
  };
  const { attributes } = visitors.sameWork;
  const now = Date.now();
  const noop = () => {};
  const inExperiment = {};
  const tailorAssigned = {};
  const tailorSame = (key) => () => {
    const { context } = visitors[key];
    const m = JSON.parse(manifestJson);
    const t = performance.now();
    const valid = T.validateManifest(m).manifest;
    const engine = T.createEngine(valid, noop);
    const segs = engine._segments(context);
    const r = engine._assign(context, segs, {
      _preview: false,
      _sticky: {},
      _forced: null,
      _consentGranted: true,
      _now: now,
    });
    out.tailor[key].push(performance.now() - t);
    tailorAssigned[key] = r.assignments.length;
  };
  const gbSame = (key) => () => {
    const features = JSON.parse(featuresJson);
    const t = performance.now();
    const gb = new GB.GrowthBook({ attributes: visitors[key].attributes, features, trackingCallback: noop });
    let on = 0;
    for (const k in features) if (gb.evalFeature(k).source === 'experiment') on++;
    out.growthbook[key].push(performance.now() - t);
    inExperiment[key] = on;
    gb.destroy();
  };
  const tailorFull = async (i) => {
    let t = performance.now();
    let dom = 0;
    const tailor = T.createTailor({
      manifest: JSON.parse(manifestJson),
      storage: 'memory',
      country: 'ES',
      // What the script tag passes: called with the first DOM change, before the write phase.
      _rendered: () => {
        dom = performance.now();
      },
    });
    await tailor.start();
    out.tailor.firstPageView.push(performance.now() - t);
    out.tailor.toDomChange.push(dom - t);
    t = performance.now();
    tailor.set({ cartValue: i });
    out.tailor.reDecide.push(performance.now() - t);
    tailor.destroy();
  };
  const gbFull = (i) => {
    let t = performance.now();
    const features = JSON.parse(featuresJson);
    const gb = new GB.GrowthBook({ attributes, features, trackingCallback: noop });
    for (const k in features) gb.evalFeature(k);
    out.growthbook.firstPageView.push(performance.now() - t);
    // GrowthBook's work is all synchronous and changes no DOM: its whole page view.
    out.growthbook.toDomChange.push(performance.now() - t);
    t = performance.now();
    gb.setAttributes({ ...attributes, data: { ...attributes.data, cartValue: i } });
    for (const k in features) gb.evalFeature(k);
    out.growthbook.reDecide.push(performance.now() - t);
    gb.destroy();
  };
  const steps = [
    tailorSame('sameWork'),
    gbSame('sameWork'),
    tailorSame('sameWorkMatching'),
    gbSame('sameWorkMatching'),
    tailorFull,
    gbFull,
  ];
  for (let i = 0; i < rounds; i++)
    for (let k = 0; k < steps.length; k++) await steps[(i + k) % steps.length](i);
  const us = (o) => Object.fromEntries(Object.entries(o).map(([k, xs]) => [k, median(xs) * 1000]));
  return { tailor: us(out.tailor), growthbook: us(out.growthbook), inExperiment, tailorAssigned };
}

/** The decision module the tags swap (rollup.config.mjs): the compact guard for the full validator. */
const SWAPS = {
  validate: ['manifest/validate.ts', 'manifest/guard.ts'],
};

/**
 * Bundles the source as the tags are built: TypeScript transpiled module by module and the
 * decision modules swapped as in the tags (SWAPS). `format` iife for the page, es for Node.
 */
/** Exported for profiling scripts. */
export async function bundleSource(name, source, { format = 'iife', guard = true } = {}) {
  const typescript = (await import('typescript')).default;
  const { rollup } = await import('rollup');
  const { nodeResolve } = await import('@rollup/plugin-node-resolve');
  const commonjs = (await import('@rollup/plugin-commonjs')).default;
  const src = (p) => path.join(ROOT, 'src', p);
  mkdirSync(BUILD, { recursive: true });
  const entry = path.join(BUILD, `${name}.entry.ts`);
  writeFileSync(entry, source);
  const b = await rollup({
    input: entry,
    external: (id) => id.startsWith('node:'),
    plugins: [
      {
        name: 'tag-swaps',
        async resolveId(s, importer, options) {
          const base = path.basename(s, '.ts');
          if (!guard || !importer || !(base in SWAPS) || importer.endsWith('publish.ts')) return null;
          const r = await this.resolve(s, importer, { ...options, skipSelf: true });
          const [from, to] = SWAPS[base];
          return r && r.id === src(from) ? src(to) : null;
        },
      },
      nodeResolve({ browser: format === 'iife', extensions: ['.ts', '.mjs', '.js', '.json'] }),
      commonjs(),
      {
        name: 'ts',
        transform(code, id) {
          if (!id.endsWith('.ts')) return null;
          const out = typescript.transpileModule(code, {
            fileName: id,
            compilerOptions: {
              target: typescript.ScriptTarget.ES2020,
              module: typescript.ModuleKind.ESNext,
              verbatimModuleSyntax: true,
            },
          });
          return { code: out.outputText, map: null };
        },
      },
    ],
    onwarn: () => {},
  });
  // The source's lazy chunks (import()) go inline: an IIFE is one file.
  const { output } = await b.generate({ format, name: 'TailorBench', inlineDynamicImports: true });
  await b.close();
  const file = path.join(BUILD, `${name}.${format === 'es' ? 'mjs' : 'js'}`);
  writeFileSync(file, output[0].code);
  return { file, code: output[0].code };
}

/**
 * The collected first-time visitor of the bench page matches almost no audience of the generated
 * manifests (direct traffic, no history: both sides stop at a first false clause and assign
 * nothing). `sameWorkMatching` gives both sides this returning visitor instead, from an email
 * campaign on a phone, deep in a shoe category, whom a good share of the audiences take in, so
 * that conditions are read to the end and assignment and hashing are measured too.
 */
export function matchingVisitor(context) {
  const c = structuredClone(context);
  Object.assign(c.traffic, { source: 'newsletter', medium: 'email', campaign: 'spring' });
  Object.assign(c.device, { type: 'mobile', touch: true });
  Object.assign(c.geo, { country: 'ES', language: 'es-ES' });
  Object.assign(c.visitor, { isNew: false, visits: 5, pageviews: 14, traits: { plan: 'pro' } });
  Object.assign(c.session, { pageviews: 2 });
  Object.assign(c.page, { path: '/shoes/trail-runner' });
  Object.assign(c.time, { hour: 12 });
  c.affinity = { ...c.affinity, top: 'shoes', shoes: 3 };
  c.journey = { stage: 'engaged' };
  c.score = { buyIntent: 0.95 };
  c.data = { ...c.data, cartValue: 250 };
  return c;
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
  const sources = Object.fromEntries(SIZES.map((n) => [n, generateManifest(n)]));
  // The committed fixture is the generator's output for 100 experiences.
  sources[100] = JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/manifest-100.json'), 'utf8'));
  const src = (p) => JSON.stringify(path.join(ROOT, 'src', p));
  // Published as `tailor build` publishes them.
  const publish = await bundleSource(
    'tailor-publish',
    `export { publishManifest } from ${src('manifest/publish.ts')};\n`,
    {
      format: 'es',
      guard: false,
    },
  );
  const { publishManifest } = await import(pathToFileURL(publish.file).href);
  const manifests = {};
  for (const n of SIZES) {
    const { manifest, problems } = publishManifest(sources[n]);
    if (!manifest)
      throw new Error(`the ${n}-experience manifest does not publish: ${JSON.stringify(problems[0])}`);
    manifests[n] = manifest;
  }

  const tailorIife = await bundleSource(
    'tailor-bench',
    `export { createTailor } from ${src('index.ts')};\n` +
      `export { createEngine } from ${src('engine.ts')};\n` +
      `export { validateManifest } from ${src('manifest/validate.ts')};\n`,
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
      // Tailor's context for this page view: GrowthBook's attributes and the ready context of sameWork.
      const context = await page.evaluate(`(async () => {
        const t = TailorBench.createTailor({ manifest: ${m}, storage: 'memory', country: 'ES' });
        await t.start();
        const c = t.context();
        t.destroy();
        return c;
      })()`);
      const attributes = { ...context, id: context.visitor?.id || 'bench-visitor' };
      const matching = matchingVisitor(context);
      const visitors = {
        sameWork: { context, attributes },
        sameWorkMatching: { context: matching, attributes: { ...matching, id: attributes.id } },
      };
      const features = JSON.stringify(toGrowthBookFeatures(manifests[n]));
      const args = [m, features, visitors].map((x) => JSON.stringify(x));
      const fn = (r) => `(${measure.toString()})(TailorBench, GrowthBookBench, ${args.join(', ')}, ${r})`;
      if (n === SIZES[0]) await page.evaluate(fn(20)); // warm-up
      const r = await page.evaluate(fn(rounds(n)));
      tailor[n] = r.tailor;
      growthbook[n] = r.growthbook;
      translation[n] = {
        features: manifests[n].experiences.length,
        growthbookInExperiment: r.inExperiment.sameWork,
        tailorAssigned: r.tailorAssigned.sameWork,
        growthbookInExperimentMatching: r.inExperiment.sameWorkMatching,
        tailorAssignedMatching: r.tailorAssigned.sameWorkMatching,
      };
    }
    const r = (o) =>
      Object.fromEntries(
        Object.entries(o).map(([n, v]) => [
          n,
          Object.fromEntries(Object.entries(v).map(([k, x]) => [k, round(x, 0)])),
        ]),
      );
    const ratios = Object.fromEntries(
      SIZES.map((n) => [
        n,
        Object.fromEntries(Object.keys(tailor[n]).map((k) => [k, round(growthbook[n][k] / tailor[n][k], 2)])),
      ]),
    );
    return {
      unit: 'µs per page view, median',
      method:
        'tag code path (compact guard) on the published manifest; each side parses its own JSON (outside the timer for sameWork, inside for firstPageView); sides interleaved round by round',
      rounds: Object.fromEntries(SIZES.map((n) => [n, rounds(n)])),
      crossOriginIsolated: isolated,
      timerResolutionUs: resolutionUs,
      chromium: { tailor: r(tailor), growthbook: r(growthbook) },
      /** GrowthBook time / Tailor time (above 1: Tailor faster). */
      speedup: ratios,
      growthbookFeatures: translation,
    };
  } finally {
    if (own) await browser.close();
    await server.close();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const r = await run();
  console.log(JSON.stringify(r, null, 2));
  const row = (label, k) =>
    SIZES.map(
      (n) =>
        `${label.padEnd(16)} ${String(n).padStart(5)}: Tailor ${String(r.chromium.tailor[n][k]).padStart(6)} µs  GrowthBook ${String(r.chromium.growthbook[n][k]).padStart(6)} µs  GB/Tailor ${r.speedup[n][k]}×`,
    ).join('\n');
  console.log(
    `\n${row('same work', 'sameWork')}\n${row('same, matching', 'sameWorkMatching')}\n${row('full page view', 'firstPageView')}\n${row('to DOM change', 'toDomChange')}\n${row('re-decision', 'reDecide')}`,
  );
}
