/**
 * Loads the script tags' chunks (`tailor.<name>.js`) from the verified tag's own address, never
 * from anything the page's markup can name: the tag hands its `<script>` element over at boot.
 * A dynamic `import()` carries the tag's CSP nonce (`'strict-dynamic'` trusts it) and is no
 * Trusted Types sink, so chunks load on strict pages without a policy. A chunk announces itself
 * through `window.tailorChunk(name, exports)`, which the core defines as its own property before
 * the first load: markup (`<img name="tailorChunk">`) cannot stand in for it. The build prints
 * each file's Subresource Integrity hash.
 */
import { toTrusted } from './render/html';

const KEY = 'tailorChunk';
let tag: HTMLScriptElement | null = null;
const loads: Record<string, Promise<unknown>> = {};
const arrived: Record<string, unknown> = {};

/** The tag's own `<script>` element (verified by the tag); chunks load beside it. */
export const setChunkBase = (script: HTMLScriptElement | null) => {
  tag = script;
};

/** Where chunk `name` is: beside the verified tag (an inline tag has none: this throws). */
const urlOf = (name: string) => new URL(`tailor.${name}.js`, tag?.src).href;

/**
 * Holds the first paint for chunk `name` (a banner shown on load by a tag in <head>): a
 * `<script type="module" blocking="render">` of it, with the tag's nonce, in <head>. The browser
 * renders nothing until the chunk has run or the element is removed (the caller removes it);
 * `import()` of the same address then shares that one fetch and run (the module map). 0 for an
 * inline tag, which has no address.
 */
export const holdFor = (doc: Document, name: string): Element | 0 =>
  tag?.src
    ? doc.head.appendChild(
        Object.assign(doc.createElement('script'), {
          type: 'module',
          blocking: 'render',
          src: toTrusted(urlOf(name), 1),
          nonce: tag.nonce,
        }),
      )
    : 0;

export function loadChunk<T>(name: string): Promise<T> {
  loads[name] ||= Promise.resolve().then(() => {
    Object.defineProperty(window, KEY, {
      configurable: true,
      value: (n: string, exports: unknown) => {
        arrived[n] = exports;
      },
    });
    // An inline tag has no address: `new URL` throws, nothing is requested, the error says why.
    return import(urlOf(name)).then(
      // The debug view registers nothing: it goes through the command queue.
      () => arrived[name] || {},
      (e) => {
        throw new Error(`could not load tailor.${name}.js: ${e?.message || e}`);
      },
    );
  });
  return loads[name] as Promise<T>;
}
