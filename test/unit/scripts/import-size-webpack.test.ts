// The one-line apps of import-size.test.ts bundled by webpack 5 in production mode
// (scripts/import-size-webpack.mjs), from the built dist/. webpack 5 is a devDependency; an
// install without it (`npm install --omit=dev`) skips these, saying so. The budgets are the
// same as for esbuild and rollup: ceilings, not goals.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importSizeWebpack, loadWebpack, webpackRuntime } from '../../../scripts/import-size-webpack.mjs';
import { budget } from '../../budget';

const webpack = await loadWebpack();
const LIMITS = { bucket: 450, matches: 1600 } as const;
/** The generic tag's first-paint core ceiling (.size-limit.json). */
const CORE = 17_000;

describe.skipIf(!webpack)('one import, bundled by webpack 5', () => {
  beforeAll(() => {
    if (!existsSync(path.resolve(__dirname, '../../../dist/parts/post.js')))
      throw new Error('dist/ is missing or old: run "npm run build" first.');
  });

  it.each(Object.entries(LIMITS) as [keyof typeof LIMITS, number][])(
    '{ %s } stays within %i B',
    async (name, limit) => {
      expect((await importSizeWebpack(webpack!, name)).entry).toBeLessThanOrEqual(limit);
    },
    budget(60_000),
  );

  // webpack's first chunk holds its own runtime for `import()` (chunk loading, ~1.3 KB), which
  // an app that splits its code carries anyway; Tailor's share is the rest.
  it(
    `{ createTailor } with a published manifest: Tailor's share of the first chunk stays within ${CORE} B`,
    async () => {
      const { entry, lazy } = await importSizeWebpack(webpack!, 'createTailor');
      const runtime = (await webpackRuntime(webpack!)).entry;
      expect(runtime).toBeLessThan(2_000);
      expect(entry - runtime).toBeLessThanOrEqual(CORE);
      // Its parts (post-paint part, tables, extras, remote data, ua-parser-js) are chunks of the app.
      expect(lazy).toBeGreaterThan(10_000);
    },
    budget(90_000),
  );
});
