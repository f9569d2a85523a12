// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { Action, Experience } from '../../../src/manifest/types';
import type { Renderer, RenderItem } from '../../../src/render/render';
import { createRenderer } from '../../../src/render/render';

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

describe('two experiences on one selector (priority, docs/experiences.md#rendering)', () => {
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

// Regression: priority was decided per selector string, so `h1`, `#t` and `.x` naming one element
// all applied and the last one rendered won.
describe('two experiences on one element through different selectors (priority, docs/experiences.md#rendering)', () => {
  const ORIGINAL = '<h1 id="t" class="x">Original</h1><p>Para</p>';
  const micro = () => new Promise<void>((r) => queueMicrotask(r));
  beforeEach(() => {
    document.body.innerHTML = ORIGINAL;
  });

  it('the higher priority keeps the element, whatever the manifest order', () => {
    renderer._sync(
      [
        item('low', [text('h1', 'Low')], 1),
        item('high', [text('#t', 'High')], 10),
        item('low2', [text('.x', 'Low2')], 1),
      ],
      {},
      true,
    );
    expect(h1()).toBe('High');
    renderer._stop();
    expect(document.body.innerHTML).toBe(ORIGINAL);
  });

  it('at equal priority the earlier experience keeps it', () => {
    renderer._sync([item('first', [text('#t', 'First')]), item('second', [text('.x', 'Second')])], {}, true);
    expect(h1()).toBe('First');
  });

  it('all actions of the holder apply to it', () => {
    renderer._sync(
      [
        item('low', [text('.x', 'Low'), { type: 'class', selector: 'h1', add: ['low'] }], 1),
        item('high', [text('#t', 'High'), { type: 'attr', selector: 'h1', name: 'title', value: 'hi' }], 5),
      ],
      {},
      true,
    );
    expect(document.querySelector('h1')!.outerHTML).toBe('<h1 id="t" class="x" title="hi">High</h1>');
  });

  it('a higher experience whose selector matches later takes the element and undoes the lower one', async () => {
    renderer._sync(
      [item('low', [text('h1', 'Low'), { type: 'class', selector: 'h1', add: ['low'] }], 1)],
      {},
      true,
    );
    renderer._sync(
      [
        item('low', [text('h1', 'Low'), { type: 'class', selector: 'h1', add: ['low'] }], 1),
        item('high', [text('h1.ready', 'High')], 10),
      ],
      {},
      false,
    );
    expect(h1()).toBe('Low');
    document.querySelector('h1')!.setAttribute('data-x', '1');
    document.querySelector('h1')!.classList.add('ready');
    await micro();
    await micro();
    expect(document.querySelector('h1')!.outerHTML).toBe('<h1 id="t" class="x ready" data-x="1">High</h1>');
    renderer._stop();
    expect(document.querySelector('h1')!.outerHTML).toBe(
      '<h1 id="t" class="x ready" data-x="1">Original</h1>',
    );
  });

  it('a higher experience rendered later takes the element; reverting all restores the page', () => {
    renderer._sync([item('low', [text('.x', 'Low')], 1)], {}, true);
    renderer._sync([item('low', [text('.x', 'Low')], 1), item('high', [text('#t', 'High')], 10)], {}, false);
    expect(h1()).toBe('High');
    renderer._stop();
    expect(document.body.innerHTML).toBe(ORIGINAL);
  });

  it('when the holder is reverted by a new page view, the lower experience takes the element at once', () => {
    const high = item('high', [text('#t', 'High')], 10);
    renderer._sync(
      [high, item('low', [text('h1', 'Low')], 1), item('low2', [text('.x', 'Low2')], 1)],
      {},
      true,
    );
    expect(h1()).toBe('High');
    renderer._sync([item('low', [text('h1', 'Low')], 1), item('low2', [text('.x', 'Low2')], 1)], {}, true);
    expect(h1()).toBe('Low');
    renderer._sync([item('low2', [text('.x', 'Low2')], 1)], {}, true);
    expect(h1()).toBe('Low2');
    renderer._stop();
    expect(document.body.innerHTML).toBe(ORIGINAL);
  });
});
