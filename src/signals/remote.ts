/**
 * Remote enrichment (docs/manifest.md): JSON from `manifest.remote` endpoints, exposed as
 * `remote.<name>.*`. Fetched only when a condition, score or template references it; cached in
 * sessionStorage for `ttlSeconds`; on timeout, HTTP error or invalid JSON the value is null and
 * the page view goes on.
 */
import type { JsonValue, Manifest, RemoteSource } from '../manifest/types';
import type { Store } from '../storage/store';

/** Names `n` whose `remote.n` appears in a segment, audience, score weight or template. */
export function referencedRemotes(manifest: Manifest): Set<string> {
  const names = new Set<string>();
  const sources = manifest.remote || {};
  let text: string | undefined;
  for (const name in sources) {
    // Serialized only when there is a source to look for (most manifests have none).
    text ??= JSON.stringify([manifest.segments, manifest.scores, manifest.experiences]);
    // An occurrence not followed by a name character (`remote.a` is not `remote.ab`).
    const ref = `remote.${name}`;
    for (let i = text.indexOf(ref); i >= 0; i = text.indexOf(ref, i + 1))
      if (!/[\w-]/.test(text[i + ref.length] || '')) names.add(name);
  }
  return names;
}

/** What a fetch needs from the runtime. */
export interface RemoteDeps {
  now: number;
  /**
   * The session store the values are cached in, made by the runtime for this load (persisting
   * only with consent to store). No module-level memory: a cached value lives only in
   * sessionStorage, so forget() (which clears it) cannot be undone by a memory copy flushed
   * back on consent. The chunk carries no store code of its own.
   */
  cache: Store;
}

/**
 * Fetches one source. `url` is the source URL with its templates already filled (URL-encoded)
 * by the runtime, which owns the template engine.
 */
export async function fetchRemote(
  name: string,
  source: RemoteSource,
  url: string,
  deps: RemoteDeps,
): Promise<JsonValue | null> {
  const { cache } = deps;
  const key = `tlr_remote_${name}`;
  try {
    const hit = JSON.parse(cache.get(key) || 'null');
    if (hit && hit.url === url && deps.now - hit.at < (source.ttlSeconds ?? 1800) * 1000) return hit.value;
  } catch {}
  const ctrl = new AbortController();
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctrl.abort();
        reject(new Error('timeout'));
      }, source.timeoutMs ?? 400);
    });
    const res = await Promise.race([
      fetch(url, { signal: ctrl.signal, credentials: 'same-origin' }),
      timeout,
    ]);
    if (!res.ok) return null;
    const value = (await Promise.race([res.json(), timeout])) as JsonValue;
    cache.set(key, JSON.stringify({ url, at: deps.now, value }));
    return value;
  } catch {
    return null;
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Fetches the sources `names` of `sources` at once: their values by name, null for one that gave
 * none (reported). `fill` fills a source URL's templates (the runtime owns the template engine).
 */
export async function fetchRemotes(
  names: Iterable<string>,
  sources: Manifest['remote'],
  fill: (url: string) => string,
  deps: RemoteDeps,
  report: (message: string, path: string) => void,
): Promise<Record<string, JsonValue>> {
  const out: Record<string, JsonValue> = {};
  await Promise.all(
    [...names].map(async (name) => {
      const source = sources?.[name];
      if (!source) return;
      out[name] = await fetchRemote(name, source, fill(source.url), deps);
      if (out[name] === null)
        report(`remote "${name}" gave no data (timeout, error or invalid JSON)`, `remote.${name}`);
    }),
  );
  return out;
}
