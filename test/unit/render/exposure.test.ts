// @vitest-environment happy-dom
// docs/events.md: an exposure is sent once per experience per page view, when the variant rendered (for
// control and holdouts: when it would have). Each test below failed before its fix.
import { afterEach, beforeAll, beforeEach, describe, expect, it, type Mock, vi } from 'vitest';
import type { Action, Experience, Manifest, Tailor, Trigger } from '../../../src/manifest/types';
import type { Renderer, RenderItem } from '../../../src/render/render';
import { createRenderer } from '../../../src/render/render';
import { createTailor } from '../../../src/runtime';
import { partsNow } from '../../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

const item = (
  id: string,
  actions: unknown[],
  priority?: number,
  trigger?: Trigger,
  variant = 'v',
): RenderItem => {
  // The other variant gives control its anchor (the element the variants change).
  const other = { id: 'other', actions: [{ type: 'text', selector: 'h1', value: 'Other' }] };
  const experience = { id, priority, trigger, variants: [{ id: variant, actions }, other] } as Experience;
  return { _experience: experience, _variant: variant, _actions: actions as Action[] };
};
const control = (id: string, priority?: number) => item(id, [], priority, undefined, 'control');
const text = (selector: string, value: string) => ({ type: 'text', selector, value });
const h1 = () => document.querySelector('h1')!.textContent;
const micro = () => new Promise<void>((r) => queueMicrotask(r));

let renderer: Renderer;
let exposed: Mock<(item: RenderItem) => void>;
const exposedIds = () => exposed.mock.calls.map(([i]) => i._experience.id);
beforeEach(() => {
  document.body.innerHTML = '<h1>Original</h1><p>Para</p>';
  exposed = vi.fn<(item: RenderItem) => void>();
  renderer = createRenderer(window, () => 0, vi.fn(), { _exposed: exposed, _dismissed: vi.fn() });
});
afterEach(() => renderer._stop());

// Regression: on an SPA page view every kept experience that had been exposed was exposed again
// at once, whether or not anything of it was on the new route.
describe('a kept experience on a new page view', () => {
  it('is exposed again at once when its change still shows', () => {
    const a = item('a', [text('h1', 'A')]);
    renderer._sync([a], {}, true);
    renderer._sync([a], {}, true);
    expect(exposedIds()).toEqual(['a', 'a']);
  });

  it('is not exposed while its element is missing from the new route, and is when it appears', async () => {
    const a = item('a', [text('h1', 'A')]);
    renderer._sync([a], {}, true);
    document.body.innerHTML = '<p>Another route</p>';
    renderer._sync([a], {}, true);
    expect(exposed).toHaveBeenCalledTimes(1);
    document.body.insertAdjacentHTML('beforeend', '<h1>Late</h1>');
    await micro();
    expect(h1()).toBe('A');
    expect(exposed).toHaveBeenCalledTimes(2);
  });

  it('control is not exposed while the element is missing from the new route', () => {
    const c = control('c');
    renderer._sync([c], {}, true);
    document.body.innerHTML = '<p>Another route</p>';
    renderer._sync([c], {}, true);
    expect(exposed).toHaveBeenCalledTimes(1);
  });

  it('is not exposed before its trigger fired (re-armed when its templates changed)', () => {
    const a = item('a', [text('h1', 'Hi {{name}}')], 0, { on: 'click', value: '#go' });
    document.body.insertAdjacentHTML('beforeend', '<button id="go">go</button>');
    const go = () => document.querySelector<HTMLElement>('#go')!.click();
    renderer._sync([a], { name: 'A' }, true);
    go();
    expect(exposed).toHaveBeenCalledTimes(1);
    // identify(): new template output, rendered anew, waiting for the click again.
    renderer._sync([a], { name: 'B' }, false);
    renderer._sync([a], { name: 'B' }, true);
    expect(h1()).toBe('Original');
    expect(exposed).toHaveBeenCalledTimes(1);
    go();
    expect(h1()).toBe('Hi B');
    expect(exposed).toHaveBeenCalledTimes(2);
  });

  it('a banner is exposed again at once, but not once the visitor closed it', () => {
    const b = item('b', [{ type: 'banner', value: 'Hi' }]);
    renderer._sync([b], {}, true);
    renderer._sync([b], {}, true);
    expect(exposed).toHaveBeenCalledTimes(2);
    document.querySelector<HTMLElement>('.tailor-close')!.click();
    renderer._sync([b], {}, true);
    expect(exposed).toHaveBeenCalledTimes(2);
  });

  it('a page-wide style is exposed again at once', () => {
    const css = item('css', [{ type: 'css', value: 'h1{color:red}' }]);
    renderer._sync([css], {}, true);
    renderer._sync([css], {}, true);
    expect(exposedIds()).toEqual(['css', 'css']);
  });
});

// Regression: a change waiting for an element held by a higher-priority experience exposed its
// experience, counting visitors as exposed to a treatment they never saw.
describe('an experience whose element a higher-priority one holds', () => {
  it('is not exposed while it shows nothing', () => {
    renderer._sync([item('low', [text('h1', 'Low')], 1), item('high', [text('h1', 'High')], 5)], {}, true);
    expect(h1()).toBe('High');
    expect(exposedIds()).toEqual(['high']);
  });

  it('is exposed when the holder is reverted and hands the element over', () => {
    const low = item('low', [text('h1', 'Low')], 1);
    renderer._sync([low, item('high', [text('h1', 'High')], 5)], {}, true);
    expect(exposedIds()).toEqual(['high']);
    renderer._sync([low], {}, false);
    expect(h1()).toBe('Low');
    expect(exposedIds()).toEqual(['high', 'low']);
  });

  it('is exposed when another of its changes shows', () => {
    renderer._sync(
      [item('low', [text('h1', 'Low'), text('p', 'Low p')], 1), item('high', [text('h1', 'High')], 5)],
      {},
      true,
    );
    expect(exposedIds()).toEqual(['high', 'low']);
  });

  it('is not exposed when a higher one takes the element in the same mutation batch', async () => {
    document.body.innerHTML = '<div id="app"></div>';
    const low = item('low', [text('h1', 'Low')], 1);
    renderer._sync([low], {}, true);
    // Rendered later, so its watch scans after the lower one's.
    renderer._sync([low, item('high', [text('h1', 'High')], 5)], {}, false);
    document.getElementById('app')!.innerHTML = '<h1>Original</h1>';
    await micro();
    expect(h1()).toBe('High');
    expect(exposedIds()).toEqual(['high']);
  });

  it('control is not exposed either (its variant would not have rendered), until it gets the element', () => {
    const c = control('c', 1);
    renderer._sync([c, item('high', [text('h1', 'High')], 5)], {}, true);
    expect(exposedIds()).toEqual(['high']);
    renderer._sync([c], {}, true);
    expect(h1()).toBe('Original');
    expect(exposedIds()).toEqual(['high', 'c']);
  });

  it('control is exposed when the element it was outranked on is freed on the same page view', () => {
    const c = control('c', 1);
    const high = item('high', [text('h1', 'High')], 5);
    renderer._sync([c], {}, true);
    renderer._sync([c, high], {}, false);
    renderer._sync([c, high], {}, true);
    expect(exposedIds()).toEqual(['c', 'high', 'high']);
    renderer._sync([c], {}, false);
    expect(exposedIds()).toEqual(['c', 'high', 'high', 'c']);
  });

  it('control of the higher experience is exposed and leaves the lower one its change', () => {
    renderer._sync([item('low', [text('h1', 'Low')], 1), control('c', 5)], {}, true);
    expect(h1()).toBe('Low');
    expect(exposedIds().sort()).toEqual(['c', 'low']);
  });
});

it('an element the page replaces again and again is one exposure per page view', async () => {
  document.body.innerHTML = '<div id="app"><h1>Original</h1></div>';
  renderer._sync([item('a', [text('h1', 'A')])], {}, true);
  for (let i = 0; i < 3; i++) {
    document.getElementById('app')!.innerHTML = '<h1>Again</h1>';
    await micro();
  }
  expect(h1()).toBe('A');
  expect(exposed).toHaveBeenCalledTimes(1);
});

describe('through the runtime (SPA navigation)', () => {
  let t: Tailor | undefined;
  beforeEach(() => {
    localStorage.clear();
    sessionStorage.clear();
    history.replaceState(null, '', '/?tailor_force=hero:b');
    document.body.innerHTML = '<h1 id="hero">orig</h1>';
  });
  afterEach(() => t?.destroy());

  it('sends no exposure for a route without the element, and one when it appears', async () => {
    const manifest: Manifest = {
      version: 1,
      site: 'test',
      experiences: [
        {
          id: 'hero',
          variants: [
            { id: 'control', actions: [] },
            { id: 'b', actions: [{ type: 'text', selector: '#hero', value: 'B' }] },
          ],
        },
      ],
    };
    t = createTailor({ manifest });
    const paths: string[] = [];
    t.on('exposure', (e) => paths.push(e.path));
    await t.start();
    document.body.innerHTML = '<p>No hero here</p>';
    history.pushState(null, '', '/other');
    await micro();
    expect(paths).toEqual(['/']);
    document.body.innerHTML = '<h1 id="hero">orig</h1>';
    await micro();
    expect(document.getElementById('hero')!.textContent).toBe('B');
    // Exposures are recorded one task after the page view's first DOM change.
    await vi.waitFor(() => expect(paths).toEqual(['/', '/other']));
  });
});
