import { defineConfig } from 'vitest/config';

// Budgets scale with TAILOR_TEST_SLOWDOWN (set by `npm run test:stress`): tests wait for
// conditions, and a loaded machine only makes them take longer. Nothing is retried.
const slowdown = Math.max(1, Number(process.env.TAILOR_TEST_SLOWDOWN) || 1);

// chdb (a ClickHouse engine loaded into the process) crashes a worker thread when the thread
// exits, so its test file runs in a child process of its own.
const CHDB = 'test/unit/server/clickhouse-current.test.ts';

export default defineConfig({
  test: {
    environment: 'node',
    // Unit tests that need a DOM opt in per file with `// @vitest-environment happy-dom`.
    maxWorkers: 2,
    testTimeout: 20_000 * slowdown,
    hookTimeout: 30_000 * slowdown,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts'], exclude: [CHDB], pool: 'threads' },
      },
      { extends: true, test: { name: 'chdb', include: [CHDB], pool: 'forks' } },
    ],
  },
});
