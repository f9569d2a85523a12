// @vitest-environment happy-dom
// The element watcher in a single-page app: it failed before its fix.
import { describe, expect, it, vi } from 'vitest';
import type { Action, Experience } from '../../src/manifest/types';
import type { RenderItem } from '../../src/render/render';
import { createRenderer } from '../../src/render/render';

const item = (id: string, actions: unknown[], priority?: number): RenderItem => ({
  _experience: { id, priority, variants: [{ id: 'v', actions }] } as Experience,
  _variant: 'v',
  _actions: actions as Action[],
});
// A zero-delay task: lets the MutationObserver records and the microtasks queued so far run.
// No condition is waited for, so the speed of the machine does not matter.
const flush = () => new Promise((r) => setTimeout(r, 0));

describe('element watcher across SPA routes', () => {
  it('lets go of elements a route removed, and after the wait an added node costs no query', async () => {
    document.body.innerHTML = '<main><h1 class="hero">A</h1></main>';
    let settle: (() => void) | null = null;
    const win = Object.create(window, {
      setTimeout: {
        value: (fn: () => void, ms: number) => {
          if (ms === 10_000) settle = fn;
          return 1;
        },
      },
      clearTimeout: { value: () => {} },
      document: { value: document },
    });
    const r = createRenderer(
      win,
      () => 0,
      () => {},
      { _exposed: () => {}, _dismissed: () => {} },
    );
    const items = Array.from({ length: 50 }, (_, i) =>
      item(`e${i}`, [{ type: 'class', selector: '.hero', add: [`c${i}`] }], 0),
    );
    r._sync(items, {}, true);
    for (let nav = 0; nav < 3; nav++) {
      document.querySelector('main')!.innerHTML = '<h1 class="hero">B</h1>';
      await flush();
      r._sync(items, {}, true);
      await flush();
    }
    settle!();
    const qsa = vi.spyOn(document, 'querySelectorAll');
    for (let i = 0; i < 10; i++) {
      document.body.appendChild(document.createElement('span'));
      await flush();
    }
    const n = qsa.mock.calls.length;
    qsa.mockRestore();
    r._stop();
    expect(n).toBe(0);
  });
});
