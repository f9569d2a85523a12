import type { JsonValue } from '../manifest/types';

/**
 * The latest value of each listed key pushed to `window.dataLayer` (the GTM convention: an
 * array of plain objects; GTM also pushes `arguments` objects for gtag calls, which have no
 * own string keys of interest and are skipped by the own-property check).
 */
export function readDataLayer(keys: readonly string[] | undefined): Record<string, JsonValue> {
  const out: Record<string, JsonValue> = {};
  const layer = (globalThis as { dataLayer?: unknown }).dataLayer;
  if (!keys?.length || !Array.isArray(layer)) return out;
  for (const entry of layer) {
    if (!entry || typeof entry !== 'object') continue;
    for (const k of keys)
      if (Object.hasOwn(entry, k)) out[k] = (entry as Record<string, JsonValue>)[k] ?? null;
  }
  return out;
}
