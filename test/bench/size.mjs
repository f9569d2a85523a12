// Size: gzip -9 and brotli (quality 11) bytes of Tailor's two script tags, its chunks and the
// site tags of four manifests against GrowthBook's
// script-tag build (dist/bundles/auto.min.js) and a rollup + node-resolve + terser bundle of
// `import { GrowthBook } from '@growthbook/growthbook'` (ESM, what an npm user ships).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { bundle, GB_AUTO, ROOT } from './lib.mjs';

export function measureBytes(buf) {
  return {
    raw: buf.length,
    gzip: gzipSync(buf, { level: 9 }).length,
    brotli: brotliCompressSync(buf, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: 11,
        [constants.BROTLI_PARAM_MODE]: constants.BROTLI_MODE_TEXT,
        [constants.BROTLI_PARAM_SIZE_HINT]: buf.length,
      },
    }).length,
  };
}

export async function run() {
  const core = await bundle('growthbook-core', "export { GrowthBook } from '@growthbook/growthbook';\n", {
    format: 'es',
    minify: true,
  });
  const files = {
    'tailor.min.js': path.join(ROOT, 'dist/tailor.min.js'),
    'tailor.lite.min.js': path.join(ROOT, 'dist/tailor.lite.min.js'),
    // Site tags (`tailor build`, written by `npm run build`): the core with one manifest's features.
    'site tag: one experience': path.join(ROOT, 'dist/site-tags/one-experience/tailor.js'),
    'site tag: A/B on device.type': path.join(ROOT, 'dist/site-tags/ab-device-type/tailor.js'),
    'site tag: the demo shop': path.join(ROOT, 'dist/site-tags/shop/tailor.js'),
    'site tag: every feature': path.join(ROOT, 'dist/site-tags/everything/tailor.js'),
    // The chunks beside the tags.
    ...Object.fromEntries(
      ['post', 'ua', 'device', 'tables', 'extras', 'remote', 'debug'].map((c) => [
        `tailor.${c}.js`,
        path.join(ROOT, `dist/tailor.${c}.js`),
      ]),
    ),
    'growthbook auto.min.js': GB_AUTO,
    'growthbook core bundle': core.file,
  };
  const out = {};
  for (const [name, file] of Object.entries(files)) out[name] = measureBytes(readFileSync(file));
  return {
    method:
      'zlib gzip level 9 and brotli quality 11 (text mode) of each file; "growthbook core bundle" is `export { GrowthBook } from "@growthbook/growthbook"` bundled by rollup + @rollup/plugin-node-resolve + @rollup/plugin-terser (ESM)',
    files: out,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(await run(), null, 2));
