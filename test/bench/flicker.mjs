// Flicker: animation frames that show the original h1 or CTA (sampled with requestAnimationFrame
// from an inline script at the top of <head>, as in test/browser/flicker.test.ts) and
// first-contentful-paint, for an inline manifest, a cached remote manifest and an uncached remote
// manifest delayed 0, 50 and 200 ms: Tailor (tailor.min.js, slots marked `data-tailor-slot`)
// against GrowthBook's auto.min.js without and with `data-anti-flicker` (which hides the whole
// page: frames with the page hidden do not count as original, which is why FCP is reported).
import { max, median, readBody, round } from './lib.mjs';
import { BODY, GROWTHBOOK_PAYLOAD, PROBE, readProbe, settle, TAILOR_MANIFEST } from './pages.mjs';

export const RUNS = 10;
export const SCENARIOS = ['inline', 'cached', 'remote-0ms', 'remote-50ms', 'remote-200ms'];
export const SIDES = ['tailor', 'growthbook', 'growthbook-anti-flicker'];
const CACHED_DELAY = 200; // the cached case: the server is slow, the cache must not wait for it

const delayOf = (scenario) =>
  scenario === 'cached' ? CACHED_DELAY : Number(/(\d+)ms/.exec(scenario)?.[1] || 0);

function html(side, scenario, base) {
  const delay = delayOf(scenario);
  let tags;
  if (side === 'tailor') {
    tags =
      scenario === 'inline'
        ? `<script type="application/json" id="tailor-manifest">${JSON.stringify(TAILOR_MANIFEST)}</script>
<script src="/dist/tailor.min.js"></script>`
        : `<script src="/dist/tailor.min.js" data-manifest="/bench-api/${delay}/tailor.json" data-hide-timeout="3000"></script>`;
  } else {
    const anti = side === 'growthbook-anti-flicker' ? ' data-anti-flicker="true"' : '';
    tags =
      scenario === 'inline'
        ? `<script>window.growthbook_config = { payload: ${JSON.stringify(GROWTHBOOK_PAYLOAD)}, noStreaming: true };</script>
<script src="/node_modules/@growthbook/growthbook/dist/bundles/auto.min.js"${anti}></script>`
        : `<script src="/node_modules/@growthbook/growthbook/dist/bundles/auto.min.js" data-api-host="${base}/bench-api/${delay}" data-client-key="sdk-bench"${anti}></script>`;
  }
  return `<!doctype html><html><head><title>flicker</title>${PROBE}
${tags}</head><body>${BODY}</body></html>`;
}

export async function run({ browser, server }) {
  // Remote manifests: /bench-api/{delay}/tailor.json and GrowthBook's /bench-api/{delay}/api/features/sdk-bench.
  const answer = (body) => (req, res) => {
    const delay = Number(req.url.split('/')[2]);
    setTimeout(() => {
      res.writeHead(200, {
        'content-type': 'application/json',
        'access-control-allow-origin': '*',
        'cache-control': 'no-store',
      });
      res.end(JSON.stringify(body));
    }, delay);
  };
  for (const d of new Set(SCENARIOS.map(delayOf))) {
    server.route(`/bench-api/${d}/tailor.json`, answer(TAILOR_MANIFEST));
    server.route(`/bench-api/${d}/api/features/sdk-bench`, answer(GROWTHBOOK_PAYLOAD));
    server.route(`/bench-api/${d}/sub/sdk-bench`, (_, res) => res.writeHead(404).end());
  }
  server.route('/bench-collect', async (req, res) => {
    await readBody(req);
    res.writeHead(204).end();
  });

  const out = {};
  for (const scenario of SCENARIOS) {
    out[scenario] = {};
    for (const side of SIDES) {
      const url = `/flicker/${side}-${scenario}.html`;
      server.page(url, html(side, scenario, server.url));
      const runs = [];
      const errors = [];
      for (let i = 0; i < RUNS; i++) {
        const context = await browser.newContext();
        const page = await context.newPage();
        page.on('pageerror', (e) => errors.push(String(e)));
        try {
          if (scenario === 'cached') {
            // First view fetches and caches the manifest (Tailor: tlr_manifest; GrowthBook: gbFeaturesCache).
            await page.goto(`${server.url}${url}`);
            await settle(page, 1);
            const key = side === 'tailor' ? 'tlr_manifest' : 'gbFeaturesCache';
            await page.waitForFunction((k) => !!localStorage.getItem(k), key, { timeout: 5000 });
          }
          await page.goto(`${server.url}${url}`);
          await settle(page);
          runs.push(await readProbe(page));
        } catch (e) {
          errors.push(String(e).split('\n')[0]);
        } finally {
          await context.close();
        }
      }
      const pick = (k) => runs.map((r) => r[k]).filter((x) => x !== null);
      out[scenario][side] = {
        runs: runs.length,
        originalFrames: { median: median(pick('originalFrames')), max: max(pick('originalFrames')) },
        hiddenPageFrames: { median: median(pick('hiddenFrames')), max: max(pick('hiddenFrames')) },
        fcpMs: { median: round(median(pick('fcp'))), max: round(max(pick('fcp'))) },
        changedMs: { median: round(median(pick('changedAt'))), max: round(max(pick('changedAt'))) },
        ...(errors.length ? { errors: [...new Set(errors)].slice(0, 5) } : {}),
      };
    }
  }
  return {
    runs: RUNS,
    cachedScenarioServerDelayMs: CACHED_DELAY,
    method:
      'originalFrames: rAF samples where the original h1 or CTA text is visible and the page is not hidden; hiddenPageFrames: samples with <html> at opacity 0 or hidden; fcpMs: first-contentful-paint; changedMs: when the new h1 text landed (from navigation start); fresh browser context per run',
    scenarios: out,
  };
}
