// What an app pays for one import from the npm package, bundled for real by esbuild and by
// rollup from the built dist/ (`npm test` builds first), gzip -9 (scripts/import-size.mjs,
// docs/size.md#the-npm-package). These budgets fail the tests: they are ceilings, not goals.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { importSize } from '../../../scripts/import-size.mjs';
import { budget } from '../../budget';

// The figures of issue 19. `matches` compiles quietly (rules/condition.ts): the problem messages
// that createTailor's `onError` hears are not in its bundle.
const LIMITS = { bucket: 450, matches: 1600 } as const;
/** The generic tag's first-paint core ceiling (.size-limit.json). */
const CORE = 17_000;

beforeAll(() => {
  if (!existsSync(path.resolve(__dirname, '../../../dist/parts/post.js')))
    throw new Error('dist/ is missing or old: run "npm run build" first.');
});

describe.each(['esbuild', 'rollup'] as const)('one import, bundled by %s', (bundler) => {
  it.each(Object.entries(LIMITS) as [keyof typeof LIMITS, number][])(
    '{ %s } stays within %i B',
    async (name, limit) => {
      expect((await importSize(name, { bundler })).entry).toBeLessThanOrEqual(limit);
    },
    budget(60_000),
  );

  // A manifest published by `tailor build`, reading no device details. The runtime checks
  // manifests with the compact guard, as the tags do: the full validator is not in the app.
  it(
    `{ createTailor } with a published manifest stays within the tag's core, ${CORE} B`,
    async () => {
      const { entry, lazy } = await importSize('createTailor', { bundler });
      expect(entry).toBeLessThanOrEqual(CORE);
      // Its parts (post-paint part, tables, extras, remote data, ua-parser-js) are chunks of the app.
      expect(lazy).toBeGreaterThan(10_000);
    },
    budget(90_000),
  );
});
