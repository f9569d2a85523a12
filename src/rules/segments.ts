import type { Context, Manifest } from '../manifest/types';
import { readCondition } from './read';

/**
 * Compiles the manifest's segments once; the returned function lists the segments a context
 * is in, evaluated in declaration order so a segment can use `$segment` on earlier ones.
 */
export function compileSegments(
  segments: Manifest['segments'],
  onError: (message: string, name: string) => void,
  trusted?: unknown,
): (context: Context | object) => string[] {
  const compiled = Object.entries(segments || {}).map(
    ([name, condition]) => [name, readCondition(condition, (m) => onError(m, name), trusted)] as const,
  );
  return (context) => {
    const inside = new Set<string>();
    for (const [name, predicate] of compiled) if (predicate(context, inside)) inside.add(name);
    return [...inside];
  };
}
