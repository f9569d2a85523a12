import { cached } from './cached';

/**
 * Dotted-path lookup over own properties only: `__proto__`, `constructor` and inherited
 * members are never reached, so a condition or template cannot walk into prototypes.
 */
const walk = (obj: unknown, parts: readonly string[]): unknown => {
  let v = obj;
  for (const p of parts) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
};

/** Paths split once: they come from manifests (conditions, templates, units), which name few. */
const split = new Map<unknown, string[]>();

/** The value at a dotted path (see walk), the path split once per page. */
export const getPath = (obj: unknown, path: string): unknown =>
  walk(
    obj,
    cached(split, path, () => String(path).split('.')),
  );

/**
 * getPath for one path, split by the caller (compiled conditions: `matches`; scores; the debug
 * view): those bundles carry no path cache.
 */
export const compilePath = (path: string) => {
  const parts = String(path).split('.');
  return (obj: unknown): unknown => walk(obj, parts);
};
