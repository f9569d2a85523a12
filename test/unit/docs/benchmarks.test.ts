import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DOC, RESULTS, readSection, render } from '../../bench/readme-table.mjs';

// The benchmark table of docs/benchmarks.md is generated from bench/results.json by `npm run bench`
// (test/bench/readme-table.mjs); this keeps a hand edit of either from going unnoticed.
// Skipped, with this reason, on a checkout where no benchmark has been run yet:
const SKIP_REASON = 'bench/results.json is absent (run `npm run bench` to produce it)';
const hasResults = existsSync(RESULTS);

describe('docs/benchmarks.md benchmark table', () => {
  it.skipIf(!hasResults)(
    `equals the rendering of bench/results.json${hasResults ? '' : ` — skipped: ${SKIP_REASON}`}`,
    () => {
      const results: unknown = JSON.parse(readFileSync(RESULTS, 'utf8'));
      const section = readSection(readFileSync(DOC, 'utf8'));
      expect(
        section,
        'docs/benchmarks.md needs a <!-- bench:start --> … <!-- bench:end --> section',
      ).not.toBeNull();
      expect(section).toBe(render(results));
    },
  );
});
