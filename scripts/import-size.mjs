// What an app pays for one import from the npm package (docs/size.md#the-npm-package): a
// one-line app importing it from the built `dist/index.js` (as `tailorjs`), bundled and minified
// by esbuild and by rollup (node-resolve, commonjs, terser), gzip -9. Only the entry chunk is
// counted: what the app loads before it runs; code behind a dynamic `import()` becomes chunks
// the app loads when used (listed apart).
//
//   node scripts/import-size.mjs            prints the table (npm run build first)
//   importSize(name, { bundler })           the same from code (test/unit/scripts/import-size.test.ts)
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { minify } from 'terser';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The imports measured, each an app's source. `manifest` apps start a published manifest. */
export const APPS = {
  bucket: "import { bucket } from 'tailorjs';\nconsole.log(bucket('a', 'b'));\n",
  matches: "import { matches } from 'tailorjs';\nconsole.log(matches({}, {}));\n",
  validateManifest: "import { validateManifest } from 'tailorjs';\nconsole.log(validateManifest({}));\n",
  // A manifest as `tailor build` publishes it: stamped with what it reads (no device details).
  createTailor: [
    "import { createTailor } from 'tailorjs';",
    'createTailor({ manifest: { version: 1, site: "s", published: { v: 1, paths: ["page.path"], features: [] },',
    '  experiences: [{ id: "e", variants: [{ id: "a", actions: [{ type: "text", selector: "h1", value: "Hi" }] }] }] } }).start();',
    '',
  ].join('\n'),
};

const gz = (code) => gzipSync(code, { level: 9 }).length;

/** An app folder where `tailorjs` is this repository, installed (its package.json applies). */
async function withApp(source, fn) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-import-'));
  try {
    mkdirSync(path.join(dir, 'node_modules'));
    symlinkSync(root, path.join(dir, 'node_modules/tailorjs'), 'dir');
    const entry = path.join(dir, 'app.js');
    writeFileSync(entry, source);
    return await fn(entry, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function viaEsbuild(source) {
  return withApp(source, async (entry, dir) => {
    const out = await build({
      entryPoints: [entry],
      bundle: true,
      minify: true,
      format: 'esm',
      splitting: true,
      outdir: path.join(dir, 'out'),
      write: false,
      platform: 'browser',
      target: 'es2020',
      logLevel: 'silent',
      metafile: true,
    });
    const files = out.outputFiles.map((f) => ({
      name: path.basename(f.path),
      entry: !!out.metafile.outputs[path.relative(process.cwd(), f.path)]?.entryPoint,
      bytes: gz(f.text),
    }));
    return split(files);
  });
}

async function viaRollup(source) {
  return withApp(source, async (entry) => {
    const bundle = await rollup({
      input: entry,
      onwarn: () => {},
      plugins: [nodeResolve({ browser: true }), commonjs()],
    });
    const { output } = await bundle.generate({ format: 'es', compact: true });
    await bundle.close();
    const files = [];
    for (const chunk of output)
      if (chunk.type === 'chunk') {
        const min = await minify(chunk.code, { ecma: 2020, module: true, format: { comments: false } });
        files.push({ name: chunk.fileName, entry: chunk.isEntry, bytes: gz(min.code) });
      }
    return split(files);
  });
}

const split = (files) => ({
  entry: files.filter((f) => f.entry).reduce((n, f) => n + f.bytes, 0),
  chunks: files.filter((f) => !f.entry).map((f) => f.bytes),
});

/** `{ entry, chunks }`: gzip -9 bytes of the app's entry file and of each lazy chunk. */
export function importSize(name, { bundler }) {
  const source = APPS[name];
  if (!source) throw new Error(`no app for ${name}`);
  return bundler === 'esbuild' ? viaEsbuild(source) : viaRollup(source);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  console.log('| import | esbuild | rollup + terser | lazy chunks (esbuild) |\n| --- | --- | --- | --- |');
  for (const name of Object.keys(APPS)) {
    const [e, r] = [
      await importSize(name, { bundler: 'esbuild' }),
      await importSize(name, { bundler: 'rollup' }),
    ];
    const lazy = e.chunks.length ? `${e.chunks.length}: ${e.chunks.reduce((a, b) => a + b, 0)} B` : '';
    console.log(`| \`{ ${name} }\` | ${e.entry} | ${r.entry} | ${lazy} |`);
  }
}
