// Prints the minified + gzip -9 size of each given source module on its own (imports left
// external), to see where the script tag's bytes go. `node scripts/size-report.mjs src/**/*.ts`
import { gzipSync } from 'node:zlib';
import replace from '@rollup/plugin-replace';
import typescript from '@rollup/plugin-typescript';
import { rollup } from 'rollup';
import { minify } from 'terser';

const rows = [];
for (const f of process.argv.slice(2)) {
  const b = await rollup({
    input: f,
    external: (_, importer) => !!importer,
    onwarn() {},
    plugins: [
      replace({ preventAssignment: true, values: { __DEV__: 'false' } }),
      typescript({
        tsconfig: './tsconfig.json',
        include: ['src/**/*.ts'],
        noEmit: false,
        declaration: false,
        outputToFilesystem: false,
      }),
    ],
  });
  const { output } = await b.generate({ format: 'es' });
  const r = await minify(output[0].code, {
    module: true,
    compress: { passes: 2 },
    mangle: { properties: { regex: /^_/ } },
  });
  rows.push([gzipSync(r.code, { level: 9 }).length, r.code.length, f]);
}
rows.sort((a, b) => b[0] - a[0]);
console.log('gzip\tmin\tfile');
for (const r of rows) console.log(r.join('\t'));
console.log(`${rows.reduce((a, r) => a + r[0], 0)}\t\tsum (each file gzipped alone)`);
