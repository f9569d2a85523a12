import { defineConfig } from 'vitest/config';

// Every budget scales with TAILOR_TEST_SLOWDOWN (set by `npm run test:stress`): a loaded machine
// is slower, never wrong. Tests wait for conditions, not for fixed times, and are never retried.
const slowdown = Math.max(1, Number(process.env.TAILOR_TEST_SLOWDOWN) || 1);

// The browser suite: real Chromium driven by playwright-core, pages served from 127.0.0.1.
// Runs against the built files in dist/ (mangling bugs only show there).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: 'test/browser/global-setup.ts',
    fileParallelism: false,
    testTimeout: 60_000 * slowdown,
    hookTimeout: 90_000 * slowdown,
  },
});
