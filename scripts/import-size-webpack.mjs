// What one import from the npm package costs an app bundled by webpack 5 (mode: production:
// terser, `sideEffects`, used exports, module concatenation), as scripts/import-size.mjs
// measures it for esbuild and rollup: the same one-line apps, gzip -9, counting the chunks of
// the app's entry point; `import()`ed parts are webpack's async chunks (listed apart).
// webpack 5 is a devDependency; where it is missing the script says so and exits 0.
//
//   npm install --no-save webpack@5                     then
//   node scripts/import-size-webpack.mjs                prints the table (npm run build first)
//   WEBPACK_DIR=/some/dir node scripts/...             webpack installed in /some/dir/node_modules
//   importSizeWebpack(webpack, name)                    the same from code
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { APPS, gz, withApp } from './import-size.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** webpack, from the repository's node_modules or WEBPACK_DIR's; null when neither has it. */
export async function loadWebpack(dir = process.env.WEBPACK_DIR) {
  for (const from of [root, dir].filter(Boolean)) {
    try {
      const resolved = createRequire(path.join(path.resolve(from), 'package.json')).resolve('webpack');
      return (await import(pathToFileURL(resolved).href)).default;
    } catch {}
  }
  return null;
}

/** `{ entry, lazy }`: gzip -9 bytes the app loads at once, and in chunks loaded when used. */
export function importSizeWebpack(webpack, name) {
  const source = APPS[name];
  if (!source) throw new Error(`no app for ${name}`);
  return withApp(source, (app, dir) => bundle(webpack, app, dir));
}

/** Bundles `app` (in `dir`) with webpack, production mode: `{ entry, lazy }` as above. */
function bundle(webpack, app, dir) {
  const out = path.join(dir, 'out');
  // The app's node_modules/tailorjs is a symlink to this repository: webpack resolves it to its
  // real path (its package.json, `"sideEffects": false` included, applies) and the package's
  // import of ua-parser-js from the repository's node_modules.
  const compiler = webpack({
    mode: 'production',
    context: dir,
    entry: { app },
    target: ['web', 'es2020'],
    output: { path: out, filename: '[name].js', chunkFilename: '[id].js' },
    performance: { hints: false },
  });
  return new Promise((resolve, reject) =>
    compiler.run((err, stats) =>
      compiler.close(() => {
        if (err || stats.hasErrors()) return reject(err || new Error(stats.toString('errors-only')));
        const json = stats.toJson({ all: false, chunks: true, entrypoints: true, ids: true });
        // The entry point's chunks load at once; the others are `import()`ed.
        const initial = new Set(json.entrypoints.app.chunks);
        const sizes = { entry: 0, lazy: 0 };
        for (const c of json.chunks)
          for (const f of c.files.filter((f) => f.endsWith('.js')))
            sizes[initial.has(c.id) ? 'entry' : 'lazy'] += gz(readFileSync(path.join(out, f)));
        resolve(sizes);
      }),
    ),
  );
}

/**
 * Gzip -9 bytes of webpack's own runtime in an app's first chunk: an app with one `import()` of
 * a one-line module, which needs the same chunk loading as `createTailor`'s parts. An app that
 * splits its own code already carries it.
 */
export async function webpackRuntime(webpack) {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'tailor-webpack-'));
  try {
    writeFileSync(path.join(dir, 'app.js'), "import('./part.js').then((m) => console.log(m.x));\n");
    writeFileSync(path.join(dir, 'part.js'), 'export const x = 1;\n');
    return await bundle(webpack, path.join(dir, 'app.js'), dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] || '').href) {
  const webpack = await loadWebpack();
  if (!webpack) {
    console.log(
      'webpack is not installed: run "npm install --no-save webpack@5" (or set WEBPACK_DIR to a folder where it is), then this again.',
    );
  } else {
    console.log(`webpack ${webpack.version}, mode: production\n`);
    console.log('| import | webpack 5 | lazy chunks |\n| --- | --- | --- |');
    for (const name of Object.keys(APPS)) {
      const { entry, lazy } = await importSizeWebpack(webpack, name);
      console.log(`| \`{ ${name} }\` | ${entry} | ${lazy || ''} |`);
    }
    const runtime = await webpackRuntime(webpack);
    console.log(`\nwebpack's own runtime for \`import()\` (in any app that splits code): ${runtime.entry}`);
  }
}
