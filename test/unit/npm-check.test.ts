// @vitest-environment happy-dom
/**
 * The npm build (dist/, as `tailorjs` ships it), not the source: an unpublished manifest gets the
 * full validator, which the runtime `import()`s from dist/parts/check.js after the first paint.
 * The build mangles `_`-named properties across files, and a module's export names are not
 * mangled with them, so this checks the runtime and the part still agree on the name.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it, vi } from 'vitest';

const index = path.resolve(__dirname, '../../dist/index.js');

// Without dist/ (a unit run before any build) there is nothing to check; `npm test` builds first.
describe.skipIf(!existsSync(index))('the npm build checks an unpublished manifest', () => {
  it('reports what only the full validator finds (a misspelt context path) and pauses that experience', async () => {
    vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { createTailor } = await import(/* @vite-ignore */ pathToFileURL(index).href);
    document.body.innerHTML = '<h1>Hello</h1>';
    const errors: { message: string; path?: string }[] = [];
    const t = createTailor({
      manifest: {
        version: 1,
        site: 'npm-check',
        experiences: [
          {
            id: 'typo',
            audience: { 'trafic.medium': { $ne: 'x' } },
            variants: [{ id: 'on', actions: [{ type: 'text', selector: 'h1', value: 'Hi' }] }],
          },
        ],
      },
      storage: 'memory',
    });
    t.on('error', (e: { message: string; path?: string }) => errors.push(e));
    await t.start();
    await vi.waitFor(() =>
      expect(errors.map((e) => e.path)).toContain('experiences[0].audience["trafic.medium"]'),
    );
    expect(errors.filter((e) => e.path === 'chunks')).toEqual([]);
    // Dropped by the validator: paused, and what it changed put back.
    await vi.waitFor(() => expect(document.querySelector('h1')!.textContent).toBe('Hello'));
    expect(t.variant('typo')).toBeNull();
    t.destroy();
  });
});
