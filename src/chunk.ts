/**
 * Loads the script tags' chunks (`tailor.<name>.js`) from the verified tag's own address, never
 * from anything the page's markup can name: the tag hands its `<script>` element over at boot.
 * A dynamic `import()` carries the tag's CSP nonce (`'strict-dynamic'` trusts it) and is no
 * Trusted Types sink, so chunks load on strict pages without a policy. A chunk announces itself
 * through `window.tailorChunk(name, exports)`, which the core defines as its own property before
 * the first load: markup (`<img name="tailorChunk">`) cannot stand in for it. The build prints
 * each file's Subresource Integrity hash.
 */
const KEY = 'tailorChunk';
let tag: HTMLScriptElement | null = null;
const loads: Record<string, Promise<unknown>> = {};
const arrived: Record<string, unknown> = {};

/** The tag's own `<script>` element (verified by the tag); chunks load beside it. */
export const setChunkBase = (script: HTMLScriptElement | null) => {
  tag = script;
};

/**
 * The address of the post-paint chunk beside the verified tag, for the site tags' first-paint
 * hold (src/render/render.ts); undefined for an inline tag, which has no address.
 */
export const postURL = (): string | undefined => tag?.src && new URL('tailor.post.js', tag.src).href;

export function loadChunk<T>(name: string): Promise<T> {
  loads[name] ||= Promise.resolve().then(() => {
    Object.defineProperty(window, KEY, {
      configurable: true,
      value: (n: string, exports: unknown) => {
        arrived[n] = exports;
      },
    });
    // An inline tag has no address: `new URL` throws, nothing is requested, the error says why.
    return import(new URL(`tailor.${name}.js`, tag?.src).href).then(
      // The debug view registers nothing: it goes through the command queue.
      () => arrived[name] || {},
      (e) => {
        throw new Error(`could not load tailor.${name}.js: ${e?.message || e}`);
      },
    );
  });
  return loads[name] as Promise<T>;
}
