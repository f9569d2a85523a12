// @vitest-environment happy-dom
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Action, Experience, Trigger } from '../../../src/manifest/types';
import type { ElementAction } from '../../../src/render/actions';
import { applyToElement } from '../../../src/render/actions';
import type { RenderItem } from '../../../src/render/render';
import { createRenderer } from '../../../src/render/render';
import { onTrigger } from '../../../src/render/triggers';
import type { Watch, Watcher } from '../../../src/render/watch';
import { createWatcher, WAIT_MS } from '../../../src/render/watch';

const micro = () => new Promise<void>((r) => queueMicrotask(r));

// Repairs run on the next animation frame. Frames here are driven by the test, not by the clock:
// a wait of a few milliseconds let a slow machine reach the assertion before the frame ran.
let frames: Array<() => void> = [];
/** Delivers pending MutationObserver records (microtasks), then runs the frame they requested. */
const frame = async () => {
  for (let i = 0; i < 5; i++) await micro();
  const due = frames;
  frames = [];
  for (const run of due) run();
  for (let i = 0; i < 5; i++) await micro();
};

const textWatch = (selector: string, value: string, fail = vi.fn(), applied = vi.fn()): Watch => ({
  _selector: selector,
  _apply: (el) => applyToElement(el, { type: 'text', selector, value } as ElementAction, {}),
  _fail: fail,
  _applied: applied,
});

let watcher: Watcher;
beforeEach(() => {
  frames = [];
  vi.stubGlobal('requestAnimationFrame', (run: () => void) => frames.push(run));
  document.body.innerHTML = '';
  watcher = createWatcher(document);
});
afterEach(() => {
  watcher._stop();
  vi.unstubAllGlobals();
});

describe('watcher', () => {
  it('applies at once to an element already in the DOM', () => {
    document.body.innerHTML = '<h1>Old</h1>';
    const applied = vi.fn();
    watcher._add(textWatch('h1', 'New', vi.fn(), applied));
    expect(document.querySelector('h1')!.textContent).toBe('New');
    expect(applied).toHaveBeenCalledTimes(1);
    expect(applied).toHaveBeenCalledWith(document.querySelector('h1'));
  });

  it('applies to an element added later as soon as it appears (before a frame)', async () => {
    const applied = vi.fn();
    watcher._add(textWatch('.late', 'New', vi.fn(), applied));
    expect(applied).not.toHaveBeenCalled();
    const el = document.createElement('p');
    el.className = 'late';
    el.textContent = 'Old';
    document.body.appendChild(el);
    await micro();
    await micro();
    expect(el.textContent).toBe('New');
    expect(applied).toHaveBeenCalledTimes(1);
  });

  it('applies to every matching element, each once, and reports each', async () => {
    document.body.innerHTML = '<p class="x">1</p><p class="x">2</p>';
    const apply = vi.fn((el: Element) =>
      applyToElement(el, { type: 'class', selector: '.x', add: ['y'] } as ElementAction, {}),
    );
    const applied = vi.fn();
    watcher._add({ _selector: '.x', _apply: apply, _fail: vi.fn(), _applied: applied });
    document.body.insertAdjacentHTML('beforeend', '<p class="x">3</p>');
    await frame();
    expect(document.querySelectorAll('.x.y')).toHaveLength(3);
    expect(apply).toHaveBeenCalledTimes(3);
    expect(applied.mock.calls.map(([el]) => el)).toEqual([...document.querySelectorAll('.x')]);
  });

  it('re-applies a change the page overwrote', async () => {
    document.body.innerHTML = '<h1>Old</h1>';
    const fail = vi.fn();
    watcher._add(textWatch('h1', 'New', fail));
    const h1 = document.querySelector('h1')!;
    h1.textContent = 'Hydrated';
    await frame();
    expect(h1.textContent).toBe('New');
    h1.innerHTML = '<b>again</b>';
    await frame();
    expect(h1.textContent).toBe('New');
    expect(fail).not.toHaveBeenCalled();
  });

  it('during the wait, repairs in the observer callback (text appended after the change); after it, at the next frame', async () => {
    // The parser inserted `<a>` before its text arrived: the change went in, then the text.
    document.body.innerHTML = '<p><a id="cta"></a></p>';
    watcher._add(textWatch('#cta', 'New'));
    const a = document.querySelector('#cta')!;
    a.append('Original');
    for (let i = 0; i < 5; i++) await micro();
    expect(a.textContent).toBe('New');
    watcher._settle();
    a.append('Later');
    for (let i = 0; i < 5; i++) await micro();
    expect(a.textContent).toBe('NewLater');
    await frame();
    expect(a.textContent).toBe('New');
  });

  it('stops re-applying after the limit with one failure message', async () => {
    document.body.innerHTML = '<h1>Old</h1>';
    const fail = vi.fn();
    watcher._add(textWatch('h1', 'New', fail));
    const h1 = document.querySelector('h1')!;
    let reapplied = 0;
    for (let i = 0; i < 60; i++) {
      h1.textContent = `page ${i}`;
      await frame();
      if (h1.textContent === 'New') reapplied++;
    }
    expect(reapplied).toBe(50);
    expect(h1.textContent).toBe('page 59');
    expect(fail).toHaveBeenCalledTimes(1);
    expect(fail.mock.calls[0]![0]).toMatch(/stopped re-applying "h1"/);
  });

  it('reports an invalid selector naming it', () => {
    const fail = vi.fn();
    watcher._add(textWatch('div[[', 'x', fail));
    expect(fail).toHaveBeenCalledTimes(1);
    expect(fail.mock.calls[0]![0]).toContain('div[[');
  });

  it('reports a refused action once however many elements match', async () => {
    document.body.innerHTML = '<a>1</a><a>2</a><a>3</a>';
    const fail = vi.fn();
    watcher._add({
      _selector: 'a',
      _apply: (el) =>
        applyToElement(el, { type: 'attr', selector: 'a', name: 'onclick', value: 'x' } as ElementAction, {}),
      _fail: fail,
    });
    document.body.insertAdjacentHTML('beforeend', '<a>4</a>');
    await frame();
    expect(fail).toHaveBeenCalledTimes(1);
    expect(fail.mock.calls[0]![0]).toMatch(/onclick/);
    expect(document.querySelector('[onclick]')).toBeNull();
  });

  it('_settle reports selectors that never matched, and only those', () => {
    document.body.innerHTML = '<h1>x</h1>';
    const failMissing = vi.fn();
    const failFound = vi.fn();
    watcher._add(textWatch('#missing', 'x', failMissing));
    watcher._add(textWatch('h1', 'y', failFound));
    watcher._settle();
    expect(failMissing).toHaveBeenCalledTimes(1);
    expect(failMissing.mock.calls[0]![0]).toContain('#missing');
    expect(failMissing.mock.calls[0]![0]).toContain(`${WAIT_MS / 1000} s`);
    expect(failFound).not.toHaveBeenCalled();
  });

  it('a change whose element never appeared waits again on the next page view (SPA route)', async () => {
    const fail = vi.fn();
    const applied = vi.fn();
    watcher._add(textWatch('#promo', 'Sale', fail, applied));
    watcher._settle();
    expect(fail).toHaveBeenCalledTimes(1);
    watcher._wait(); // the next page view
    document.body.innerHTML = '<p id="promo">promo</p>';
    await micro();
    expect(document.getElementById('promo')!.textContent).toBe('Sale');
    expect(applied).toHaveBeenCalledTimes(1);
  });

  it('does not apply to elements that appear after settling, but keeps repairing', async () => {
    document.body.innerHTML = '<h1>Old</h1>';
    watcher._add(textWatch('h1, h2', 'New'));
    watcher._settle();
    document.body.insertAdjacentHTML('beforeend', '<h2>Late</h2>');
    document.querySelector('h1')!.textContent = 'overwritten';
    await frame();
    expect(document.querySelector('h2')!.textContent).toBe('Late');
    expect(document.querySelector('h1')!.textContent).toBe('New');
  });

  // One exposure per page view however often this reports: exposure.test.ts.
  it('after settling, an element the site replaces gets the change at once', async () => {
    document.body.innerHTML = '<div id="app"><h1>Old</h1></div>';
    const applied = vi.fn();
    const fail = vi.fn();
    watcher._add(textWatch('h1', 'New', fail, applied));
    watcher._settle();
    // A framework re-render: the whole subtree is new nodes.
    document.getElementById('app')!.innerHTML = '<h1>Old again</h1>';
    await micro();
    expect(document.querySelector('h1')!.textContent).toBe('New');
    expect(applied).toHaveBeenLastCalledWith(document.querySelector('h1'));
    // An extra element appearing late is still left alone.
    document.body.insertAdjacentHTML('beforeend', '<h1>Extra</h1>');
    await frame();
    expect([...document.querySelectorAll('h1')].map((h) => h.textContent)).toEqual(['New', 'Extra']);
    expect(fail).not.toHaveBeenCalled();
  });

  it('a page replacing the element in a loop after settling is stopped like one overwriting it', async () => {
    document.body.innerHTML = '<div id="app"><h1>Old</h1></div>';
    const fail = vi.fn();
    watcher._add(textWatch('h1', 'New', fail));
    watcher._settle();
    for (let i = 0; i < 55; i++) {
      document.getElementById('app')!.innerHTML = `<h1>Old ${i}</h1>`;
      await micro();
    }
    expect(fail).toHaveBeenCalledTimes(1);
    expect(fail.mock.calls[0]![0]).toMatch(/stopped re-applying "h1": the page overwrote it 50 times/);
    expect(document.querySelector('h1')!.textContent).toBe('Old 54');
  });

  it('_wait waits for elements again', async () => {
    document.body.innerHTML = '<h2>First</h2>';
    watcher._add(textWatch('h2', 'New'));
    watcher._settle();
    watcher._wait();
    document.body.insertAdjacentHTML('beforeend', '<h2>Late</h2>');
    await frame();
    expect([...document.querySelectorAll('h2')].map((h) => h.textContent)).toEqual(['New', 'New']);
  });

  it('the revert from _add restores the DOM and stops re-applying', async () => {
    document.body.innerHTML = '<h1>Old <i>x</i></h1>';
    const h1 = document.querySelector('h1')!;
    const kids = [...h1.childNodes];
    const revert = watcher._add(textWatch('h1', 'New'));
    expect(h1.textContent).toBe('New');
    revert();
    expect([...h1.childNodes]).toEqual(kids);
    h1.textContent = 'page';
    await frame();
    expect(h1.textContent).toBe('page');
  });

  it('_stop reverts everything and stops observing', async () => {
    document.body.innerHTML = '<h1>Old</h1><p class="a">p</p>';
    watcher._add(textWatch('h1', 'New'));
    watcher._add({
      _selector: 'p',
      _apply: (el) =>
        applyToElement(el, { type: 'class', selector: 'p', add: ['b'], remove: ['a'] } as ElementAction, {}),
      _fail: vi.fn(),
    });
    watcher._add(textWatch('.later', 'New'));
    expect(document.body.innerHTML).toBe('<h1>New</h1><p class="b">p</p>');
    watcher._stop();
    expect(document.body.innerHTML).toBe('<h1>Old</h1><p class="a">p</p>');
    document.body.insertAdjacentHTML('beforeend', '<div class="later">L</div>');
    await frame();
    expect(document.querySelector('.later')!.textContent).toBe('L');
  });

  it('_stop also reverts a watch that stopped re-applying', async () => {
    document.body.innerHTML = '<p class="a">p</p>';
    const p = document.querySelector('p')!;
    const watch: Watch = {
      _selector: 'p',
      _apply: (el) => applyToElement(el, { type: 'class', selector: 'p', add: ['b'] } as ElementAction, {}),
      _fail: vi.fn(),
    };
    watcher._add(watch);
    for (let i = 0; i < 52; i++) {
      p.classList.remove('b');
      await frame();
    }
    expect(watch._fail).toHaveBeenCalledTimes(1);
    p.classList.add('b');
    watcher._stop();
    expect(p.className).toBe('a');
  });

  it('does not count a removed element as overwritten', async () => {
    document.body.innerHTML = '<div id="w"><p id="t">Old</p></div>';
    const fail = vi.fn();
    const apply = vi.fn((el: Element) =>
      applyToElement(
        el,
        { type: 'insert', selector: '#t', position: 'after', value: '<i>ad</i>' } as ElementAction,
        {},
      ),
    );
    watcher._add({ _selector: '#t', _apply: apply, _fail: fail });
    watcher._settle();
    document.querySelector('#w')!.remove();
    for (let i = 0; i < 55; i++) {
      document.body.setAttribute('data-n', String(i));
      await frame();
    }
    expect(fail).not.toHaveBeenCalled();
    expect(apply).toHaveBeenCalledTimes(1);
  });

  it('a change whose revert is called twice is harmless', () => {
    document.body.innerHTML = '<h1>Old</h1>';
    const revert = watcher._add(textWatch('h1', 'New'));
    revert();
    revert();
    expect(document.body.innerHTML).toBe('<h1>Old</h1>');
  });

  it('falls back to a timer when there is no requestAnimationFrame', async () => {
    const raf = globalThis.requestAnimationFrame;
    // @ts-expect-error: simulate an environment without rAF
    delete globalThis.requestAnimationFrame;
    try {
      // The timer is the test's: it runs when the test says, so no wait depends on the clock.
      const pending: Array<() => void> = [];
      const timer = vi.fn((fn: () => void) => pending.push(fn)) as unknown as typeof setTimeout;
      const w = createWatcher(document, timer);
      document.body.innerHTML = '<h1>Old</h1>';
      w._add(textWatch('h1', 'New'));
      // After the wait: during it, a repair runs in the observer's callback, with no timer.
      w._settle();
      document.querySelector('h1')!.textContent = 'page';
      await frame();
      expect(timer).toHaveBeenCalledWith(expect.any(Function), 16);
      expect(document.querySelector('h1')!.textContent).toBe('page');
      for (const run of pending.splice(0)) run();
      expect(document.querySelector('h1')!.textContent).toBe('New');
      w._stop();
    } finally {
      globalThis.requestAnimationFrame = raf;
    }
  });
});

// Regression: priority was decided per selector string; now the watcher holds each element for
// one owner (priority, docs/experiences.md#rendering), whatever selectors name it.
describe('owners', () => {
  const owned = (selector: string, value: string, rank: number, applied = vi.fn()): Watch => ({
    ...textWatch(selector, value, vi.fn(), applied),
    _owner: { _rank: rank },
  });

  // Regression: a waiting change was reported (so exposed) though the visitor saw the holder's.
  it('a lower-ranked change waits (not reported) and takes the element when the holder is reverted', () => {
    document.body.innerHTML = '<h1 id="t">Old</h1>';
    const applied = vi.fn();
    const high = watcher._add(owned('#t', 'High', 0));
    watcher._add(owned('h1', 'Low', 1, applied));
    expect(document.querySelector('h1')!.textContent).toBe('High');
    expect(applied).not.toHaveBeenCalled();
    high();
    expect(document.querySelector('h1')!.textContent).toBe('Low');
    expect(applied).toHaveBeenCalledTimes(1);
  });

  it('a higher-ranked change undoes the holder first, so reverts restore the page in any order', () => {
    document.body.innerHTML = '<h1 id="t">Old <i>x</i></h1>';
    const kids = [...document.querySelector('h1')!.childNodes];
    const low = watcher._add(owned('h1', 'Low', 1));
    const high = watcher._add(owned('#t', 'High', 0));
    expect(document.querySelector('h1')!.textContent).toBe('High');
    low();
    expect(document.querySelector('h1')!.textContent).toBe('High');
    high();
    expect([...document.querySelector('h1')!.childNodes]).toEqual(kids);
  });

  it('changes of one owner all apply', () => {
    document.body.innerHTML = '<h1 id="t">Old</h1>';
    const owner = { _rank: 0 };
    watcher._add({ ...textWatch('h1', 'A'), _owner: owner });
    watcher._add({
      _selector: '#t',
      _apply: (el) => applyToElement(el, { type: 'class', selector: '#t', add: ['b'] } as ElementAction, {}),
      _fail: vi.fn(),
      _owner: owner,
    });
    expect(document.body.innerHTML).toBe('<h1 id="t" class="b">A</h1>');
  });

  it('a refused change holds nothing', () => {
    document.body.innerHTML = '<a id="t" href="/">Old</a>';
    watcher._add(owned('a', 'Low', 1));
    const fail = vi.fn();
    watcher._add({
      _selector: '#t',
      _apply: (el) =>
        applyToElement(
          el,
          { type: 'attr', selector: '#t', name: 'onclick', value: 'x' } as ElementAction,
          {},
        ),
      _fail: fail,
      _owner: { _rank: 0 },
    });
    expect(fail).toHaveBeenCalledTimes(1);
    expect(document.querySelector('a')!.textContent).toBe('Low');
  });

  it('_stop reverts without handing elements over', () => {
    document.body.innerHTML = '<h1 id="t">Old</h1>';
    const apply = vi.fn(textWatch('h1', 'Low')._apply);
    watcher._add(owned('#t', 'High', 0));
    watcher._add({ ...owned('h1', 'Low', 1), _apply: apply });
    watcher._stop();
    expect(apply).not.toHaveBeenCalled();
    expect(document.body.innerHTML).toBe('<h1 id="t">Old</h1>');
  });
});

describe('onTrigger', () => {
  const env = (depth = 0) => {
    let d = depth;
    return { _win: window, _scrollDepth: () => d, set: (v: number) => (d = v) };
  };
  const trig = (t: Trigger | undefined, fire: () => void, e = env()) => onTrigger(t, fire, e);

  afterEach(() => vi.useRealTimers());

  it('load (and no trigger) fires at once', () => {
    const fire = vi.fn();
    trig({ on: 'load' }, fire);
    expect(fire).toHaveBeenCalledTimes(1);
    const fire2 = vi.fn();
    trig(undefined, fire2);
    expect(fire2).toHaveBeenCalledTimes(1);
  });

  it('delay fires after the given ms, once', () => {
    vi.useFakeTimers();
    const fire = vi.fn();
    trig({ on: 'delay', value: 3000 }, fire);
    vi.advanceTimersByTime(2999);
    expect(fire).not.toHaveBeenCalled();
    vi.advanceTimersByTime(1);
    expect(fire).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(10_000);
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('delay can be cancelled', () => {
    vi.useFakeTimers();
    const fire = vi.fn();
    const cancel = trig({ on: 'delay', value: 100 }, fire);
    cancel();
    vi.advanceTimersByTime(1000);
    expect(fire).not.toHaveBeenCalled();
  });

  it('scroll fires when the depth reaches the value on a scroll event', () => {
    const e = env(10);
    const fire = vi.fn();
    trig({ on: 'scroll', value: 50 }, fire, e);
    expect(fire).not.toHaveBeenCalled();
    e.set(49);
    window.dispatchEvent(new Event('scroll'));
    expect(fire).not.toHaveBeenCalled();
    e.set(50);
    expect(fire).not.toHaveBeenCalled();
    window.dispatchEvent(new Event('scroll'));
    expect(fire).toHaveBeenCalledTimes(1);
    e.set(90);
    window.dispatchEvent(new Event('scroll'));
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('scroll fires at once when already deep enough', () => {
    const fire = vi.fn();
    trig({ on: 'scroll', value: 30 }, fire, env(80));
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('scroll checks again once the page is parsed (a page too short to scroll sends no scroll event), unless cancelled', () => {
    const fire = vi.fn();
    const e = env(0);
    trig({ on: 'scroll', value: 50 }, fire, e);
    expect(fire).not.toHaveBeenCalled();
    e.set(100);
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(fire).toHaveBeenCalledTimes(1);
    const later = vi.fn();
    const f = env(0);
    const cancel = trig({ on: 'scroll', value: 50 }, later, f);
    cancel();
    f.set(100);
    document.dispatchEvent(new Event('DOMContentLoaded'));
    expect(later).not.toHaveBeenCalled();
  });

  it('exit fires on a mouseout through the top edge only', () => {
    const fire = vi.fn();
    trig({ on: 'exit' }, fire);
    document.body.innerHTML = '<div id="a"></div>';
    const a = document.querySelector('#a')!;
    a.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: -5, relatedTarget: document.body }));
    document.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: 200 }));
    document.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: 1 }));
    expect(fire).not.toHaveBeenCalled();
    document.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: 0 }));
    expect(fire).toHaveBeenCalledTimes(1);
    document.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: -10 }));
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('exit also fires with a negative clientY from a child element', () => {
    const fire = vi.fn();
    trig({ on: 'exit' }, fire);
    document.body.innerHTML = '<div id="a"></div>';
    document.querySelector('#a')!.dispatchEvent(new MouseEvent('mouseout', { bubbles: true, clientY: -3 }));
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('click fires for a click on a descendant of the selector', () => {
    document.body.innerHTML = '<div class="cta"><span><b id="in">go</b></span></div><p id="out">x</p>';
    const fire = vi.fn();
    trig({ on: 'click', value: '.cta' }, fire);
    document.querySelector<HTMLElement>('#out')!.click();
    expect(fire).not.toHaveBeenCalled();
    document.querySelector<HTMLElement>('#in')!.click();
    expect(fire).toHaveBeenCalledTimes(1);
    document.querySelector<HTMLElement>('.cta')!.click();
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('click fires even when the page stops propagation (capture)', () => {
    document.body.innerHTML = '<button class="b">go</button>';
    const b = document.querySelector<HTMLElement>('.b')!;
    b.addEventListener('click', (e) => e.stopPropagation());
    const fire = vi.fn();
    trig({ on: 'click', value: '.b' }, fire);
    b.click();
    expect(fire).toHaveBeenCalledTimes(1);
  });

  it('click with an invalid selector never fires and never throws', () => {
    document.body.innerHTML = '<button>go</button>';
    const fire = vi.fn();
    trig({ on: 'click', value: '[[bad' }, fire);
    expect(() => document.querySelector<HTMLElement>('button')!.click()).not.toThrow();
    expect(fire).not.toHaveBeenCalled();
  });

  it('cancel prevents firing and removes the listeners', () => {
    const add = vi.spyOn(document, 'addEventListener');
    const remove = vi.spyOn(document, 'removeEventListener');
    const wadd = vi.spyOn(window, 'addEventListener');
    const wremove = vi.spyOn(window, 'removeEventListener');
    document.body.innerHTML = '<button class="b">go</button>';
    const fire = vi.fn();
    const e = env(0);
    const cancels = [
      trig({ on: 'click', value: '.b' }, fire, e),
      trig({ on: 'exit' }, fire, e),
      trig({ on: 'scroll', value: 10 }, fire, e),
    ];
    for (const c of cancels) c();
    document.querySelector<HTMLElement>('.b')!.click();
    document.dispatchEvent(new MouseEvent('mouseout', { clientY: -1 }));
    e.set(100);
    window.dispatchEvent(new Event('scroll'));
    expect(fire).not.toHaveBeenCalled();
    // Every listener added was removed with the same function and capture flag.
    for (const [spyAdd, spyRemove] of [
      [add, remove],
      [wadd, wremove],
    ] as const) {
      const added = spyAdd.mock.calls.filter(([t]) => ['click', 'mouseout', 'scroll'].includes(t as string));
      for (const [type, fn, opts] of added) {
        const capture = typeof opts === 'object' ? !!opts.capture : !!opts;
        expect(
          spyRemove.mock.calls.some(
            ([t, f, o]) => t === type && f === fn && (typeof o === 'object' ? !!o.capture : !!o) === capture,
          ),
        ).toBe(true);
      }
    }
    vi.restoreAllMocks();
  });

  it('removes its listener after firing', () => {
    const remove = vi.spyOn(document, 'removeEventListener');
    document.body.innerHTML = '<button class="b">go</button>';
    const fire = vi.fn();
    trig({ on: 'click', value: '.b' }, fire);
    document.querySelector<HTMLElement>('.b')!.click();
    expect(remove).toHaveBeenCalledWith(
      'click',
      expect.any(Function),
      expect.objectContaining({ capture: true }),
    );
    vi.restoreAllMocks();
  });
});

describe('element watcher across SPA routes', () => {
  const item = (id: string, actions: unknown[], priority?: number): RenderItem => ({
    _experience: { id, priority, variants: [{ id: 'v', actions }] } as Experience,
    _variant: 'v',
    _actions: actions as Action[],
  });
  // A zero-delay task: lets the MutationObserver records and the microtasks queued so far run.
  // No condition is waited for, so the speed of the machine does not matter.
  const flush = () => new Promise((r) => setTimeout(r, 0));

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
