import type { PathPattern } from './types';

/**
 * Compiles a path pattern: a glob where `*` matches any run of characters (slashes included)
 * and the whole path must match, or `{ "regex": "..." }`. An invalid regex never matches
 * (the validator reports it); nothing throws.
 */
export function compilePathPattern(pattern: PathPattern): (path: string) => boolean {
  try {
    const re =
      typeof pattern === 'string'
        ? new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`)
        : new RegExp(pattern.regex);
    return (path) => re.test(path);
  } catch {
    return () => false;
  }
}
