// Tag cost: on the same page in Chromium, main-thread time from the tag starting to execute
// until the change is in the DOM, and until the first animation frame that shows it (the frame
// that paints it), Tailor (inline manifest) against GrowthBook's auto.min.js (the same change as
// a visual-editor experiment, payload inline through window.growthbook_config, no network).
// Each tag is inlined at the end of <body> after `window.tagAt = performance.now()`, so the
// figure holds its parse, compile and run and no download, and the h1 and CTA already exist.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { GB_AUTO, inlineScript, max, median, ROOT, round } from './lib.mjs';
import { BODY, GROWTHBOOK_PAYLOAD, PROBE, readProbe, settle, TAILOR_MANIFEST } from './pages.mjs';

// A multiple of the three sides, so each takes every position in a round equally often.
export const RUNS = 12;

function pages() {
  const tag = (code) =>
    `<script>window.tagAt = performance.now();</script><script>${inlineScript(code)}</script>`;
  const tailor = (file) =>
    `<!doctype html><html><head><title>tag cost</title>${PROBE}
<script type="application/json" id="tailor-manifest">${JSON.stringify(TAILOR_MANIFEST)}</script>
</head><body>${BODY}${tag(readFileSync(path.join(ROOT, 'dist', file), 'utf8'))}</body></html>`;
  return {
    tailor: tailor('tailor.min.js'),
    'tailor-lite': tailor('tailor.lite.min.js'),
    growthbook: `<!doctype html><html><head><title>tag cost</title>${PROBE}
<script>window.growthbook_config = { payload: ${JSON.stringify(GROWTHBOOK_PAYLOAD)}, noStreaming: true };</script>
</head><body>${BODY}${tag(readFileSync(GB_AUTO, 'utf8'))}</body></html>`,
  };
}

export async function run({ browser, server }) {
  const out = {};
  const stats = (xs) => ({ median: round(median(xs), 2), max: round(max(xs), 2) });
  const sides = Object.entries(pages());
  const urlOf = (side) => `${server.url}/tag-cost/${side}.html`;
  for (const [side, html] of sides) server.page(`/tag-cost/${side}.html`, html);
  const view = async (page, side) => {
    await page.goto(urlOf(side));
    await settle(page);
    const p = await readProbe(page);
    return { toDom: p.changedAt - p.tagAt, toFrame: p.firstChangedFrame - p.tagAt };
  };
  // First view: a fresh browser context (new renderer, cold caches) per run, as for a new visitor.
  // The sides take turns, and the order rotates every round, so neither drift of the machine nor
  // going first in a round (measurably slower) favours one side.
  const cold = Object.fromEntries(sides.map(([side]) => [side, []]));
  for (let i = 0; i < RUNS; i++) {
    for (let k = 0; k < sides.length; k++) {
      const side = sides[(i + k) % sides.length][0];
      const context = await browser.newContext();
      cold[side].push(await view(await context.newPage(), side));
      await context.close();
    }
  }
  for (const [side] of sides) {
    // Repeat view: the same tab navigating to the page again (one warm-up view not counted).
    const warm = [];
    const context = await browser.newContext();
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
      'tag inlined at the end of <body>; from window.tagAt (set just before it) to the MutationObserver record of the new h1 text (toDom) and to the first requestAnimationFrame sample showing it (toFrame); firstView: fresh browser context per run, sides interleaved with the order rotating each round; repeatView: same tab, next navigations',
    ...out,
  };
}
