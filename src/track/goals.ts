/**
 * Goals detected without code (SPEC §6, §10): `pageview` by path, `click` by selector (a click
 * on a descendant counts), `submit` of a matching form. `event` goals come from `track()`.
 */
import { compilePathPattern } from '../manifest/pattern';
import type { Manifest } from '../manifest/types';

export interface Goals {
  /** A page view happened at `path`: fires the matching `pageview` goals. */
  _pageview(path: string): void;
  _stop(): void;
}

export function watchGoals(
  doc: Document | null,
  goals: Manifest['goals'],
  convert: (goal: string, value: number | undefined) => void,
): Goals {
  const entries = Object.entries(goals || {});
  const pages = entries.flatMap(([name, g]) =>
    g.type === 'pageview' ? [[name, compilePathPattern(g.path), g.value] as const] : [],
  );
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
  const listen = (method: 'addEventListener' | 'removeEventListener') => {
    for (const type of ['click', 'submit']) doc?.[method](type, onEvent, true);
  };
  listen('addEventListener');
  return {
    _pageview(path) {
      for (const [name, matches, value] of pages) if (matches(path)) convert(name, value);
    },
    _stop() {
      listen('removeEventListener');
    },
  };
}
