/**
 * Every HTML string Tailor puts into the page goes through here. Manifest HTML is trusted
 * (docs/experiences.md#actions: it comes from the site's own manifest) and interpolated values are already
 * escaped by the template, so the Trusted Types policy passes strings through: it exists so
 * Tailor keeps working on pages with `require-trusted-types-for 'script'` instead of
 * throwing a TypeError at the `innerHTML` sink.
 * https://developer.mozilla.org/en-US/docs/Web/API/Trusted_Types_API
 */
import { HOLD_SCRIPT } from '../features';

interface Policy {
  createHTML(s: string): unknown;
  createScriptURL?(s: string): unknown;
}

let policy: Policy | null | undefined;

/**
 * `html`, or with `url` set a script address Tailor made itself (a chunk's, from the verified
 * tag's own address, never from the page), as the value its sink takes.
 */
export function toTrusted(html: string, url?: 1): string {
  if (policy === undefined) {
    policy = null;
    const tt = (globalThis as { trustedTypes?: { createPolicy(name: string, rules: Policy): Policy } })
      .trustedTypes;
    try {
      // The site tags' first-paint hold also sets a script's `src` (render/render.ts).
      if (tt)
        policy = tt.createPolicy(
          'tailor',
          HOLD_SCRIPT ? { createHTML: (s) => s, createScriptURL: (s) => s } : { createHTML: (s) => s },
        );
    } catch {
      // A `trusted-types` directive that does not allow our policy name: fall back to
      // plain strings, which the browser then refuses (reported by the caller).
    }
  }
  return (
    policy ? (HOLD_SCRIPT && url ? policy.createScriptURL!(html) : policy.createHTML(html)) : html
  ) as string;
}

/** Parses HTML into a fragment (for inserts, banners, overlays). */
export function htmlFragment(html: string): DocumentFragment {
  const t = document.createElement('template');
  t.innerHTML = toTrusted(html);
  return t.content;
}
