/**
 * `map`'s value for `key`, made on first use. Path readers and regexes are shared by every
 * condition (a manifest repeats them); those module-wide maps are emptied past `cap` entries.
 */
export const cached = <K, T>(map: Map<K, T>, key: K, make: () => T, cap = Infinity): T => {
  if (map.has(key)) return map.get(key) as T;
  if (map.size >= cap) map.clear();
  const v = make();
  map.set(key, v);
  return v;
};
