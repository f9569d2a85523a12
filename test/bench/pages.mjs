// The test page shared by the tag-cost and flicker benchmarks: an h1 and a CTA that both tools
// change the same way (Tailor: a manifest with `text` and `cta` actions; GrowthBook: a visual
// editor experiment whose variation carries the equivalent `domMutations`), and a probe in
// <head> that samples every animation frame (as test/browser/flicker.test.ts does).

export const OLD_H1 = 'Original headline';
export const NEW_H1 = 'Personalized headline';
export const OLD_CTA = 'Original call to action';
export const NEW_CTA = 'Start your free trial';

export const TAILOR_MANIFEST = {
  version: 1,
  site: 'bench',
  experiences: [
    {
      id: 'hero',
      trigger: { on: 'load' },
      variants: [
        {
          id: 'personalized',
          actions: [
            { type: 'text', selector: 'h1', value: NEW_H1 },
            { type: 'cta', selector: '#cta', text: NEW_CTA, href: '/trial' },
          ],
        },
      ],
    },
  ],
};

/** GrowthBook's payload (GET {apiHost}/api/features/{clientKey}, or growthbook_config.payload). */
export const GROWTHBOOK_PAYLOAD = {
  status: 200,
  features: {},
  experiments: [
    {
      key: 'hero',
      changeId: 'hero-change',
      // Two variations are required; weight 0 on the first makes everyone see the change,
      // like Tailor's single-variant experience.
      variations: [
        {},
        {
          domMutations: [
            { selector: 'h1', action: 'set', attribute: 'html', value: NEW_H1 },
            { selector: '#cta', action: 'set', attribute: 'html', value: NEW_CTA },
            { selector: '#cta', action: 'set', attribute: 'href', value: '/trial' },
          ],
        },
      ],
      weights: [0, 1],
      coverage: 1,
      hashAttribute: 'id',
      urlPatterns: [{ type: 'regex', include: true, pattern: '.*' }],
    },
  ],
};

/** Runs first in <head>: rAF sampling, the moment the change lands, first-contentful-paint. */
export const PROBE = `<script>
(function () {
  var w = window;
  w.samples = []; w.changedAt = null;
  function vis(el) { return el ? getComputedStyle(el).visibility : null; }
  function frame(ts) {
    var h1 = document.querySelector('h1'), cta = document.getElementById('cta');
    var hs = getComputedStyle(document.documentElement);
    w.samples.push({
      t: performance.now(),
      h1: h1 ? h1.textContent : null, cta: cta ? cta.textContent : null,
      h1v: vis(h1), ctav: vis(cta),
      htmlOpacity: hs.opacity, htmlVisibility: hs.visibility,
      bodyVisibility: document.body ? getComputedStyle(document.body).visibility : null
    });
    requestAnimationFrame(frame);
  }
  requestAnimationFrame(frame);
  new MutationObserver(function () {
    var h1 = document.querySelector('h1');
    if (h1 && w.changedAt === null && h1.textContent === ${JSON.stringify(NEW_H1)}) w.changedAt = performance.now();
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
</script>`;

export const BODY = `
<h1 data-tailor-slot>${OLD_H1}</h1>
<p id="plain">A paragraph neither tool touches.</p>
<p><a id="cta" href="/signup" data-tailor-slot>${OLD_CTA}</a></p>
${'<p>Filler content so the page has something to lay out.</p>'.repeat(20)}`;

/** What the probe recorded, summarised. */
export async function readProbe(page) {
  return page.evaluate(
    ([oldH1, oldCta, newH1]) => {
      const w = window;
      const samples = w.samples;
      const pageHidden = (s) =>
        s.htmlOpacity === '0' || s.htmlVisibility === 'hidden' || s.bodyVisibility === 'hidden';
      const original = (s) =>
        !pageHidden(s) &&
        ((s.h1 === oldH1 && s.h1v === 'visible') || (s.cta === oldCta && s.ctav === 'visible'));
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      const firstChanged = samples.find((s) => s.h1 === newH1);
      return {
        frames: samples.length,
        originalFrames: samples.filter(original).length,
        hiddenFrames: samples.filter(pageHidden).length,
        fcp: fcp ? fcp.startTime : null,
        changedAt: w.changedAt,
        firstChangedFrame: firstChanged ? firstChanged.t : null,
        tagAt: w.tagAt ?? null,
      };
    },
    [OLD_H1, OLD_CTA, NEW_H1],
  );
}

/** Waits until the change is in, `frames` more frames were sampled after it, and the page had its FCP. */
export async function settle(page, frames = 5, timeout = 8000) {
  await page.waitForFunction(
    (n) =>
      window.changedAt !== null &&
      window.samples.filter((s) => s.t > window.changedAt).length >= n &&
      performance.getEntriesByName('first-contentful-paint').length > 0,
    frames,
    { timeout },
  );
}
