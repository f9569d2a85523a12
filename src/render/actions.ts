import { A_ATTR, A_CLASS, A_CTA, A_HIDE, A_HTML, A_INSERT, A_REORDER, A_STYLE, A_TEXT } from '../features';
import { isSafeUrl, URL_ATTR } from '../manifest/safe-url';
import type { Action, InsertAction } from '../manifest/types';
import { htmlFragment, toTrusted } from './html';
import { fillTemplate, STYLE_ATTR } from './template';

/**
 * One applied change to one element: `_intact()` tells whether the page still shows it (a
 * framework re-render may have overwritten it), `_revert()` puts back what it replaced.
 */
export interface Change {
  _intact(): boolean;
  _revert(): void;
}

/** Element actions: everything of docs/experiences.md#actions that targets a selector, except `reorder`'s list sort. */
export type ElementAction = Exclude<Action, { type: 'css' | 'banner' | 'overlay' | 'redirect' }>;

/** Thrown for a refused action; the caller reports it through `on('error')`. */
export const refuse = (message: string): never => {
  throw new Error(message);
};

/** Replaces the element's content with `value`, as markup when `html`, else as text. */
function setContent(el: Element, value: string, html?: boolean): Change {
  const before = [...el.childNodes];
  const read = () => (html ? el.innerHTML : el.textContent);
  if (html) el.innerHTML = toTrusted(value);
  else el.textContent = value;
  const applied = read();
  return {
    _intact: () => read() === applied,
    _revert: () => el.replaceChildren(...before),
  };
}

function setAttr(el: Element, name: string, value: string): Change {
  const before = el.getAttribute(name);
  el.setAttribute(name, value);
  return {
    _intact: () => el.getAttribute(name) === value,
    _revert: () => (before === null ? el.removeAttribute(name) : el.setAttribute(name, before)),
  };
}

/**
 * Reverting through `classList` or the CSSOM leaves `class=""`/`style=""` (or a re-serialized
 * string) behind. When `read()` (the tokens, the declarations) is back to what it was, this puts
 * the attribute back as it was, or removes it, so `destroy()` leaves no trace (docs/experiences.md#rendering).
 */
function keepAttr(el: Element, name: string, read: () => string): () => void {
  const attr = el.getAttribute(name);
  const was = read();
  return () => {
    if (read() === was) attr === null ? el.removeAttribute(name) : el.setAttribute(name, attr);
  };
}

function addClasses(el: Element, add: readonly string[] = [], remove: readonly string[] = []): Change {
  const list = el.classList;
  // Sorted: a class removed and added back goes to the end.
  const restore = keepAttr(el, 'class', () => [...list].sort().join(' '));
  const added = add.filter((c) => !list.contains(c));
  const removed = remove.filter((c) => list.contains(c));
  list.add(...added);
  list.remove(...removed);
  return {
    _intact: () => added.every((c) => list.contains(c)) && removed.every((c) => !list.contains(c)),
    _revert: () => {
      list.remove(...added);
      list.add(...removed);
      restore();
    },
  };
}

function setStyles(el: Element, styles: Record<string, string>, priority = ''): Change {
  const style = (el as HTMLElement).style;
  const props = Object.keys(styles);
  const restore = keepAttr(el, 'style', () => style.cssText);
  const before = props.map((p) => [style.getPropertyValue(p), style.getPropertyPriority(p)]);
  for (const p of props) style.setProperty(p, String(styles[p]), priority);
  // Compare with what the browser stored (`#FF0000` reads back as `rgb(255, 0, 0)`), or a
  // normalized value would look overwritten forever.
  const applied = props.map((p) => style.getPropertyValue(p));
  return {
    _intact: () => props.every((p, i) => style.getPropertyValue(p) === applied[i]),
    _revert: () => {
      props.forEach((p, i) => {
        const [value, prio] = before[i]!;
        value ? style.setProperty(p, value, prio) : style.removeProperty(p);
      });
      restore();
    },
  };
}

function safeUrl(template: string, context: unknown): string {
  const url = fillTemplate(template, context, 'url');
  return isSafeUrl(url)
    ? url
    : refuse(`the URL "${url}" is refused: only http, https, mailto, tel and relative URLs`);
}

/** One change made of several (skipped parts are falsy); reverts them in reverse order. */
function combine(parts: (Change | false | undefined)[]): Change {
  const changes = parts.filter(Boolean) as Change[];
  return {
    _intact: () => changes.every((c) => c._intact()),
    _revert: () => {
      for (const c of [...changes].reverse()) c._revert();
    },
  };
}

function insertHtml(el: Element, position: InsertAction['position'], html: string): Change {
  const nodes = [...htmlFragment(html).childNodes];
  if (!/^(before|after|prepend|append)$/.test(position)) refuse(`unknown insert position "${position}"`);
  el[position](...nodes);
  return {
    _intact: () => nodes.every((n) => n.isConnected),
    _revert: () => {
      for (const n of nodes) (n as ChildNode).remove();
    },
  };
}

/** Reorders `items` children so higher `affinity[category]` comes first; stable. */
function reorder(el: Element, itemSelector: string, key: string, affinity: Record<string, unknown>): Change {
  const items = () => [...el.children].filter((c) => c.matches(itemSelector));
  const score = (c: Element) => {
    const s = affinity[c.getAttribute(key) || ''];
    // Unknown or unscored is 0, like a category not visited yet: they keep their order (docs/experiences.md#actions).
    return typeof s === 'number' ? s : 0;
  };
  const original = items();
  // `sort` is stable: items of equal score keep their order.
  const sorted = [...original].sort((a, b) => score(b) - score(a));
  /**
   * Puts `to[i]` into the slot `from[i]` occupies (skipping items no longer in the list), so
   * other children keep their place: mark every slot first, then fill the marks.
   */
  const move = (from: Element[], to: Element[]) => {
    const marks = from.map((c) => {
      const mark = document.createComment('');
      if (c.parentNode === el) c.before(mark);
      return mark;
    });
    marks.forEach((mark, i) => {
      if (mark.parentNode) mark.replaceWith(to[i]!);
    });
  };
  move(original, sorted);
  return {
    _intact: () => items().every((c, i) => c === sorted[i]),
    _revert: () => move(sorted, original),
  };
}

/**
 * Applies one element action to one element. Throws (caught and reported by the caller) when
 * the action is refused: an `on*` attribute, an unsafe URL, an unknown type.
 */
export function applyToElement(
  el: Element,
  action: ElementAction,
  context: { affinity?: object },
  /** Hears of template values refused (and replaced) in a style. */
  bad?: (message: string) => void,
): Change {
  switch (action.type) {
    case 'text':
    case 'html':
      if (!(action.type === 'text' ? A_TEXT : A_HTML)) break;
      return setContent(el, fillTemplate(action.value, context, action.type, bad), action.type === 'html');
    case 'attr': {
      if (!A_ATTR) break;
      const name = String(action.name);
      if (/^on/i.test(name))
        refuse(`the attribute "${name}" is refused: event handler attributes are not allowed`);
      const value = URL_ATTR.test(name)
        ? safeUrl(action.value, context)
        : fillTemplate(
            action.value,
            context,
            /^srcdoc$/i.test(name) ? 'html' : STYLE_ATTR.test(name) ? 'css' : 'text',
            bad,
          );
      return setAttr(el, name, value);
    }
    case 'class':
      if (!A_CLASS) break;
      return addClasses(el, action.add, action.remove);
    case 'style':
      if (!A_STYLE) break;
      return setStyles(el, action.value);
    case 'hide':
      if (!A_HIDE) break;
      return setStyles(el, { display: 'none' }, 'important');
    case 'insert':
      if (!A_INSERT) break;
      return insertHtml(el, action.position, fillTemplate(action.value, context, 'html', bad));
    case 'cta':
      if (!A_CTA) break;
      return combine([
        action.href !== undefined && setAttr(el, 'href', safeUrl(action.href, context)),
        action.text !== undefined && setContent(el, fillTemplate(action.text, context, 'text')),
        action.add && addClasses(el, action.add),
      ]);
    case 'reorder':
      if (!A_REORDER) break;
      return reorder(el, action.items, action.key, (context.affinity || {}) as Record<string, unknown>);
  }
  return refuse(`unknown action type "${(action as { type: unknown }).type}"`);
}
