// What an app pays for one import from the npm package (docs/size.md#the-npm-package): a
// one-line app importing it from the built `dist/index.js` (as `tailorjs`), bundled and minified
// by esbuild (`--bundle --minify --splitting --format=esm`) and by rollup (node-resolve,
// commonjs, terser), gzip -9. Counted: what the app loads before it runs (its entry chunk and
// the chunks that imports); code behind a dynamic `import()` becomes chunks the app loads when
// used (listed apart). The `tailorjs` of the app is this repository, installed by a symlink, so
// its package.json (`exports`, `"sideEffects": false`) applies as for an installed package.
//
//   node scripts/import-size.mjs            prints the table (npm run build first)
//   importSize(name, { bundler })           the same from code (test/unit/scripts/import-size.test.ts)
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import { build } from 'esbuild';
import { rollup } from 'rollup';
import { minify } from 'terser';
import typescript from 'typescript';

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

export const gz = (code) => gzipSync(code, { level: 9 }).length;

/**
 * `{ guard: true }` measures as if the runtime checked a published manifest with the tags'
 * compact guard (src/manifest/guard.ts) instead of the full validator: `dist/manifest/validate.js`
 * is read as the guard. For the runtime's share of the validator, until the runtime loads it only
 * for manifests that are not published.
 */
const VALIDATE = path.join(root, 'dist/manifest/validate.js');
const guardCode = () =>
  typescript.transpileModule(readFileSync(path.join(root, 'src/manifest/guard.ts'), 'utf8'), {
    compilerOptions: { target: typescript.ScriptTarget.ES2020, module: typescript.ModuleKind.ESNext },
  }).outputText;

/** An app folder where `tailorjs` is this repository, installed (its package.json applies). */
export async function withApp(source, fn) {
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

async function viaEsbuild(source, guard) {
  return withApp(source, async (app, dir) => {
    const out = await build({
      entryPoints: [app],
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
      plugins: guard
        ? [
            {
              name: 'guard',
              setup: (b) =>
                b.onLoad({ filter: /validate\.js$/ }, (a) =>
                  a.path === VALIDATE ? { contents: guardCode() } : null,
                ),
            },
          ]
        : [],
    });
    const rel = (f) => path.relative(process.cwd(), f);
    const code = new Map(out.outputFiles.map((f) => [rel(f.path), f.text]));
    const meta = out.metafile.outputs;
    // Each `import()` target is an entry point too: the app's own is its app.js.
    const entry = Object.keys(meta).find((k) => meta[k].entryPoint?.endsWith('app.js'));
    const files = [...code].map(([name, text]) => ({ name, bytes: gz(text) }));
    return split(files, entry, (name) =>
      meta[name].imports.filter((i) => i.kind === 'import-statement').map((i) => i.path),
    );
  });
}

async function viaRollup(source, guard) {
  return withApp(source, async (app) => {
    const bundle = await rollup({
      input: app,
      onwarn: () => {},
      plugins: [
        guard && { name: 'guard', load: (id) => (id === VALIDATE ? guardCode() : null) },
        nodeResolve({ browser: true }),
        commonjs(),
      ],
    });
    const { output } = await bundle.generate({ format: 'es', compact: true });
    await bundle.close();
    const files = [];
    for (const chunk of output)
      if (chunk.type === 'chunk') {
        const min = await minify(chunk.code, { ecma: 2020, module: true, format: { comments: false } });
        files.push({ name: chunk.fileName, bytes: gz(min.code) });
      }
    const byName = new Map(output.map((c) => [c.fileName, c]));
    const entry = output.find((c) => c.type === 'chunk' && c.isEntry).fileName;
    return split(files, entry, (name) => byName.get(name).imports);
  });
}

/**
 * What the app loads before it runs (its entry file and the files that imports statically) and
 * what it loads only when the runtime asks for it (the rest: `import()`ed parts).
 */
function split(files, entry, staticImports) {
  const first = new Set();
  const visit = (name) => {
    if (first.has(name)) return;
    first.add(name);
    for (const i of staticImports(name)) visit(i);
  };
  visit(entry);
  const sum = (list) => list.reduce((n, f) => n + f.bytes, 0);
  return {
    entry: sum(files.filter((f) => first.has(f.name))),
    lazy: sum(files.filter((f) => !first.has(f.name))),
  };
}

/** `{ entry, lazy }`: gzip -9 bytes the app loads at once, and in chunks loaded when used. */
export function importSize(name, { bundler, guard = false }) {
  const source = APPS[name];
  if (!source) throw new Error(`no app for ${name}`);
  return bundler === 'esbuild' ? viaEsbuild(source, guard) : viaRollup(source, guard);
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  console.log('| import | esbuild | rollup + terser | lazy chunks (rollup) |\n| --- | --- | --- | --- |');
  for (const name of Object.keys(APPS)) {
    const [e, r] = [
      await importSize(name, { bundler: 'esbuild' }),
      await importSize(name, { bundler: 'rollup' }),
    ];
    console.log(`| \`{ ${name} }\` | ${e.entry} | ${r.entry} | ${r.lazy || ''} |`);
  }
  const [e, r] = [
    await importSize('createTailor', { bundler: 'esbuild', guard: true }),
    await importSize('createTailor', { bundler: 'rollup', guard: true }),
  ];
  console.log(`| \`{ createTailor }\`, the guard for the validator | ${e.entry} | ${r.entry} | ${r.lazy} |`);
}
