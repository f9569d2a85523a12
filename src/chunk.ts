/**
 * Loads the script tags' chunks (`tailor.<name>.js`) from the verified tag's own address, never
 * from anything the page's markup can name: the tag hands its `<script>` element over at boot.
 * Each chunk is pinned by its Subresource Integrity hash (fixed when the tag was built, so a
 * changed or swapped file is refused) and carries the tag's CSP nonce. A chunk announces itself
 * through `window.tailorChunk(name, exports)`, which the core defines as its own property
 * before the first load: markup (`<img name="tailorChunk">`) cannot stand in for it.
 */
// @ts-expect-error: a virtual module of the build (rollup.config.mjs): { [chunk]: 'sha384-…' }
import integrity from 'tailor:integrity';

const KEY = 'tailorChunk';
let tag: HTMLScriptElement | null = null;
const loads: Record<string, Promise<unknown>> = {};
const waiting: Record<string, (exports: unknown) => void> = {};

/** The tag's own `<script>` element (verified by the tag); chunks load beside it. */
export const setChunkBase = (script: HTMLScriptElement | null) => {
  tag = script;
};

export function loadChunk<T>(name: string): Promise<T> {
  loads[name] ||= new Promise((resolve, reject) => {
    const file = `tailor.${name}.js`;
    const fail = (why: string) => reject(new Error(`could not load ${file}: ${why}`));
    // An inline tag has no address: nothing is requested and the error says why.
    if (!tag?.src) return fail('the tag has no src to load it beside');
    const w = window as unknown as Record<string, unknown>;
    if (!Object.hasOwn(w, KEY))
      Object.defineProperty(w, KEY, {
        configurable: true,
        value: (n: string, exports: unknown) => waiting[n]?.(exports),
      });
    waiting[name] = resolve as (exports: unknown) => void;
    const D = Document.prototype;
    const s = D.createElement.call(document, 'script') as HTMLScriptElement;
    s.src = new URL(file, tag.src).href;
    s.integrity = (integrity as Record<string, string>)[name] || '';
    // SRI needs a CORS response from another origin (public CDNs send one).
    s.crossOrigin = 'anonymous';
    s.nonce = tag.nonce || '';
    s.onerror = () => fail('the request failed or its integrity check did not match');
    (D.querySelector.call(document, 'head') || document.documentElement).appendChild(s);
  });
  return loads[name] as Promise<T>;
}
