// Benchmark: median microseconds to decide one page view (validate + compile the manifest,
// collect signals, segments, scores, assignment) for 10, 100 and 1,000 experiences, in Node
// (the built dist/index.js) and in Chromium (the same code bundled as an IIFE by rollup).
// Prints figures; asserts nothing about time (performance targets live here, not in npm test).
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { generateManifest } from '../fixtures/generate-manifest.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const SIZES = [10, 100, 1000];

/** The measured body, run both in Node and (stringified) in the page. */
async function measure(api, manifests, rounds) {
  const median = (xs) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const out = {};
  for (const [n, manifest] of Object.entries(manifests)) {
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
    out[n] = {
      setup: median(setup) * 1000,
      firstPageView: median(first) * 1000,
      reDecide: median(again) * 1000,
    };
  }
  return out;
}

function table(title, results) {
  console.log(`\n${title}`);
  console.log('experiences   of which validate+compile   first page view   re-decide   (µs, median)');
  for (const n of SIZES) {
    const r = results[n];
    console.log(
      `${String(n).padStart(11)}   ${r.setup.toFixed(0).padStart(23)}   ${r.firstPageView.toFixed(0).padStart(15)}   ${r.reDecide.toFixed(0).padStart(9)}`,
    );
  }
}

const manifests = Object.fromEntries(SIZES.map((n) => [n, generateManifest(n)]));
const rounds = (n) => (n >= 1000 ? 30 : 100);

// Node
const api = await import(path.join(root, 'dist/index.js'));
await measure(api, { 10: manifests[10] }, 20); // warm-up
const node = {};
for (const n of SIZES) Object.assign(node, await measure(api, { [n]: manifests[n] }, rounds(n)));
table('Node (dist/index.js)', node);

// Chromium
const { rollup } = await import('rollup');
const { nodeResolve } = await import('@rollup/plugin-node-resolve');
const commonjs = (await import('@rollup/plugin-commonjs')).default;
const typescript = (await import('@rollup/plugin-typescript')).default;
const replace = (await import('@rollup/plugin-replace')).default;
const bundle = await rollup({
  input: path.join(root, 'src/index.ts'),
  plugins: [
    replace({ preventAssignment: true, values: { __DEV__: 'false' } }),
    nodeResolve({ browser: true }),
    commonjs(),
    typescript({
      tsconfig: path.join(root, 'tsconfig.json'),
      noEmit: false,
      declaration: false,
      include: ['src/**/*.ts'],
    }),
  ],
  onwarn: () => {},
});
const { output } = await bundle.generate({ format: 'iife', name: 'TailorBench' });
const outDir = path.join(root, 'test/bench/.build');
mkdirSync(outDir, { recursive: true });
writeFileSync(path.join(outDir, 'tailor-bench.js'), output[0].code);

// Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
const server = createServer((req, res) => {
  res.setHeader('cross-origin-opener-policy', 'same-origin');
  res.setHeader('cross-origin-embedder-policy', 'require-corp');
  if (req.url === '/bench.js') {
    res.setHeader('content-type', 'text/javascript');
    res.end(output[0].code);
  } else {
    res.setHeader('content-type', 'text/html');
    res.end('<!doctype html><title>bench</title><h1>bench</h1><script src="/bench.js"></script>');
  }
});
await new Promise((r) => server.listen(0, '127.0.0.1', r));
const { chromium } = await import('playwright-core');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM_PATH || '/usr/bin/chromium',
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
try {
  const page = await browser.newPage();
  await page.goto(`http://127.0.0.1:${server.address().port}/`);
  if (!(await page.evaluate('crossOriginIsolated')))
    console.warn('page not cross-origin isolated: timer resolution 100 µs');
  const chrome = {};
  for (const n of SIZES) {
    const fn = `(${measure.toString()})(TailorBench, { ${n}: ${JSON.stringify(manifests[n])} }, ${rounds(n)})`;
    if (n === SIZES[0]) await page.evaluate(fn); // warm-up
    Object.assign(chrome, await page.evaluate(fn));
  }
  table(`Chromium ${browser.version()} (src/index.ts as IIFE)`, chrome);
} finally {
  await browser.close();
  server.close();
}
