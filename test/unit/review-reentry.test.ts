// @vitest-environment happy-dom
// Regressions from the stop-11 review of this session's changes: each failed before its fix.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Tailor } from '../../src/manifest/types';
import { createTailor } from '../../src/runtime';

let t: Tailor | null = null;
beforeEach(() => {
  document.body.innerHTML = '<h1 id="h">Original</h1>';
  localStorage.clear();
  sessionStorage.clear();
  history.replaceState(null, '', '/landing?utm_source=news&utm_medium=email');
});
afterEach(() => {
  t?.destroy();
  t = null;
});

describe('conc', () => {
  it('C2 a dataLayer push of a listed key from an exposure handler re-enters decide() mid-render', async () => {
    (window as unknown as { dataLayer: unknown[] }).dataLayer = [];
    const errors: unknown[] = [];
    t = createTailor({
      manifest: {
        version: 1,
        site: 's',
        dataLayer: ['tier'],
        experiences: [
          {
            id: 'a',
            variants: [
              { id: 'v', actions: [{ type: 'text', selector: '#h', value: 'tier={{data.tier|none}}' }] },
            ],
          },
        ],
      } as never,
      storage: 'memory',
    });
    t.on('error', (e) => errors.push(e));
    let n = 0;
    t.on('exposure', () => {
      n++;
      (window as unknown as { dataLayer: unknown[] }).dataLayer.push({ tier: `gold${n}` });
    });
    await t.start();
    await new Promise((r) => setTimeout(r, 50));
    console.log('exposures:', n, 'h1:', document.getElementById('h')!.textContent, 'errors:', errors);
    t.destroy();
    t = null;
    console.log('after destroy h1:', document.getElementById('h')!.textContent);
    expect(document.getElementById('h')!.textContent).toBe('Original');
  });
});
