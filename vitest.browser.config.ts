import { defineConfig } from 'vitest/config';

// The browser suite: real Chromium driven by playwright-core, pages served from 127.0.0.1.
// Runs against the built files in dist/ (mangling bugs only show there).
export default defineConfig({
  test: {
    include: ['test/browser/**/*.test.ts'],
    environment: 'node',
    globalSetup: 'test/browser/global-setup.ts',
    fileParallelism: false,
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
