/**
 * Dotted-path lookup over own properties only: `__proto__`, `constructor` and inherited
 * members are never reached, so a condition or template cannot walk into prototypes.
 */
export function getPath(obj: unknown, path: string): unknown {
  let v = obj;
  for (const p of String(path).split('.')) {
    if (!v || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
    v = (v as Record<string, unknown>)[p];
  }
  return v;
}

/** getPath for one path (compiled conditions). */
export const compilePath =
  (path: string) =>
  (obj: unknown): unknown =>
    getPath(obj, path);
