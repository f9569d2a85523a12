import { cached } from './cached';

/** Paths split once: they come from manifests (conditions, templates, units), which name few. */
const split = new Map<unknown, string[]>();

/**
 * Dotted-path lookup over own properties only: `__proto__`, `constructor` and inherited
 * members are never reached, so a condition or template cannot walk into prototypes.
 */
export function getPath(obj: unknown, path: string): unknown {
  let v = obj;
  for (const p of cached(split, path, () => String(path).split('.'))) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/**
 * getPath for one path (compiled conditions: `matches`), split once by the compiler. Its own
 * walk, the same as getPath's, so that the npm `matches` import carries no path cache.
 */
export const compilePath = (path: string) => {
  const parts = String(path).split('.');
  return (obj: unknown): unknown => {
    let v = obj;
    for (const p of parts) {
      if (!v || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
};
