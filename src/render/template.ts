import { getPath } from '../rules/path';

/**
 * How an interpolated value is encoded (SPEC §8.3): `text` is used as-is (it ends up in
 * `textContent` or `setAttribute`, which never parse markup), `html` is HTML-escaped, `url`
 * is `encodeURIComponent`-encoded so a value can never add a scheme, a path or a parameter.
 */
export type TemplateMode = 'text' | 'html' | 'url';

const TOKEN = /\{\{\s*([^}|]+?)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
const ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

const URL_ATTR_VALUE =
  /[\s/](href|src|srcset|srcdoc|action|formaction|poster|data|xlink:href|background|ping|cite)\s*=\s*("[^"]*|'[^']*|[^\s"'>]*)$/i;

export const escapeHtml = (s: string): string => s.replace(/[&<>"']/g, (c) => ESCAPES[c]!);

/** Replaces `{{path}}` and `{{path|fallback}}` with context values, encoded for `mode`. */
export function fillTemplate(template: string, context: unknown, mode: TemplateMode): string {
  if (template.indexOf('{{') < 0) return template;
  return template.replace(TOKEN, (_, path: string, fallback: string | undefined, at: number) => {
    const v = getPath(context, path);
    // Objects and arrays are not printable values; they fall back like missing ones.
    const s = v === null || v === undefined || typeof v === 'object' ? (fallback ?? '') : String(v);
    // In HTML, a token inside a URL attribute (`<a href="{{x}}">`) is URL-encoded too, so a
    // value can never become a `javascript:` link (SPEC §8.3).
    return mode === 'html'
      ? escapeHtml(URL_ATTR_VALUE.test(template.slice(0, at)) ? encodeURIComponent(s) : s)
      : mode === 'url'
        ? encodeURIComponent(s)
        : s;
  });
}
