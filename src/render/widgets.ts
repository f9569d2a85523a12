/**
 * Banner and overlay widgets (docs/experiences.md#actions). Both are fixed-position, so they never shift page
 * content (CLS): a banner that arrives after first paint slides in over the page instead of
 * pushing it down. Styles are inline or in one `<style>` (with the page's CSP nonce).
 */
import type { BannerAction, OverlayAction } from '../manifest/types';
import { htmlFragment } from './html';
import { styleElement } from './style';

const CSS =
  '.tailor-banner{position:fixed;left:0;right:0;z-index:2147483000;display:flex;gap:1em;align-items:center;' +
  'justify-content:center;padding:.75em 3em .75em 1em;background:#111;color:#fff;font:inherit;' +
  'animation:tailor-in .25s ease-out}.tailor-banner--top{top:0}.tailor-banner--bottom{bottom:0}' +
  '.tailor-close{position:absolute;right:.5em;top:50%;transform:translateY(-50%);background:none;border:0;' +
  'color:inherit;font-size:1.5em;line-height:1;cursor:pointer;padding:.25em .5em}' +
  '.tailor-overlay{position:fixed;inset:0;z-index:2147483001;display:flex;align-items:center;' +
  'justify-content:center;background:rgba(0,0,0,.5)}.tailor-dialog{position:relative;max-width:min(32em,90vw);' +
  'max-height:90vh;overflow:auto;background:#fff;color:#111;padding:2em;border-radius:.5em}' +
  '.tailor-overlay--slide-in{inset:auto 1em 1em auto;background:none}' +
  '.tailor-overlay--slide-in .tailor-dialog{animation:tailor-in .25s ease-out;box-shadow:0 .5em 2em rgba(0,0,0,.3)}' +
  '.tailor-dialog .tailor-close{top:.75em;transform:none}' +
  '@keyframes tailor-in{from{opacity:0}}@media (prefers-reduced-motion:reduce){.tailor-banner,.tailor-dialog{animation:none}}';

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

/** Shows a banner; `onDismiss` runs when the visitor closes it. Returns its revert. */
export function showBanner(
  doc: Document,
  action: BannerAction,
  html: string,
  onDismiss: () => void,
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
  const remove = () => removeWidget(el);
  if (action.dismissible !== false) el.appendChild(closeButton(doc, () => (remove(), onDismiss())));
  doc.body.appendChild(el);
  return remove;
}

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
    heading.id ||= `tailor-title-${Math.random().toString(36).slice(2, 8)}`;
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
