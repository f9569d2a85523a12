/**
 * What the runtime listens to on the page after the first decision (in the tags' post-paint
 * chunk): URL changes by `history.pushState`/`replaceState` and `popstate` (a new page view),
 * `data-tailor-set` persona picks, and pushes of the manifest's `dataLayer` keys. Returns the
 * cleanup that puts everything back.
 */
export interface PageHooks {
  /** A history change: the runtime starts a page view when the URL (without hash) changed. */
  _nav(): void;
  /** A `data-tailor-set="trait=value"` element was clicked. */
  _pick(trait: string, value: string): void;
  /** A dataLayer push carried one of `keys`. */
  _layer(): void;
}

export function listenPage(w: Window, keys: unknown, hooks: PageHooks): () => void {
  const cleanups: (() => void)[] = [];
  const onNav = () => hooks._nav();
  const h = w.history;
  for (const name of ['pushState', 'replaceState'] as const) {
    const original = h[name];
    const patched = function (this: History, ...args: Parameters<History['pushState']>) {
      const r = original.apply(this, args);
      try {
        onNav();
      } catch {}
      return r;
    };
    h[name] = patched;
    cleanups.push(() => {
      if (h[name] === patched) h[name] = original;
    });
  }
  const onClick = (e: Event) => {
    const el = (e.target as Element | null)?.closest?.('[data-tailor-set]');
    const [key, ...rest] = (el?.getAttribute('data-tailor-set') || '').split('=');
    const trait = key?.trim();
    if (trait) hooks._pick(trait, rest.join('=').trim());
  };
  // dataLayer keys: a later push of a listed key re-decides, as set() does (GTM wraps `push`
  // the same way, before or after us, so both see every entry).
  if (Array.isArray(keys) && keys.length) {
    const g = w as unknown as { dataLayer?: unknown[] };
    g.dataLayer ||= [];
    const layer = g.dataLayer;
    const push = layer.push;
    const watched = function (this: unknown[], ...entries: unknown[]) {
      const r = push.apply(this, entries);
      if (entries.some((x) => x && typeof x === 'object' && keys.some((k) => Object.hasOwn(x, k))))
        hooks._layer();
      return r;
    };
    layer.push = watched;
    cleanups.push(() => {
      if (layer.push === watched) layer.push = push;
    });
  }
  w.addEventListener('popstate', onNav);
  w.document.addEventListener('click', onClick, true);
  cleanups.push(() => {
    w.removeEventListener('popstate', onNav);
    w.document.removeEventListener('click', onClick, true);
  });
  return () => {
    for (const c of cleanups.splice(0)) c();
  };
}
