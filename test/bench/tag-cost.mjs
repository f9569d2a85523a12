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
  return {
    runs: RUNS,
    method:
      'the demo shop home page and its manifest (without its remote source), GrowthBook given the equivalent payload; tag inlined at the end of <body>; from window.tagAt (set just before it) to the MutationObserver record of the first change of #journey (toDom) and to the first requestAnimationFrame sample showing it (toFrame); visitor id server-set by cookie; firstView: fresh browser context per run, sides interleaved with the order rotating each round; repeatView: same tab, next navigations',
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
  } finally {
    await browser.close();
    await server.close();
  }
}
