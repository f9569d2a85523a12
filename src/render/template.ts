import { F_TEMPLATES } from '../features';
import { URL_ATTR } from '../manifest/safe-url';
import { getPath } from '../rules/path';
import { toTrusted } from './html';

/**
 * How an interpolated value is encoded (docs/experiences.md#templates): `text` is used as-is (it ends up in
 * `textContent` or `setAttribute`, which never parse markup), `html` is placed through the DOM
 * (see fillHtml), `url`
 * is `encodeURIComponent`-encoded so a value can never add a scheme, a path or a parameter,
 * `css` (a `style` attribute) accepts only plain tokens (see css).
 */
export type TemplateMode = 'text' | 'html' | 'url' | 'css';

const TOKEN = /\{\{\s*([^}|]+?)\s*(?:\|\s*([^}]*?)\s*)?\}\}/g;
// A token's place in manifest HTML: private-use characters, which the HTML parser keeps as they are.
const MARK = /\uE000(\d+)\uE001/g;
// Raw-text elements: their text is serialized unescaped, so a value there could close them.
// (Case-insensitive: SVG's <script> and <style> report a lower-case nodeName.)
const RAW = /^(script|style|xmp|iframe|noembed|noframes|noscript|plaintext)$/i;
/** The attribute holding CSS. */
export const STYLE_ATTR = /^style$/i;
// Attributes whose value is code or a document: a value never goes there.
const CODE_ATTR = /^(on|srcdoc$)/i;

/**
 * In CSS, a value could add a declaration or load a URL (`red;background:url(//evil)`), and CSS
 * has its own escapes: only words, numbers, colors, lengths and lists pass (no `(`, `)`, `;`,
 * `:`, `\`, quotes, `/`, `<`, `@`, `!`). Anything else is replaced by the fallback (manifest
 * text, trusted) or nothing, and reported.
 */
const css = (v: string, fallback: string | undefined, bad?: (message: string) => void): string =>
  /^[\w\s#.,%-]*$/.test(v) || v === fallback
    ? v
    : (bad?.(`unsafe style value ${JSON.stringify(v)}`), fallback ?? '');

const printable = (context: unknown, path: string, fallback: string | undefined): string => {
  const v = getPath(context, path);
  // Objects and arrays are not printable values; they fall back like missing ones.
  return v === null || v === undefined || typeof v === 'object' ? (fallback ?? '') : String(v);
};

/**
 * HTML: the manifest's markup (trusted) is parsed with a marker in place of each token, and each
 * value is then put where the parser placed its marker, through the DOM: as text in text, as an
 * attribute value in an attribute (URL-encoded in URL attributes, so it can never become a
 * `javascript:` link), and nowhere in event handlers, `srcdoc`, `<script>`, `<style>` or
 * `<meta>`. Serializing quotes every attribute and escapes every text, so a value can never
 * create markup, wherever the manifest put its token (quoted or not) (docs/experiences.md#templates).
 */
function fillHtml(template: string, values: [string, string?][], bad?: (message: string) => void): string {
  const t = document.createElement('template');
  t.innerHTML = toTrusted(template);
  const put = (s: string, encode: (v: string, fallback?: string) => string) =>
    s.replace(MARK, (_, i) => encode(...values[i]!));
  const none = () => '';
  const walk = document.createTreeWalker(t.content, 5 /* elements and text */);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    if (n.nodeType === 3)
      (n as Text).data = put((n as Text).data, RAW.test(n.parentNode!.nodeName) ? none : String);
    else
      for (const { name, value } of [...(n as Element).attributes]) {
        if (/\uE000/.test(name)) (n as Element).removeAttribute(name);
        else if (/\uE000/.test(value))
          (n as Element).setAttribute(
            name,
            put(
              value,
              CODE_ATTR.test(name) || n.nodeName === 'META'
                ? none
                : URL_ATTR.test(name)
                  ? encodeURIComponent
                  : STYLE_ATTR.test(name)
                    ? (v, f) => css(v, f, bad)
                    : String,
            ),
          );
      }
  }
  // Tokens left in comments or nested templates: removed.
  return t.innerHTML.replace(MARK, '');
}

/**
 * Replaces `{{path}}` and `{{path|fallback}}` with context values, encoded for `mode`; `bad`
 * hears of values refused (and replaced) in CSS.
 */
export function fillTemplate(
  template: string,
  context: unknown,
  mode: TemplateMode,
  bad?: (message: string) => void,
): string {
  if (!F_TEMPLATES || template.indexOf('{{') < 0) return template;
  // For HTML, each value and its fallback wait for fillHtml, a marker in their place.
  const values: [string, string?][] = [];
  const filled = template.replace(TOKEN, (_, path: string, fallback?: string) => {
    const s = printable(context, path, fallback);
    // The marker is built from char codes: a raw U+E000 in the minified tag would not survive a
    // page that reads the script in a legacy charset, while the regex's escapes do.
    return mode === 'html'
      ? String.fromCharCode(57344) + (values.push([s, fallback]) - 1) + String.fromCharCode(57345)
      : mode === 'url'
        ? encodeURIComponent(s)
        : mode === 'css'
          ? css(s, fallback, bad)
          : s;
  });
  return mode === 'html' ? fillHtml(filled, values, bad) : filled;
}
