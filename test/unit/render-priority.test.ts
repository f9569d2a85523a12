// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { Action, Experience } from '../../src/manifest/types';
import type { Renderer, RenderItem } from '../../src/render/render';
import { createRenderer } from '../../src/render/render';

const item = (id: string, actions: unknown[], priority?: number): RenderItem => {
  const experience = { id, priority, variants: [{ id: 'v', actions }] } as Experience;
  return { _experience: experience, _variant: 'v', _actions: actions as Action[] };
};
const text = (selector: string, value: string) => ({ type: 'text', selector, value });
const h1 = () => document.querySelector('h1')!.textContent;

let renderer: Renderer;
let report: Mock<(message: string, path: string) => void>;
beforeEach(() => {
  document.body.innerHTML = '<h1>Original</h1><p>Para</p>';
  report = vi.fn<(message: string, path: string) => void>();
  renderer = createRenderer(window, () => 0, report, { _exposed: vi.fn(), _dismissed: vi.fn() });
});
afterEach(() => renderer._stop());

describe('two experiences on one selector (SPEC §8 priority)', () => {
  it('the higher priority keeps the element, whatever the order', () => {
    renderer._sync([item('low', [text('h1', 'Low')], 1), item('high', [text('h1', 'High')], 5)], {}, true);
    expect(h1()).toBe('High');
  });

  it('at equal priority the earlier experience keeps it; the other still applies elsewhere', () => {
    renderer._sync(
      [item('first', [text('h1', 'First')]), item('second', [text('h1', 'Second'), text('p', 'Second p')])],
      {},
      true,
    );
    expect(h1()).toBe('First');
    expect(document.querySelector('p')!.textContent).toBe('Second p');
  });

  it('an action of an unknown type does not take the element from a lower-priority experience', () => {
    renderer._sync(
      [
        item('typo', [{ type: 'txet', selector: 'h1', value: 'Typo' }], 9),
        item('fine', [text('h1', 'Fine')], 1),
      ],
      {},
      true,
    );
    expect(h1()).toBe('Fine');
    expect(report).toHaveBeenCalledWith(
      expect.stringMatching(/unknown action type "txet"/),
      expect.any(String),
    );
  });
});
