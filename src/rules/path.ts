/**
 * Dotted-path lookup over own properties only: `__proto__`, `constructor` and inherited
 * members are never reached, so a condition or template cannot walk into prototypes.
 */
export function compilePath(path: string): (obj: unknown) => unknown {
  const parts = String(path).split('.');
  return (obj) => {
    let v: unknown = obj;
    for (const p of parts) {
      if (!v || typeof v !== 'object' || !Object.hasOwn(v, p)) return undefined;
      v = (v as Record<string, unknown>)[p];
    }
    return v;
  };
}

export function getPath(obj: unknown, path: string): unknown {
  return compilePath(path)(obj);
}
