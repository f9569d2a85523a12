/**
 * URL scheme guard for `attr` (URL attributes), `cta.href` and `redirect.url` (docs/experiences.md#actions):
 * only `http:`, `https:`, `mailto:`, `tel:` and relative URLs pass.
 *
 * Browsers strip leading/trailing C0 controls and spaces and remove tabs and newlines anywhere
 * before reading the scheme (WHATWG URL parsing), so `" java\tscript:"` runs as `javascript:`.
 * We normalize the same way, and additionally percent- and entity-decode first, so disguised
 * forms (`%20javascript:`, `&#106;avascript:`, `java&Tab;script:`) are refused too even where a browser would have
 * treated them as harmless relative paths: a marketer never means them.
 */
const ALLOWED = /^(https?|mailto|tel):/;

/**
 * The attributes a browser reads as URLs: one list for the renderer, the templates and the
 * validator. SVG animations count too: `<set attributeName="href" to="…">` (and `from`,
 * `values`) writes its value into a link.
 */
export const URL_ATTR =
  /^(href|src|srcset|action|formaction|poster|data|xlink:href|background|ping|cite|codebase|to|from|values)$/i;
const SCHEME = /^[a-z][a-z0-9+.-]*:/;

export function isSafeUrl(url: string): boolean {
  let s = String(url);
  for (let i = 0; i < 3; i++) {
    const next = s
      .replace(/&#x([\da-f]+);?/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
      .replace(/&#(\d+);?/g, (_, decimal) => String.fromCharCode(+decimal))
      .replace(/&colon;?/gi, ':')
      .replace(/&(tab|newline);/gi, '')
      // Per run of escapes: one stray `%` elsewhere must not stop the decoding.
      .replace(/(%[\da-f]{2})+/gi, (m) => {
        try {
          return decodeURIComponent(m);
        } catch {
          return m;
        }
      });
    if (next === s) break;
    s = next;
  }
  // C0 controls, space, DEL, C1 controls and every Unicode space (`\s`), zero-widths included.
  s = s.replace(/[\0-\x20\x7f-\xa0\u2000-\u200f\s]/g, '').toLowerCase();
  return !SCHEME.test(s) || ALLOWED.test(s);
}
