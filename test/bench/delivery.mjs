// Delivery: events lost over 200 navigations. A two-page ping-pong in Chromium: each page loads
// the Tailor tag, `tailor.track()`s a goal whose name carries this run's marker and immediately
// clicks a link to the other page; a collector on the same server counts the distinct event ids
// carrying the marker. GrowthBook has no built-in event transport (its tracking callback hands
// exposures to the host's analytics), so it has no figure here.
import { randomUUID } from 'node:crypto';
import { readBody } from './lib.mjs';

export const NAVIGATIONS = 200;
const SETTLE_MS = 10000; // after the last page: time allowed for the queue to drain (retries included)

const page = (self, other, marker) => `<!doctype html><html><head><title>${self}</title>
<script type="application/json" id="tailor-manifest">{"version":1,"site":"bench-delivery","experiences":[]}</script>
<script src="/dist/tailor.min.js" data-endpoint="/delivery-collect"></script></head>
<body><a id="next" href="#">next</a>
<script>
  var n = Number(new URLSearchParams(location.search).get('n') || 1);
  window.tailor.push(['track', ${JSON.stringify(marker)}]);
  if (n < ${NAVIGATIONS}) {
    var a = document.getElementById('next');
    a.href = '/delivery/${other}.html?n=' + (n + 1);
    a.click();
  } else window.done = true;
</script></body></html>`;

export async function run({ browser, server }) {
  const marker = `bench-delivery-${randomUUID().slice(0, 8)}`;
  const ids = new Set();
  let received = 0;
  let batches = 0;
  server.route('/delivery-collect', async (req, res) => {
    const body = await readBody(req);
    batches++;
    try {
      for (const e of JSON.parse(body).events || [])
        if (e.goal === marker) {
          received++;
          ids.add(e.id);
        }
    } catch {}
    res.writeHead(204).end();
  });
  server.page('/delivery/a.html', page('a', 'b', marker));
  server.page('/delivery/b.html', page('b', 'a', marker));
  const context = await browser.newContext();
  const tab = await context.newPage();
  const started = Date.now();
  // The first page navigates away while it is still loading (so do the next 199): wait for the
  // navigation to commit, not for a load event that may never come on a busy machine.
  await tab.goto(`${server.url}/delivery/a.html?n=1`, { waitUntil: 'commit' });
  await tab.waitForFunction('window.done === true', undefined, { timeout: 180000, polling: 100 });
  const navigationSeconds = (Date.now() - started) / 1000;
  const until = Date.now() + SETTLE_MS;
  while (ids.size < NAVIGATIONS && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
  await context.close();
  return {
    navigations: NAVIGATIONS,
    tracked: NAVIGATIONS,
    distinctReceived: ids.size,
    lost: NAVIGATIONS - ids.size,
    duplicates: received - ids.size,
    batches,
    navigationSeconds: Number(navigationSeconds.toFixed(1)),
    settleMs: SETTLE_MS,
    growthbook:
      'n/a (no built-in transport): GrowthBook hands exposures to a trackingCallback / third-party analytics (gtag, GTM, Segment); delivery is that tool’s, not GrowthBook’s',
  };
}
