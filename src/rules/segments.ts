import type { Context, Manifest } from '../manifest/types';
import { checkCondition, holds } from './read';

/**
 * The segments of one context. Each is evaluated on first use: by an audience's `$segment`
 * while deciding, or by `all()`, which lists them for events and the debug view once the page
 * has rendered. So a decision costs only the segments its audiences read.
 */
export interface Segments {
  has(name: string): boolean;
  /** Names of the segments the context is in, in declaration order. */
  all(): string[];
}

/**
 * Compiles the manifest's segments once. In declaration order: a segment's `$segment` sees
 * the segments declared before it only (one declared later, or itself, reads false).
 */
export function compileSegments(
  segments: Manifest['segments'],
  onError: (message: string, name: string) => void,
  trusted?: unknown,
): (context: Context | object) => Segments {
  const names = Object.keys(segments || {});
  // A condition with a problem (reported now) is nobody: `false` is no condition, never held.
  const conditions = names.map(
    (name) => (trusted || checkCondition(segments![name], (m) => onError(m, name))) && segments![name],
  );
  return (context) => {
    const known: boolean[] = [];
    /** What segment `i` sees: those declared before it. */
    const before = (i: number): Segments => ({
      has: (name) => {
        const j = names.indexOf(name);
        if (j < 0 || j >= i) return false;
        if (!(j in known)) known[j] = holds(conditions[j], context, before(j));
        return known[j]!;
      },
      all: () => names.filter(before(i).has),
    });
    return before(names.length);
  };
}
