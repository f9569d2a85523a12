import { defineConfig } from 'vitest/config';

export default defineConfig({
  define: { __DEV__: 'true' },
  test: {
    include: ['test/unit/**/*.test.ts'],
    environment: 'node',
    // Unit tests that need a DOM opt in per file with `// @vitest-environment happy-dom`.
    pool: 'threads',
    maxWorkers: 2,
  },
});
