/**
 * `<style>` elements with the page's CSP nonce: the core's `css` action and anti-flicker hide,
 * and the widgets (in the post-paint chunk) share this.
 */
/** The nonce of the page's own scripts, for `<style>` elements under a strict CSP. */
export function pageNonce(doc: Document): string {
  const el = doc.querySelector<HTMLElement>('script[nonce],style[nonce]');
  return el?.nonce || el?.getAttribute('nonce') || '';
}

/** Appends a `<style>` element (with the page nonce) to `<head>`, or the root element without one. */
export function styleElement(doc: Document, css: string): HTMLStyleElement {
  const el = doc.createElement('style');
  const nonce = pageNonce(doc);
  if (nonce) el.nonce = nonce;
  el.textContent = css;
  return (doc.head || doc.documentElement).appendChild(el);
}

/** Adds a `<style>` element (with the page nonce); returns its revert. */
export function addStyle(doc: Document, css: string): () => void {
  const el = styleElement(doc, css);
  return () => el.remove();
}
