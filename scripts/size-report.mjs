// Where a script tag's bytes go: builds the tag as rollup.config.mjs does (same plugins, same
// terser options, nothing written to dist/), maps every byte of the minified output back to its
// source module and prints each module's share of the gzip -9 total (minified bytes scaled to
// the total: tables compress better than code, so read it as a guide, not to the byte).
//   node scripts/size-report.mjs [lite|full|debug|<chunk>]     (default: lite)
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { decode } from '@jridgewell/sourcemap-codec';
import { rollup } from 'rollup';
import { minify } from 'terser';
import typescript from 'typescript';
import configs from '../rollup.config.mjs';

const which = process.argv[2] || 'lite';
// `site:<manifest file>`: the site tag `tailor build` makes for that manifest (after `npm run build`).
const site = which.startsWith('site:') ? which.slice(5) : null;
const file = site
  ? 'dist/site/tailor.site.js'
  : { full: 'dist/tailor.min.js', lite: 'dist/tailor.lite.min.js', debug: 'dist/tailor.debug.js' }[which] ||
    `dist/tailor.${which}.js`;
const config = configs.find((c) => c.output?.file === file);
if (!config) throw new Error(`unknown tag "${which}": use lite, full, debug, a chunk or site:<manifest>`);
/** The flags `tailor build` sets for the site tag of that manifest (dist/cli.js). */
async function siteDefs(manifestFile) {
  const { build } = await import('esbuild');
  const out = await build({
    stdin: {
      contents:
        "export { publishManifest } from './src/manifest/publish.ts'; export { siteFlags } from './src/server/site-tag.ts';",
      resolveDir: process.cwd(),
      loader: 'ts',
    },
    bundle: true,
    format: 'esm',
    platform: 'node',
    write: false,
  });
  const cli = await import(
    `data:text/javascript;base64,${Buffer.from(out.outputFiles[0].text).toString('base64')}`
  );
  const published = cli.publishManifest(JSON.parse(readFileSync(manifestFile, 'utf8'))).manifest;
  const { features, paths } = published.published;
  const defs = { __SITE_USES__: `\n${[...features, ...paths].join('\n')}\n` };
  for (const [k, v] of Object.entries(cli.siteFlags(published, published.published))) defs[`__${k}__`] = v;
  return defs;
}

// The build's own plugins, with TypeScript emitting source maps and without terser (run below).
const terserPlugin = config.plugins.find((p) => p.name === 'tailor-terser');
const plugins = config.plugins
  .filter((p) => p !== terserPlugin)
  .map((p) =>
    p.name === 'tailor-ts'
      ? {
          name: 'tailor-ts-mapped',
          transform(code, id) {
            if (!id.endsWith('.ts')) return null;
            const out = typescript.transpileModule(code, {
              fileName: id,
              compilerOptions: {
                target: typescript.ScriptTarget.ES2020,
                module: typescript.ModuleKind.ESNext,
                verbatimModuleSyntax: true,
                sourceMap: true,
              },
            });
            return {
              code: out.outputText.replace(/\/\/# sourceMappingURL=.*$/m, ''),
              map: out.sourceMapText,
            };
          },
        }
      : p,
  );
const bundle = await rollup({ input: config.input, treeshake: config.treeshake, plugins, onwarn() {} });
const { output } = await bundle.generate({ ...config.output, file: undefined, sourcemap: true });
const min = await minify(output[0].code, {
  ecma: 2020,
  compress: {
    passes: 3,
    pure_getters: true,
    unsafe_arrows: true,
    global_defs: site ? await siteDefs(site) : {},
  },
  mangle: { properties: { regex: /^_/ } },
  format: { comments: false },
  sourceMap: { content: output[0].map },
});

const total = gzipSync(min.code, { level: 9 }).length;
const map = typeof min.map === 'string' ? JSON.parse(min.map) : min.map;
const lines = min.code.split('\n');
const bytes = new Map();
decode(map.mappings).forEach((segments, line) => {
  segments.forEach((s, i) => {
    const end = segments[i + 1]?.[0] ?? lines[line].length;
    const source = s.length > 1 ? map.sources[s[1]].replace(/^.*?\/(src|node_modules)\//, '$1/') : '(glue)';
    bytes.set(source, (bytes.get(source) || 0) + end - s[0]);
  });
});
const mapped = [...bytes.values()].reduce((a, b) => a + b, 0);
console.log(`${file}: ${min.code.length} B minified, ${total} B gzip -9`);
console.log('  gzip    min  module');
for (const [source, n] of [...bytes].sort((a, b) => b[1] - a[1]))
  console.log(`${String(Math.round((n / mapped) * total)).padStart(6)} ${String(n).padStart(6)}  ${source}`);
