import { defineConfig } from 'vitest/config';

// Budgets scale with TAILOR_TEST_SLOWDOWN (set by `npm run test:stress`): tests wait for
// conditions, and a loaded machine only makes them take longer. Nothing is retried.
const slowdown = Math.max(1, Number(process.env.TAILOR_TEST_SLOWDOWN) || 1);

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Unit tests that need a DOM opt in per file with `// @vitest-environment happy-dom`.
    pool: 'threads',
    maxWorkers: 2,
    testTimeout: 20_000 * slowdown,
    hookTimeout: 30_000 * slowdown,
  },
});
