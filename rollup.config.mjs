// Builds every file the package ships (docs/size.md):
//   dist/tailor.min.js       IIFE script tag, full device signal (ua-parser-js 1.x)
//   dist/tailor.lite.min.js  IIFE script tag, src/signals/device.ts swapped for device-lite.ts
//   dist/tailor.debug.js     IIFE debug view, injected by either tag only with ?tailor_debug=1
//   dist/index.js (+ .d.ts)  ESM for bundlers, dependencies external, no side effects on import
//   dist/debug.js (+ .d.ts)  `tailorjs/debug`: the debug view for npm users
//   dist/manifest.schema.json  generated from src/manifest/types.ts
//   dist/cli.js              the `tailor` command (Node ≥ 20)
// and examples/spa/dist/app.min.js, the SPA example (gitignored), which imports the source as an app imports tailorjs.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import commonjs from '@rollup/plugin-commonjs';
import { nodeResolve } from '@rollup/plugin-node-resolve';
import replace from '@rollup/plugin-replace';
import { minify_sync } from 'terser';
import typescript from 'typescript';
import { buildSchema } from './scripts/schema.mjs';

const root = path.dirname(fileURLToPath(import.meta.url));
const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8'));
const src = (p) => path.join(root, 'src', p);

// The one build-time dev flag: false in every published file (GrowthBook forgot this in its ESM build).
const devFlag = () => replace({ preventAssignment: true, values: { __DEV__: 'false' } });

// TypeScript is type-checked once by `npm run typecheck`; the bundles only need it transpiled,
// module by module (isolatedModules + verbatimModuleSyntax make that exact), which keeps the
// four builds from type-checking the whole program four times.
const ts = () => ({
  name: 'tailor-ts',
  transform(code, id) {
    if (!id.endsWith('.ts')) return null;
    const out = typescript.transpileModule(code, {
      fileName: id,
      compilerOptions: {
        target: typescript.ScriptTarget.ES2020,
        module: typescript.ModuleKind.ESNext,
        verbatimModuleSyntax: true,
        sourceMap: false,
      },
    });
    return { code: out.outputText, map: null };
  },
});
const resolveTs = () => nodeResolve({ extensions: ['.ts', '.mjs', '.js', '.json'], preferBuiltins: true });

/** Swaps one source module for another in a build (resolved ids, so every importer is covered). */
const swap = (from, to) => ({
  name: `tailor-swap-${path.basename(from)}`,
  async resolveId(source, importer, options) {
    if (!importer || path.basename(source) !== path.basename(from, '.ts')) return null;
    const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
    return resolved && resolved.id === src(from) ? src(to) : null;
  },
});

/** Architecture rule: server code never reaches the browser bundles. */
const browserOnly = () => ({
  name: 'tailor-browser-only',
  moduleParsed(info) {
    if (info.id.startsWith(src('server'))) this.error(`server code reached a browser bundle: ${info.id}`);
  },
});

// Every browser file of one build shares one terser name cache: `_`-prefixed properties are
// private and renamed, and a core and its chunks (built one after the other) must rename them
// alike. Public names, DOM names and JSON fields never start with `_`.
const nameCache = {};
/**
 * The tags' first line: V8's explicit compile hint (Chromium 136+), which has every function of
 * the file compiled at once, off the main thread while the file streams in, instead of each on
 * the main thread at its first call. Nearly all of a core runs on a first view, and so does the
 * debug view once loaded; the chunks are left lazy. Other engines read a comment. (`tailor build`
 * puts the same line on site tags: src/server/site-tag.ts; test/unit/server/site-tag.test.ts.)
 */
const COMPILE_HINT = '//# allFunctionsCalledOnLoad';
const tagTerser = (preamble) => ({
  name: 'tailor-terser',
  renderChunk(code) {
    const out = minify_sync(code, {
      ecma: 2020,
      compress: { passes: 3, pure_getters: true, unsafe_arrows: true },
      mangle: { properties: { regex: /^_/ } },
      format: { comments: false, preamble },
      nameCache,
    });
    return { code: out.code, map: null };
  },
});

/** The chunks of the script tags (src/chunk.ts loads them). */
const CHUNKS = {
  post: 'post.ts',
  check: 'check.ts',
  tables: 'signals/tables.ts',
  remote: 'signals/remote.ts',
  extras: 'extras.ts',
  ua: 'ua-chunk.ts',
  device: 'device-chunk.ts',
};

/** A chunk's entry: its module's exports handed to the core that asked for it (src/chunk.ts). */
const chunkEntry = (name, file) => ({
  name: 'tailor-chunk-entry',
  resolveId: (id) => (id === `tailor-chunk:${name}` ? `\0${id}` : null),
  load: (id) =>
    id === `\0tailor-chunk:${name}`
      ? `import * as m from ${JSON.stringify(src(file))};\nwindow.tailorChunk(${JSON.stringify(name)}, m);`
      : null,
});

const browserPlugins = (preamble) => [
  browserOnly(),
  devFlag(),
  nodeResolve({ browser: true, extensions: ['.ts', '.mjs', '.js', '.json'] }),
  commonjs(),
  ts(),
  tagTerser(preamble),
];

const chunk = (name, file) => ({
  input: `tailor-chunk:${name}`,
  output: { file: `dist/tailor.${name}.js`, format: 'iife', strict: true, sourcemap: false },
  treeshake: { moduleSideEffects: (id) => id.startsWith('\0tailor-chunk:') },
  plugins: [chunkEntry(name, file), ...browserPlugins()],
});

const tag = (file, lite, input = 'src/tag.ts', site = false) => ({
  input,
  output: { file, format: 'iife', strict: true, sourcemap: false },
  treeshake: { moduleSideEffects: (id) => id === src(input.slice(4)) },
  plugins: [
    // The prebuilt site-tag core: feature flags stay names for `tailor build` to set.
    // The prebuilt site-tag core: feature flags stay names for `tailor build` to set, and a
    // manifest is checked against the features the tag was built with (manifest/site-check.ts).
    ...(site
      ? [swap('features.ts', 'features-site.ts'), swap('manifest/guard.ts', 'manifest/site-check.ts')]
      : []),
    // Both tags: the device class in the core (device-core.ts); the OS, browser, vendor and
    // model from a chunk when a manifest reads them (src/ua-tag.ts): ua-parser-js (`ua`) for
    // the full tag, the small classifier of device-lite.ts (`device`) for the lite one.
    swap('signals/device.ts', 'signals/device-core.ts'),
    swap('ua.ts', 'ua-tag.ts'),
    replace({
      preventAssignment: true,
      values: { __DEVICE_CHUNK__: JSON.stringify(lite ? 'device' : 'ua') },
    }),
    // Both tags: the compact manifest guard instead of the full validator (see guard.ts).
    swap('manifest/validate.ts', site ? 'manifest/site-check.ts' : 'manifest/guard.ts'),
    // Both tags: what a first paint does not need comes as chunks (src/parts-tag.ts).
    swap('parts.ts', 'parts-tag.ts'),
    ...(site ? browserPlugins().slice(0, -1).concat(siteNames()) : browserPlugins(COMPILE_HINT)),
  ],
});

/** The parts src/parts.ts and src/ua.ts `import()` in the npm build, built apart (below). */
const NPM_PARTS = {
  post: 'post.ts',
  check: 'check.ts',
  tables: 'signals/tables.ts',
  remote: 'signals/remote.ts',
  extras: 'extras.ts',
  ua: 'ua-chunk.ts',
};

// The npm files rename `_`-prefixed (private) properties as the tags do, with a name cache of
// their own shared by the npm entry and its parts, and nothing else: the code stays readable,
// an app's bundler minifies it.
const npmNames = {};
const npmMangle = () => ({
  name: 'tailor-npm-mangle',
  renderChunk(code) {
    const out = minify_sync(code, {
      module: true,
      compress: false,
      mangle: { toplevel: false, keep_fnames: true, properties: { regex: /^_/ } },
      format: { beautify: true, comments: 'all' },
      nameCache: npmNames,
    });
    return { code: out.code, map: null };
  },
});

/** The npm build's `import()` of a part names its self-contained file, dist/parts/<name>.js. */
const npmParts = () => ({
  name: 'tailor-npm-parts',
  async resolveId(source, importer, options) {
    if (
      !options.isEntry &&
      importer &&
      /^\.\/(post|check|signals\/tables|signals\/remote|extras|ua-chunk)$/.test(source)
    ) {
      const resolved = await this.resolve(source, importer, { ...options, skipSelf: true });
      const name = Object.keys(NPM_PARTS).find((n) => resolved && resolved.id === src(NPM_PARTS[n]));
      if (name && (importer === src('parts.ts') || importer === src('ua.ts')))
        return { id: `./parts/${name}.js`, external: true };
    }
    return null;
  },
});

/**
 * The site-tag core is left unminified: `tailor build` minifies it with the flags of one
 * manifest (src/server/site-tag.ts) and with the property names every chunk was built with,
 * written here as dist/site/names.json (this build runs after the chunks and the tags).
 */
const siteNames = () => ({
  name: 'tailor-site-names',
  generateBundle() {
    this.emitFile({
      type: 'asset',
      fileName: 'names.json',
      source: JSON.stringify({ props: nameCache.props }),
    });
  },
});

export default [
  ...Object.entries(CHUNKS).map(([name, file]) => chunk(name, file)),
  tag('dist/tailor.min.js', false),
  tag('dist/tailor.lite.min.js', true),
  // The debug view: its own file so that neither tag carries it (src/debug/view.ts).
  tag('dist/tailor.debug.js', true, 'src/debug/entry.ts'),
  // The core `tailor build` makes site tags from (docs/site-tags.md).
  tag('dist/site/tailor.site.js', false, 'src/tag.ts', true),
  // The npm build's parts, each one self-contained file (dist/parts/<name>.js), as the tags'
  // chunks are: an app's bundler makes each a chunk of its own and the app's first chunk shares
  // no module with them (esbuild would split every shared module into a file of its own).
  ...Object.entries(NPM_PARTS).map(([name, file]) => ({
    input: src(file),
    output: { file: `dist/parts/${name}.js`, format: 'es', sourcemap: false },
    // ua-parser-js (CommonJS) comes inside the `ua` part as ESM: an app's bundler then needs no
    // CommonJS helpers, which esbuild would load with the app's first chunk.
    plugins: [
      browserOnly(),
      devFlag(),
      nodeResolve({ browser: true, extensions: ['.ts', '.mjs', '.js', '.json'] }),
      commonjs(),
      ts(),
      npmMangle(),
    ],
  })),
  {
    // `tailorjs` and `tailorjs/debug`, one file per source module (dist/index.js,
    // dist/runtime.js, dist/rules/condition.js, ... beside their .d.ts): an app's bundler keeps
    // only the modules it reaches from what it imports, and splits what the runtime `import()`s
    // into chunks of the app (docs/size.md#the-npm-package). No module has a top-level side effect.
    input: { index: 'src/index.ts', debug: 'src/debug.ts' },
    output: {
      dir: 'dist',
      format: 'es',
      preserveModules: true,
      preserveModulesRoot: 'src',
      entryFileNames: '[name].js',
      sourcemap: false,
    },
    external: ['ua-parser-js'],
    plugins: [
      browserOnly(),
      devFlag(),
      npmParts(),
      resolveTs(),
      ts(),
      npmMangle(),
      {
        name: 'tailor-schema',
        generateBundle() {
          this.emitFile({
            type: 'asset',
            fileName: 'manifest.schema.json',
            source: `${JSON.stringify(buildSchema(), null, 2)}\n`,
          });
        },
      },
    ],
  },
  {
    // The SPA example, bundled as an app bundles tailorjs: its import of the source entry is
    // read from the npm files just built (dist/index.js), and what the runtime `import()`s when
    // used (post-paint part, tables, extras, remote data, device details) becomes chunks beside
    // examples/spa/dist/app.min.js. Minified as an app's build does (terser, defaults).
    input: 'examples/spa/app.ts',
    output: {
      dir: 'examples/spa/dist',
      format: 'es',
      entryFileNames: 'app.min.js',
      chunkFileNames: '[name].min.js',
      sourcemap: false,
    },
    plugins: [
      browserOnly(),
      {
        name: 'tailor-as-package',
        resolveId: (source, importer) =>
          importer === path.join(root, 'examples/spa/app.ts') && source === '../../src/index'
            ? path.join(root, 'dist/index.js')
            : null,
      },
      nodeResolve({ browser: true, extensions: ['.ts', '.mjs', '.js', '.json'] }),
      ts(),
      // The published manifest, imported as an app imports JSON.
      {
        name: 'tailor-json',
        transform: (code, id) => (id.endsWith('.json') ? `export default ${code};` : null),
      },
      {
        name: 'tailor-app-terser',
        renderChunk: (code) => ({ code: minify_sync(code, { module: true, ecma: 2020 }).code, map: null }),
      },
    ],
  },
  {
    input: 'src/server/bin.ts',
    output: { file: 'dist/cli.js', format: 'es', banner: '#!/usr/bin/env node', sourcemap: false },
    external: (id) => id.startsWith('node:') || id === 'better-sqlite3' || id === 'terser',
    plugins: [
      devFlag(),
      replace({ preventAssignment: true, values: { __VERSION__: JSON.stringify(pkg.version) } }),
      resolveTs(),
      commonjs(),
      ts(),
    ],
  },
];
