/**
 * Goals detected without code (docs/manifest.md, docs/events.md): `pageview` by path (in the core: a fast exit from
 * a thank-you page must still count), `click` by selector (a click on a descendant counts) and
 * `submit` of a matching form (in the tags' post-paint chunk). `event` goals come from `track()`.
 */
import { compilePathPattern } from '../manifest/pattern';
import type { Manifest } from '../manifest/types';

type Convert = (goal: string, value: number | undefined) => void;

/** The `pageview` goals: call the result with each page view's path. */
export function pageviewGoals(goals: Manifest['goals'], convert: Convert): (path: string) => void {
  const pages = Object.entries(goals || {}).flatMap(([name, g]) =>
    g.type === 'pageview' ? [[name, compilePathPattern(g.path), g.value] as const] : [],
  );
  return (path) => {
    for (const [name, matches, value] of pages) if (matches(path)) convert(name, value);
  };
}

/** Listens for the `click` and `submit` goals; returns the stop. */
export function watchGoals(doc: Document, goals: Manifest['goals'], convert: Convert): () => void {
  const entries = Object.entries(goals || {});
  // One listener for both kinds, in the capture phase: counted even when the page stops
  // propagation or navigates away.
  const onEvent = (e: Event) => {
    const type = e.type as 'click' | 'submit';
    const target = e.target as Element | null;
    for (const [name, g] of entries) {
      if (g.type !== type) continue;
      try {
        if (type === 'click' ? target?.closest?.(g.selector) : target?.matches?.(g.selector))
          convert(name, g.value);
      } catch {
        // An invalid selector is reported by the validator; it never matches.
      }
    }
  };
  // Only the kinds the manifest has: a listener costs the page (and the page view) time.
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    for (const type of ['click', 'submit'])
      if (entries.some(([, g]) => g.type === type)) doc[method](type, onEvent, true);
  };
  listen('addEventListener');
  return () => listen('removeEventListener');
}
