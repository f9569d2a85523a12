// Renders the benchmark table of docs/benchmarks.md from bench/results.json, so the two cannot drift.
// `node test/bench/readme-table.mjs` rewrites the section of docs/benchmarks.md between the markers below;
// `npm run bench` does the same after each run; test/unit/docs/benchmarks.test.ts checks it.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const START = '<!-- bench:start -->';
export const END = '<!-- bench:end -->';
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RESULTS = path.join(root, 'bench/results.json');
export const DOC = path.join(root, 'docs/benchmarks.md');

const n = (x, d = 0) =>
  typeof x === 'number'
    ? x.toLocaleString('en-US', { minimumFractionDigits: d, maximumFractionDigits: d })
    : String(x);
const ratio = (t, g) =>
  typeof t === 'number' && typeof g === 'number' && g !== 0 ? (t / g).toFixed(2) : '–';
const mm = (s, d = 0) => `${n(s.median, d)} / ${n(s.max, d)}`;

/** The rows: [figure, Tailor, GrowthBook, Tailor/GrowthBook]. */
export function rows(r) {
  const out = [];
  const f = r.size.files;
  for (const [tag, gb, gbName] of [
    ['tailor.min.js', 'growthbook auto.min.js', 'auto.min.js'],
    ['tailor.lite.min.js', 'growthbook auto.min.js', 'auto.min.js'],
    ['tailor.min.js', 'growthbook core bundle', 'core bundle'],
    ['tailor.lite.min.js', 'growthbook core bundle', 'core bundle'],
  ])
    for (const c of ['gzip', 'brotli'])
      out.push([
        `Size, ${c === 'gzip' ? 'gzip -9' : 'brotli'} (bytes): \`${tag}\` vs ${gbName}`,
        n(f[tag][c]),
        n(f[gb][c]),
        ratio(f[tag][c], f[gb][c]),
      ]);
  const d = r.decide.chromium;
  for (const size of Object.keys(d.tailor))
    out.push([
      `Decision, ${n(Number(size))} experiences (µs per page view, median)`,
      n(d.tailor[size].firstPageView),
      n(d.growthbook[size].firstPageView),
      ratio(d.tailor[size].firstPageView, d.growthbook[size].firstPageView),
    ]);
  // Results from before the split into same work / full page view have no sameWork figure.
  for (const size of Object.keys(d.tailor))
    if (typeof d.tailor[size].sameWork === 'number')
      out.push([
        `Same work (conditions + assignment, ready context), ${n(Number(size))} experiences (µs, median)`,
        n(d.tailor[size].sameWork),
        n(d.growthbook[size].sameWork),
        ratio(d.tailor[size].sameWork, d.growthbook[size].sameWork),
      ]);
  for (const size of Object.keys(d.tailor))
    if (typeof d.tailor[size].sameWorkMatching === 'number')
      out.push([
        `Same work, a visitor many audiences take in, ${n(Number(size))} experiences (µs, median)`,
        n(d.tailor[size].sameWorkMatching),
        n(d.growthbook[size].sameWorkMatching),
        ratio(d.tailor[size].sameWorkMatching, d.growthbook[size].sameWorkMatching),
      ]);
  for (const size of Object.keys(d.tailor))
    if (typeof d.tailor[size].toDomChange === 'number')
      out.push([
        `Decision up to Tailor's first DOM change (the write phase follows a task later), ${n(Number(size))} experiences (µs, median)`,
        n(d.tailor[size].toDomChange),
        n(d.growthbook[size].toDomChange),
        ratio(d.tailor[size].toDomChange, d.growthbook[size].toDomChange),
      ]);
  for (const size of Object.keys(d.tailor))
    out.push([
      `Re-decision, ${n(Number(size))} experiences (µs, median)`,
      n(d.tailor[size].reDecide),
      n(d.growthbook[size].reDecide),
      ratio(d.tailor[size].reDecide, d.growthbook[size].reDecide),
    ]);
  const t = r.tagCost;
  for (const [view, label] of [
    ['firstView', 'first view'],
    ['repeatView', 'repeat view'],
  ])
    for (const [k, what] of [
      ['toDomMs', 'change in DOM'],
      ['toFrameMs', 'first frame showing it'],
    ])
      out.push([
        `Tag cost, ${label}: tag start → ${what} (ms, median / max)`,
        mm(t.tailor[view][k], 1),
        mm(t.growthbook[view][k], 1),
        ratio(t.tailor[view][k].median, t.growthbook[view][k].median),
      ]);
  // The demo shop's site tag (`tailor build`), first view.
  if (t['tailor-site'])
    out.push([
      "Tag cost, first view, the shop's site tag: tag start → change in DOM (ms, median / max)",
      mm(t['tailor-site'].firstView.toDomMs, 1),
      mm(t.growthbook.firstView.toDomMs, 1),
      ratio(t['tailor-site'].firstView.toDomMs.median, t.growthbook.firstView.toDomMs.median),
    ]);
  // The tags loaded from their address (V8 compiles while they stream in): main-thread time.
  const x = t.externalFirstView;
  if (x)
    for (const [side, label] of [
      ['tailor', ''],
      ['tailor-no-hint', ', Tailor without its compile hint'],
    ])
      for (const [k, what] of [
        ['scriptMs', 'script'],
        ['threadMs', 'CPU'],
      ])
        out.push([
          `First view, tag from its address${label}: main-thread ${what} time over the page load (ms, median / max)`,
          mm(x[side][k], 1),
          mm(x.growthbook[k], 1),
          ratio(x[side][k].median, x.growthbook[k].median),
        ]);
  for (const [scenario, s] of Object.entries(r.flicker.scenarios)) {
    for (const gb of ['growthbook', 'growthbook-anti-flicker']) {
      const vs = gb === 'growthbook' ? 'GrowthBook' : 'GrowthBook + `data-anti-flicker`';
      out.push([
        `Flicker, ${scenario}: frames showing the original vs ${vs} (median / max)`,
        mm(s.tailor.originalFrames),
        mm(s[gb].originalFrames),
        ratio(s.tailor.originalFrames.median, s[gb].originalFrames.median),
      ]);
      out.push([
        `FCP, ${scenario}, vs ${vs} (ms, median / max)`,
        mm(s.tailor.fcpMs),
        mm(s[gb].fcpMs),
        ratio(s.tailor.fcpMs.median, s[gb].fcpMs.median),
      ]);
    }
  }
  const dl = r.delivery;
  out.push([
    `Delivery: events lost over ${dl.navigations} navigations`,
    `${dl.lost} of ${dl.tracked}`,
    'n/a (no built-in transport)',
    '–',
  ]);
  const c = r.collector;
  out.push(['Collector: events/s', n(c.eventsPerSecond), 'n/a (no collector)', '–']);
  out.push(['Collector: p99 latency per 20-event batch (ms)', n(c.latencyMs.p99), 'n/a (no collector)', '–']);
  return out;
}

/** The Markdown between the markers (markers excluded). */
export function render(r) {
  const m = r.machine;
  const lines = [
    '',
    `Measured ${r.date} on ${m.cpu} × ${m.cores} cores, ${m.os}, Node ${m.node}, Chromium ${m.chromium}; ` +
      `\`npm run bench\` took ${n(r.durationSeconds)} s. Tailor ${r.versions.tailor}, GrowthBook ${r.versions.growthbook}.`,
    `Decision times come from a cross-origin-isolated page (timer resolution measured: ${r.decide.timerResolutionUs} µs).`,
    `Flicker: ${r.flicker.runs} runs per scenario; tag cost: ${r.tagCost.runs} runs per view. Ratios below 1 favour Tailor.`,
    '',
    '| Figure | Tailor | GrowthBook | Tailor/GrowthBook |',
    '| --- | --- | --- | --- |',
    ...rows(r).map((row) => `| ${row.join(' | ')} |`),
    '',
  ];
  return lines.join('\n');
}

/** The docs/benchmarks.md section between the markers, or null when the markers are missing. */
export function readSection(doc) {
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return null;
  return doc.slice(a + START.length, b);
}

/** Rewrites the docs/benchmarks.md section from results.json; returns false when the markers are missing. */
export function updateDoc(results = JSON.parse(readFileSync(RESULTS, 'utf8')), file = DOC) {
  const doc = readFileSync(file, 'utf8');
  const a = doc.indexOf(START);
  const b = doc.indexOf(END);
  if (a < 0 || b < a) return false;
  writeFileSync(file, doc.slice(0, a + START.length) + render(results) + doc.slice(b));
  return true;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  if (!existsSync(RESULTS)) {
    console.error('bench/results.json is missing: run `npm run bench` first.');
    process.exitCode = 1;
  } else if (!updateDoc()) {
    console.error(`docs/benchmarks.md has no ${START} … ${END} section.`);
    process.exitCode = 1;
  } else console.log('docs/benchmarks.md benchmark table updated from bench/results.json');
}
