// @vitest-environment happy-dom
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Action, BannerAction, Experience, OverlayAction } from '../../../src/manifest/types';
import type { RenderItem } from '../../../src/render/render';
import { createRenderer } from '../../../src/render/render';
import { addStyle, pageNonce } from '../../../src/render/style';
import * as widgets from '../../../src/render/widgets';
import { showBanner } from '../../../src/render/widgets';
import { partsNow } from '../../parts-now';

// What the parts do, not when they arrive (test/unit/parts.test.ts).
beforeAll(partsNow);

// Overlays listen on the document: close each one after its test.
const closers: (() => void)[] = [];
const showOverlay = (...args: Parameters<typeof widgets.showOverlay>) => {
  const close = widgets.showOverlay(...args);
  closers.push(close);
  return close;
};
afterEach(() => {
  for (const c of closers.splice(0)) c();
});

const banner = (o: Partial<BannerAction> = {}): BannerAction => ({ type: 'banner', value: '', ...o });
const overlay = (o: Partial<OverlayAction> = {}): OverlayAction => ({ type: 'overlay', value: '', ...o });

beforeEach(() => {
  document.head.innerHTML = '';
  document.body.innerHTML = '';
});

const key = (k: string, shiftKey = false, target: EventTarget = document.activeElement || document.body) => {
  const e = new KeyboardEvent('keydown', { key: k, shiftKey, bubbles: true, cancelable: true });
  target.dispatchEvent(e);
  return e;
};

describe('banner', () => {
  it('renders at the top of the page, in the flow, while the page has no content yet', () => {
    document.body.innerHTML = ' ';
    showBanner(document, banner(), 'Hello', () => {});
    expect(document.body.firstElementChild!.className).toBe('tailor-banner tailor-banner--top');
    expect(document.querySelector('.tailor-dock')).toBeNull();
    // Content parsed later comes after it: nothing moved.
    document.body.insertAdjacentHTML('beforeend', '<header>Site</header>');
    expect([...document.body.children].map((c) => c.tagName)).toEqual(['DIV', 'HEADER']);
  });

  it('once the page has content, stacks banners in a dock at the bottom with as much room at the end of the page', () => {
    document.body.innerHTML = '<header>Site</header><footer>End</footer>';
    const first = showBanner(document, banner(), 'One', () => {});
    const second = showBanner(document, banner({ position: 'bottom' }), 'Two', () => {});
    const dock = document.querySelector('.tailor-dock')!;
    expect([...dock.children].map((c) => c.textContent)).toEqual(['One×', 'Two×']);
    // The dock, then the room it needs, come after the page's own content.
    expect(
      [...document.body.children].map((c) => c.tagName + (c.className ? `.${c.className}` : '')),
    ).toEqual(['HEADER', 'FOOTER', 'DIV.tailor-dock', 'DIV']);
    expect(document.body.lastElementChild!.getAttribute('style')).toMatch(/height: ?\d+px/);
    first();
    expect(dock.children).toHaveLength(1);
    second();
    // The last one takes the dock, the room and the shared style with it.
    expect(document.body.innerHTML).toBe('<header>Site</header><footer>End</footer>');
    expect(document.head.querySelector('style')).toBeNull();
  });

  it('renders with the HTML and a labelled close button', () => {
    const onDismiss = vi.fn();
    showBanner(document, banner(), '<strong>Free shipping</strong>', onDismiss);
    const el = document.querySelector('.tailor-banner')!;
    expect(el).not.toBeNull();
    expect(el.classList.contains('tailor-banner--top')).toBe(true);
    expect(el.classList.contains('tailor-banner--bottom')).toBe(false);
    expect(el.querySelector('strong')!.textContent).toBe('Free shipping');
    const close = el.querySelector('button')!;
    expect(close.getAttribute('aria-label')).toBeTruthy();
    expect(close.getAttribute('type')).toBe('button');
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('renders at the bottom', () => {
    showBanner(document, banner({ position: 'bottom' }), 'x', () => {});
    const el = document.querySelector('.tailor-banner')!;
    expect(el.classList.contains('tailor-banner--bottom')).toBe(true);
    expect(el.classList.contains('tailor-banner--top')).toBe(false);
  });

  it('is removed and reports the dismissal when closed', () => {
    const onDismiss = vi.fn();
    showBanner(document, banner({ dismissible: true }), 'x', onDismiss);
    document.querySelector<HTMLButtonElement>('.tailor-banner button')!.click();
    expect(document.querySelector('.tailor-banner')).toBeNull();
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('is removed by its revert without reporting a dismissal', () => {
    const onDismiss = vi.fn();
    const revert = showBanner(document, banner(), 'x', onDismiss);
    revert();
    expect(document.querySelector('.tailor-banner')).toBeNull();
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('has no close button when not dismissible', () => {
    showBanner(document, banner({ dismissible: false }), '<a href="/x">go</a>', () => {});
    expect(document.querySelector('.tailor-banner button')).toBeNull();
    expect(document.querySelector('.tailor-banner a')).not.toBeNull();
  });

  it('sanitizes the theme into a single class', () => {
    showBanner(document, banner({ theme: 'dark" onclick="x <b>' }), 'x', () => {});
    const el = document.querySelector('.tailor-banner')!;
    expect(el.getAttribute('onclick')).toBeNull();
    expect([...el.classList]).toContain('tailor-banner--darkonclickxb');
    expect([...el.classList].every((c) => /^[\w-]+$/.test(c))).toBe(true);
    document.body.innerHTML = '';
    showBanner(document, banner({ theme: 'promo-red' }), 'x', () => {});
    expect(document.querySelector('.tailor-banner')!.classList.contains('tailor-banner--promo-red')).toBe(
      true,
    );
  });
});

describe('overlay', () => {
  it('is a labelled modal dialog, focus moves in and returns on close', () => {
    const opener = document.createElement('button');
    opener.textContent = 'open';
    document.body.appendChild(opener);
    opener.focus();
    expect(document.activeElement).toBe(opener);
    const onDismiss = vi.fn();
    const close = showOverlay(document, overlay(), '<h2>Hello</h2><p>Text</p>', onDismiss);
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog).not.toBeNull();
    expect(dialog.getAttribute('aria-modal')).toBe('true');
    const h2 = dialog.querySelector('h2')!;
    expect(h2.id).toBeTruthy();
    expect(dialog.getAttribute('aria-labelledby')).toBe(h2.id);
    expect(dialog.hasAttribute('aria-label')).toBe(false);
    const btn = dialog.querySelector<HTMLButtonElement>('button.tailor-close')!;
    expect(btn.getAttribute('aria-label')).toBeTruthy();
    expect(dialog.contains(document.activeElement)).toBe(true);
    close();
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(document.activeElement).toBe(opener);
    expect(onDismiss).not.toHaveBeenCalled();
  });

  it('keeps an existing heading id', () => {
    showOverlay(document, overlay(), '<h1 id="mine">T</h1>', () => {});
    expect(document.querySelector('[role="dialog"]')!.getAttribute('aria-labelledby')).toBe('mine');
  });

  it('uses aria-label without a heading', () => {
    showOverlay(document, overlay(), '<p>No heading</p>', () => {});
    const dialog = document.querySelector('[role="dialog"]')!;
    expect(dialog.getAttribute('aria-label')).toBeTruthy();
    expect(dialog.hasAttribute('aria-labelledby')).toBe(false);
  });

  it('slide-in is not modal', () => {
    showOverlay(document, overlay({ layout: 'slide-in' }), '<p>x</p>', () => {});
    expect(document.querySelector('[role="dialog"]')!.getAttribute('aria-modal')).toBe('false');
    expect(document.querySelector('.tailor-overlay--slide-in')).not.toBeNull();
  });

  it('Escape closes, reports the dismissal and returns focus', () => {
    const opener = document.createElement('a');
    opener.href = '/x';
    document.body.appendChild(opener);
    opener.focus();
    const onDismiss = vi.fn();
    showOverlay(document, overlay(), '<p>x</p>', onDismiss);
    expect(document.activeElement).not.toBe(opener);
    key('Escape');
    expect(document.querySelector('[role="dialog"]')).toBeNull();
    expect(onDismiss).toHaveBeenCalledTimes(1);
    expect(document.activeElement).toBe(opener);
    // Listener removed: a second Escape does nothing.
    key('Escape');
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('the close button dismisses', () => {
    const onDismiss = vi.fn();
    showOverlay(document, overlay(), '<p>x</p>', onDismiss);
    document.querySelector<HTMLButtonElement>('.tailor-close')!.click();
    expect(document.querySelector('.tailor-overlay')).toBeNull();
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('a non-dismissible overlay ignores Escape and has no close button', () => {
    const onDismiss = vi.fn();
    const close = showOverlay(document, overlay({ dismissible: false }), '<p>x</p>', onDismiss);
    expect(document.querySelector('.tailor-close')).toBeNull();
    key('Escape');
    document.querySelector<HTMLElement>('.tailor-overlay')!.click();
    expect(document.querySelector('[role="dialog"]')).not.toBeNull();
    expect(onDismiss).not.toHaveBeenCalled();
    close();
    expect(document.querySelector('.tailor-overlay')).toBeNull();
  });

  it('a backdrop click dismisses a modal, a click inside does not', () => {
    const onDismiss = vi.fn();
    showOverlay(document, overlay(), '<p>inside</p>', onDismiss);
    document.querySelector<HTMLElement>('.tailor-dialog p')!.click();
    expect(document.querySelector('.tailor-overlay')).not.toBeNull();
    document.querySelector<HTMLElement>('.tailor-overlay')!.click();
    expect(document.querySelector('.tailor-overlay')).toBeNull();
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('traps Tab inside a modal', () => {
    showOverlay(document, overlay(), '<a href="/a">first</a><input id="mid">', () => {});
    const dialog = document.querySelector('.tailor-dialog')!;
    const first = dialog.querySelector('a')!;
    const last = dialog.querySelector('.tailor-close') as HTMLElement;
    expect(document.activeElement).toBe(first);
    // Shift+Tab on the first wraps to the last.
    let e = key('Tab', true);
    expect(e.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(last);
    // Tab on the last wraps to the first.
    e = key('Tab');
    expect(e.defaultPrevented).toBe(true);
    expect(document.activeElement).toBe(first);
    // Tab in the middle is left to the browser.
    (dialog.querySelector('#mid') as HTMLElement).focus();
    e = key('Tab');
    expect(e.defaultPrevented).toBe(false);
  });

  it('brings focus back into a modal when Tab is pressed while focus is outside', () => {
    const outside = document.createElement('button');
    document.body.appendChild(outside);
    showOverlay(document, overlay(), '<a href="/a">first</a>', () => {});
    outside.focus();
    const e = key('Tab');
    expect(e.defaultPrevented).toBe(true);
    expect(document.querySelector('.tailor-dialog')!.contains(document.activeElement)).toBe(true);
  });

  it('keeps Tab on the dialog when it has nothing focusable', () => {
    showOverlay(document, overlay({ dismissible: false }), '<p>x</p>', () => {});
    const dialog = document.querySelector<HTMLElement>('.tailor-dialog')!;
    expect(document.activeElement).toBe(dialog);
    expect(key('Tab').defaultPrevented).toBe(true);
  });

  it('does not trap Tab in a slide-in', () => {
    showOverlay(document, overlay({ layout: 'slide-in' }), '<a href="/a">only</a>', () => {});
    expect(key('Tab').defaultPrevented).toBe(false);
  });

  it('a backdrop click does not dismiss a slide-in', () => {
    const onDismiss = vi.fn();
    showOverlay(document, overlay({ layout: 'slide-in' }), '<p>x</p>', onDismiss);
    document.querySelector<HTMLElement>('.tailor-overlay')!.click();
    expect(onDismiss).not.toHaveBeenCalled();
    key('Escape');
    expect(onDismiss).toHaveBeenCalledTimes(1);
  });

  it('stops handling keys once the page removed the overlay', () => {
    const onDismiss = vi.fn();
    widgets.showOverlay(document, overlay({ dismissible: false }), '<p>x</p>', onDismiss);
    document.body.innerHTML = '<button id="b">page</button>';
    document.querySelector<HTMLElement>('#b')!.focus();
    expect(key('Tab').defaultPrevented).toBe(false);
    widgets.showOverlay(document, overlay(), '<p>x</p>', onDismiss);
    document.body.innerHTML = '';
    key('Escape');
    expect(onDismiss).not.toHaveBeenCalled();
  });
});

describe('styles', () => {
  it('addStyle uses the page script nonce and reverts', () => {
    const s = document.createElement('script');
    s.setAttribute('nonce', 'abc123');
    document.head.appendChild(s);
    expect(pageNonce(document)).toBe('abc123');
    const revert = addStyle(document, '.x{color:red}');
    const style = document.head.lastElementChild as HTMLStyleElement;
    expect(style.tagName).toBe('STYLE');
    expect(style.textContent).toBe('.x{color:red}');
    expect(style.nonce || style.getAttribute('nonce')).toBe('abc123');
    revert();
    expect(document.querySelector('style')).toBeNull();
  });

  it('addStyle without a nonce on the page adds none', () => {
    addStyle(document, '.x{}');
    const style = document.querySelector('style')!;
    expect(style.nonce || style.getAttribute('nonce') || '').toBe('');
  });

  it('adds one shared widget stylesheet for any number of widgets', () => {
    showBanner(document, banner(), 'a', () => {});
    showBanner(document, banner({ position: 'bottom' }), 'b', () => {});
    showOverlay(document, overlay(), 'c', () => {});
    const styles = document.querySelectorAll('style');
    expect(styles).toHaveLength(1);
    expect(styles[0]!.textContent).toContain('.tailor-banner');
  });

  it('uses the nonce for the widget stylesheet and re-adds it after it was removed', () => {
    const s = document.createElement('script');
    s.setAttribute('nonce', 'n0nce');
    document.head.appendChild(s);
    showBanner(document, banner(), 'a', () => {});
    const style = document.querySelector('style')!;
    expect(style.nonce || style.getAttribute('nonce')).toBe('n0nce');
    style.remove();
    showBanner(document, banner(), 'b', () => {});
    expect(document.querySelectorAll('style')).toHaveLength(1);
  });
});

// Regression: the shared widget `<style>` stayed in <head> after destroy(), and reverted
// style/class actions left `style=""`/`class=""` or re-serialized attributes behind.
describe('destroy leaves no trace (docs/experiences.md#rendering)', () => {
  it('removes the widget stylesheet with the last widget and adds it again for the next', () => {
    const b1 = showBanner(document, banner(), 'a', () => {});
    const close = widgets.showOverlay(document, overlay(), 'c', () => {});
    b1();
    expect(document.querySelectorAll('style')).toHaveLength(1);
    close();
    expect(document.head.innerHTML).toBe('');
    const b2 = showBanner(document, banner(), 'b', () => {});
    expect(document.querySelectorAll('style')).toHaveLength(1);
    b2();
    expect(document.head.innerHTML).toBe('');
  });

  it('a dismissed widget takes the stylesheet too when it was the last', () => {
    showBanner(document, banner(), 'a', () => {});
    document.querySelector<HTMLButtonElement>('.tailor-close')!.click();
    expect(document.querySelector('style')).toBeNull();
  });

  it('the renderer puts back the exact document: widgets, css, style and class changes', () => {
    document.head.innerHTML = '<title>t</title>';
    document.body.innerHTML =
      '<h1>A</h1><h2 style="color:blue">B</h2><p class="x  y">C</p><a href="/">D</a><div id="i">E</div>';
    const original = document.documentElement.outerHTML;
    const actions = [
      { type: 'style', selector: 'h1', value: { color: 'red' } },
      { type: 'style', selector: 'h2', value: { color: 'red', margin: '0' } },
      { type: 'class', selector: 'h1', add: ['n'] },
      { type: 'class', selector: 'p', add: ['n'], remove: ['x'] },
      { type: 'cta', selector: 'a', add: ['hot'], text: 'Go' },
      { type: 'hide', selector: '#i' },
      { type: 'css', value: 'h1{font-weight:400}' },
      { type: 'banner', value: 'Hi' },
      { type: 'overlay', value: 'Hello' },
    ] as Action[];
    const experience = { id: 'e', variants: [{ id: 'v', actions }] } as Experience;
    const item: RenderItem = { _experience: experience, _variant: 'v', _actions: actions };
    const renderer = createRenderer(window, () => 0, vi.fn(), { _exposed: vi.fn(), _dismissed: vi.fn() });
    renderer._sync([item], {}, true);
    expect(document.querySelectorAll('style')).toHaveLength(2);
    expect(document.querySelector('.tailor-banner')).not.toBeNull();
    renderer._stop();
    expect(document.documentElement.outerHTML).toBe(original);
  });
});
