/**
 * Banner and overlay widgets (docs/experiences.md#actions). A banner never covers the page's
 * own content: shown before the page has any content (a tag deciding in `<head>`), a top banner
 * takes its place at the top of the page (there is nothing to shift); otherwise it is fixed to the bottom edge
 * and an empty block of its height at the end of the page keeps everything reachable, so the
 * content on screen never moves (CLS). The styles have zero specificity (`:where()`), so any
 * rule of the site wins (docs/experiences.md#widgets). One `<style>`, with the page's CSP nonce.
 */
import type { BannerAction, OverlayAction } from '../manifest/types';
import { htmlFragment } from './html';
import { styleElement } from './style';

const CSS =
  ':where(.tailor-dock){position:fixed;left:0;right:0;bottom:0;z-index:2147483000}' +
  ':where(.tailor-banner){position:relative;text-align:center;padding:.75em 3em;background:#111;color:#fff;font:inherit}' +
  ':where(.tailor-close){position:absolute;right:.5em;top:50%;transform:translateY(-50%);background:none;border:0;' +
  'color:inherit;font-size:1.5em;line-height:1;cursor:pointer;padding:.25em .5em}' +
  ':where(.tailor-overlay){position:fixed;inset:0;z-index:2147483001;display:flex;align-items:center;' +
  'justify-content:center;background:#0008}:where(.tailor-dialog){position:relative;' +
  'max-width:min(32em,90vw);max-height:90vh;overflow:auto;background:#fff;' +
  'color:#111;padding:2em;border-radius:.5em}' +
  ':where(.tailor-overlay--slide-in){inset:auto 1em 1em auto;background:none}' +
  ':where(.tailor-overlay--slide-in .tailor-dialog){animation:tailor-in .25s ease-out;box-shadow:0 .5em 2em #0005}' +
  ':where(.tailor-dialog .tailor-close){top:.75em;transform:none}' +
  '@keyframes tailor-in{from{opacity:0}}@media (prefers-reduced-motion:reduce){:where(.tailor-dialog){animation:none}}';

let styleEl: HTMLStyleElement | null = null;

/** Creates a widget's `<div>` with the manifest HTML (and the widget styles on the page). */
function widget(doc: Document, className: string, role: string, html: string): HTMLElement {
  if (!styleEl?.isConnected) styleEl = styleElement(doc, CSS);
  const el = doc.createElement('div');
  el.className = className;
  el.setAttribute('role', role);
  el.appendChild(htmlFragment(html));
  return el;
}

/** Takes a widget off the page; the shared `<style>` goes with the last one (`destroy()` leaves no trace, docs/experiences.md#rendering). */
function removeWidget(el: Element): void {
  const doc = el.ownerDocument;
  el.remove();
  if (!doc.querySelector('.tailor-banner,.tailor-overlay')) styleEl?.remove();
}

function closeButton(doc: Document, onClose: () => void): HTMLButtonElement {
  const b = doc.createElement('button');
  b.type = 'button';
  b.className = 'tailor-close';
  b.setAttribute('aria-label', 'Close');
  b.textContent = '×';
  b.addEventListener('click', onClose);
  return b;
}

/**
 * Banners shown after the first paint: stacked in one block fixed to the bottom edge, and as
 * much room at the end of the page (one pixel more: `offsetHeight` is rounded), so that
 * scrolling to the end shows everything.
 */
let dock: HTMLElement | null = null;
let room: HTMLElement | null = null;
const sizeRoom = () => {
  room!.style.height = `${dock!.offsetHeight + 1}px`;
};

/** Shows a banner; `onDismiss` runs when the visitor closes it. Returns its revert. */
export function showBanner(
  doc: Document,
  action: BannerAction,
  html: string,
  onDismiss: () => void,
  unpainted?: boolean,
): () => void {
  const el = widget(
    doc,
    `tailor-banner tailor-banner--${action.position === 'bottom' ? 'bottom' : 'top'}${
      action.theme ? ` tailor-banner--${action.theme.replace(/[^\w-]/g, '')}` : ''
    }`,
    'region',
    html,
  );
  el.setAttribute('aria-label', 'Announcement');
  // Only into a page not rendered yet (`unpainted`: the first paint held for the banner, no frame
  // since) or a body with no content yet does a banner go in the flow: nothing on it can move.
  // Otherwise (painted, or maybe: paint timing comes a frame late) it goes into the dock.
  const docked = action.position === 'bottom' || (!unpainted && doc.body.firstElementChild);
  const remove = () => {
    removeWidget(el);
    if (dock?.firstChild) sizeRoom();
    else dock?.remove(), room?.remove();
  };
  if (action.dismissible !== false) el.appendChild(closeButton(doc, () => (remove(), onDismiss())));
  if (docked) {
    if (!dock?.isConnected) {
      dock = doc.createElement('div');
      dock.className = 'tailor-dock';
      room = doc.createElement('div');
      doc.body.append(dock, room);
    }
    dock.append(el);
    sizeRoom();
  } else doc.body.prepend(el);
  return remove;
}

/** Ids given to dialog headings that have none. */
let titles = 0;

const FOCUSABLE = 'a[href],button,input,select,textarea,[tabindex]:not([tabindex="-1"])';

/**
 * Shows an accessible dialog: `role="dialog"`, `aria-modal`, a labelled close button, Esc
 * closes, focus moves in and returns to where it was (WAI-ARIA dialog pattern).
 */
export function showOverlay(
  doc: Document,
  action: OverlayAction,
  html: string,
  onDismiss: () => void,
): () => void {
  const slideIn = action.layout === 'slide-in';
  const dialog = widget(doc, 'tailor-dialog', 'dialog', html);
  dialog.setAttribute('aria-modal', slideIn ? 'false' : 'true');
  dialog.tabIndex = -1;
  const wrap = doc.createElement('div');
  wrap.className = `tailor-overlay${slideIn ? ' tailor-overlay--slide-in' : ''}`;
  const heading = dialog.querySelector('h1,h2,h3,h4,h5,h6');
  if (heading) {
    heading.id ||= `tailor-title-${++titles}`;
    dialog.setAttribute('aria-labelledby', heading.id);
  } else dialog.setAttribute('aria-label', 'Message');
  wrap.appendChild(dialog);
  const opener = doc.activeElement as HTMLElement | null;
  const close = () => {
    doc.removeEventListener('keydown', onKey, true);
    removeWidget(wrap);
    if (opener?.isConnected) opener.focus?.();
  };
  const dismiss = () => (close(), onDismiss());
  const onKey = (e: KeyboardEvent) => {
    // The page removed the overlay (an SPA render): stop handling keys.
    if (!wrap.isConnected) return doc.removeEventListener('keydown', onKey, true);
    if (e.key === 'Escape' && action.dismissible !== false) dismiss();
    else if (e.key === 'Tab' && !slideIn) {
      // Keep focus inside a modal dialog.
      const items = [...dialog.querySelectorAll<HTMLElement>(FOCUSABLE)];
      const first = items[0];
      const last = items[items.length - 1]!;
      const active = doc.activeElement;
      if (!first) return e.preventDefault();
      if (!dialog.contains(active) || (!e.shiftKey && active === last)) first.focus(), e.preventDefault();
      else if (e.shiftKey && active === first) last.focus(), e.preventDefault();
    }
  };
  if (action.dismissible !== false) {
    dialog.appendChild(closeButton(doc, dismiss));
    if (!slideIn) wrap.addEventListener('click', (e) => e.target === wrap && dismiss());
  }
  doc.addEventListener('keydown', onKey, true);
  doc.body.appendChild(wrap);
  (dialog.querySelector<HTMLElement>(FOCUSABLE) || dialog).focus();
  return close;
}
