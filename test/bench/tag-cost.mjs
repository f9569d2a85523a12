// Tag cost: on the demo shop's home page in Chromium, main-thread time from the tag starting to
// execute until its change is in the DOM, and until the first animation frame that shows it (the
// frame that paints it), Tailor with the shop's manifest inline against GrowthBook's auto.min.js
// given the equivalent payload inline through window.growthbook_config (test/bench/shop-page.mjs
// lists what differs). Each tag is inlined at the end of <body> after
// `window.tagAt = performance.now()`, so the figure holds its parse, compile and run and no
// download. The visitor id is server-set (the `tlr_id` and `gbuuid` cookies), as for a visitor
// the site already knows; everything else is a first view: a fresh browser context per run.
//
// `node test/bench/tag-cost.mjs` (after `npm run build`) runs this module alone and prints the
// medians; TAILOR_BENCH_BASELINE=<a dist directory> adds that build's tailor.min.js as a side
// ("tailor-baseline"), measured in the same run. "tailor-site" is the shop's site tag
// (dist/site-tags/shop/tailor.js, built by `tailor build`) with the same manifest published.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { GB_AUTO, inlineScript, launchChromium, max, median, ROOT, round, startServer } from './lib.mjs';
import {
  publishedShop,
  readShopProbe,
  SHOP_BODY,
  SHOP_GROWTHBOOK_PAYLOAD,
  SHOP_MANIFEST,
  SHOP_PATH,
  SHOP_PROBE,
  settleShop,
  VISITOR,
} from './shop-page.mjs';

// A multiple of three and of four sides, so each takes every position in a round equally often
// (TAILOR_BENCH_RUNS changes it for a run on a busy machine).
export const RUNS = Number(process.env.TAILOR_BENCH_RUNS) || 12;

function pages() {
  const tag = (code) =>
    `<script>window.tagAt = performance.now();</script><script>${inlineScript(code)}</script>`;
  const tailor = (file, manifest = SHOP_MANIFEST) =>
    `<!doctype html><html><head><title>tag cost</title>${SHOP_PROBE}
<script type="application/json" id="tailor-manifest">${JSON.stringify(manifest)}</script>
</head><body>${SHOP_BODY}${tag(readFileSync(file, 'utf8'))}</body></html>`;
  const sides = {
    tailor: tailor(path.join(ROOT, 'dist/tailor.min.js')),
    'tailor-lite': tailor(path.join(ROOT, 'dist/tailor.lite.min.js')),
    // The shop's site tag (`tailor build`), with the same manifest published.
    'tailor-site': tailor(path.join(ROOT, 'dist/site-tags/shop/tailor.js'), publishedShop()),
    growthbook: `<!doctype html><html><head><title>tag cost</title>${SHOP_PROBE}
<script>window.growthbook_config = { payload: ${JSON.stringify(SHOP_GROWTHBOOK_PAYLOAD)}, noStreaming: true };</script>
</head><body>${SHOP_BODY}${tag(readFileSync(GB_AUTO, 'utf8'))}</body></html>`,
  };
  const baseline = process.env.TAILOR_BENCH_BASELINE;
  if (baseline) sides['tailor-baseline'] = tailor(path.resolve(baseline, 'tailor.min.js'));
  return sides;
}

/**
 * Main-thread script time of a first view with each tag loaded from its own address, as sites
 * load it (not inline: V8 compiles a downloaded script while it streams in). Tailor's core
 * starts with V8's explicit compile hint (`//# allFunctionsCalledOnLoad`, rollup.config.mjs),
 * which has every function compiled then, off the main thread; "tailor-no-hint" is the same
 * file without that first line. Chromium's own counters (CDP Performance.getMetrics) over the
 * whole page load: ScriptDuration (main-thread JavaScript, compiling included) and ThreadTime
 * (main-thread CPU); the page's other scripts are the same on every side.
 */
async function externalScriptTime({ browser, server }, runs, html) {
  const core = readFileSync(path.join(ROOT, 'dist/tailor.min.js'), 'utf8');
  const files = {
    tailor: core,
    'tailor-no-hint': core.replace(/^\/\/# allFunctionsCalledOnLoad\n/, ''),
    growthbook: readFileSync(GB_AUTO, 'utf8'),
  };
  if (files['tailor-no-hint'] === core) throw new Error('dist/tailor.min.js has no compile hint');
  const js = { 'content-type': 'text/javascript', 'cache-control': 'no-store' };
  for (const [side, code] of Object.entries(files)) {
    server.route(`/ext/${side}/tailor.js`, (_, res) => res.writeHead(200, js).end(code));
    // The chunks the shop's manifest needs load from beside the tag, as on a site.
    for (const name of ['post', 'extras', 'tables'])
      server.route(`/ext/${side}/tailor.${name}.js`, (_, res) =>
        res.writeHead(200, js).end(readFileSync(path.join(ROOT, `dist/tailor.${name}.js`))),
      );
  }
  const page = (side) =>
    side === 'growthbook'
      ? `<!doctype html><html><head><title>tag cost</title>${SHOP_PROBE}
<script>window.growthbook_config = { payload: ${JSON.stringify(SHOP_GROWTHBOOK_PAYLOAD)}, noStreaming: true };</script>
</head><body>${SHOP_BODY}<script src="/ext/${side}/tailor.js"></script></body></html>`
      : `<!doctype html><html><head><title>tag cost</title>${SHOP_PROBE}
<script type="application/json" id="tailor-manifest">${JSON.stringify(SHOP_MANIFEST)}</script>
</head><body>${SHOP_BODY}<script src="/ext/${side}/tailor.js"></script></body></html>`;
  // At the shop's path (the experiences' page lists name it), as side `ext-<side>`.
  for (const side of Object.keys(files)) html.set(`ext-${side}`, page(side));
  const sides = Object.keys(files);
  const got = Object.fromEntries(sides.map((s) => [s, { scriptMs: [], threadMs: [] }]));
  for (let i = 0; i < runs; i++)
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length];
      const context = await browser.newContext();
      await context.addCookies(
        ['tlr_id', 'gbuuid'].map((name) => ({ name, value: VISITOR, url: server.url })),
      );
      const p = await context.newPage();
      const cdp = await context.newCDPSession(p);
      await cdp.send('Performance.enable');
      await p.goto(`${server.url}${SHOP_PATH}?side=ext-${side}`);
      await settleShop(p);
      const { metrics } = await cdp.send('Performance.getMetrics');
      const ms = (name) => metrics.find((m) => m.name === name).value * 1000;
      got[side].scriptMs.push(ms('ScriptDuration'));
      got[side].threadMs.push(ms('ThreadTime'));
      await context.close();
    }
  const stats = (xs) => ({ median: round(median(xs), 1), max: round(max(xs), 1) });
  return Object.fromEntries(
    sides.map((s) => [s, { scriptMs: stats(got[s].scriptMs), threadMs: stats(got[s].threadMs) }]),
  );
}

export async function run({ browser, server }) {
  const out = {};
  const stats = (xs) => ({ median: round(median(xs), 2), max: round(max(xs), 2) });
  const sides = Object.entries(pages());
  const html = new Map(sides);
  // One path for every side (the experiences' page lists name it); the side is in the query.
  server.route(SHOP_PATH, (_, res, url) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' });
    res.end(html.get(url.searchParams.get('side')));
  });
  server.route('/collect', (_, res) => res.writeHead(204).end());
  const urlOf = (side) => `${server.url}${SHOP_PATH}?side=${side}`;
  const newContext = async () => {
    const context = await browser.newContext();
    await context.addCookies(['tlr_id', 'gbuuid'].map((name) => ({ name, value: VISITOR, url: server.url })));
    return context;
  };
  const view = async (page, side) => {
    await page.goto(urlOf(side));
    await settleShop(page);
    const p = await readShopProbe(page);
    return { toDom: p.changedAt - p.tagAt, toFrame: p.firstChangedFrame - p.tagAt };
  };
  // First view: a fresh browser context (new renderer, cold caches) per run, as for a new visitor.
  // The sides take turns, and the order rotates every round, so neither drift of the machine nor
  // going first in a round (measurably slower) favours one side.
  const cold = Object.fromEntries(sides.map(([side]) => [side, []]));
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length][0];
      const context = await newContext();
      cold[side].push(await view(await context.newPage(), side));
      await context.close();
    }
  }
  for (const [side] of sides) {
    // Repeat view: the same tab navigating to the page again (one warm-up view not counted).
    const warm = [];
    const context = await newContext();
    const page = await context.newPage();
    for (let i = 0; i < RUNS + 1; i++) {
      const r = await view(page, side);
      if (i) warm.push(r);
    }
    await context.close();
    out[side] = {
      firstView: {
        toDomMs: stats(cold[side].map((r) => r.toDom)),
        toFrameMs: stats(cold[side].map((r) => r.toFrame)),
      },
      repeatView: { toDomMs: stats(warm.map((r) => r.toDom)), toFrameMs: stats(warm.map((r) => r.toFrame)) },
    };
  }
  // Three times the runs: the difference sought (the compile hint's, 5–10 ms in 40-run trials)
  // is within one run's noise.
  out.externalFirstView = {
    runs: 3 * RUNS,
    ...(await externalScriptTime({ browser, server }, 3 * RUNS, html)),
  };
  return {
    runs: RUNS,
    method:
      'the demo shop home page and its manifest (without its remote source), GrowthBook given the equivalent payload; tag inlined at the end of <body>; from window.tagAt (set just before it) to the MutationObserver record of the first change of #journey (toDom) and to the first requestAnimationFrame sample showing it (toFrame); visitor id server-set by cookie; firstView: fresh browser context per run, sides interleaved with the order rotating each round; repeatView: same tab, next navigations; externalFirstView: each tag from its own address (no-store), first view, Chromium\u2019s ScriptDuration and ThreadTime over the page load, tailor-no-hint being tailor.min.js without its first line (the compile hint)',
    ...out,
  };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const browser = await launchChromium();
  const server = await startServer();
  try {
    const r = await run({ browser, server });
    console.log(`tag start → DOM change (ms, median of ${r.runs}; max in brackets)`);
    console.log(
      `${'side'.padEnd(16)}${'first view'.padStart(18)}${'first frame'.padStart(18)}${'repeat view'.padStart(18)}`,
    );
    const cell = (s) => `${s.median} (${s.max})`.padStart(18);
    for (const [side, v] of Object.entries(r)) {
      if (!v?.firstView) continue;
      console.log(
        `${side.padEnd(16)}${cell(v.firstView.toDomMs)}${cell(v.firstView.toFrameMs)}${cell(v.repeatView.toDomMs)}`,
      );
    }
    const x = r.externalFirstView;
    console.log(
      `\nfirst view, tag from its address: main-thread ms over the page load (median of ${x.runs})`,
    );
    console.log(`${'side'.padEnd(16)}${'script'.padStart(18)}${'thread CPU'.padStart(18)}`);
    for (const [side, v] of Object.entries(x))
      if (v?.scriptMs) console.log(`${side.padEnd(16)}${cell(v.scriptMs)}${cell(v.threadMs)}`);
  } finally {
    await browser.close();
    await server.close();
  }
}
