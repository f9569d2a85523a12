import { isSafeUrl } from '../manifest/safe-url';
import type { Action } from '../manifest/types';
import { htmlFragment, setHtml } from './html';
import { fillTemplate } from './template';

/**
 * One applied change to one element: `_intact()` tells whether the page still shows it (a
 * framework re-render may have overwritten it), `_revert()` puts back what it replaced.
 */
export interface Change {
  _intact(): boolean;
  _revert(): void;
}

/** Element actions: everything of SPEC §8.1 that targets a selector, except `reorder`'s list sort. */
export type ElementAction = Exclude<Action, { type: 'css' | 'banner' | 'overlay' | 'redirect' }>;

const URL_ATTRS =
  /^(href|src|action|formaction|poster|xlink:href|srcset|data|codebase|cite|background|ping)$/i;

/** Thrown for a refused action; the caller reports it through `on('error')`. */
export const refuse = (message: string): never => {
  throw new Error(message);
};

function swapChildren(el: Element, fill: (el: Element) => void, read: (el: Element) => string): Change {
  const before = [...el.childNodes];
  fill(el);
  const applied = read(el);
  return {
    _intact: () => read(el) === applied,
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

function addClasses(el: Element, add: readonly string[] = [], remove: readonly string[] = []): Change {
  const list = el.classList;
  const added = add.filter((c) => !list.contains(c));
  const removed = remove.filter((c) => list.contains(c));
  list.add(...added);
  list.remove(...removed);
  return {
    _intact: () => added.every((c) => list.contains(c)) && removed.every((c) => !list.contains(c)),
    _revert: () => {
      list.remove(...added);
      list.add(...removed);
    },
  };
}

function setStyles(el: Element, styles: Record<string, string>, important = false): Change {
  const style = (el as HTMLElement).style;
  const before = Object.keys(styles).map(
    (p) => [p, style.getPropertyValue(p), style.getPropertyPriority(p)] as const,
  );
  for (const p in styles) style.setProperty(p, String(styles[p]), important ? 'important' : '');
  // Compare with what the browser stored (`#FF0000` reads back as `rgb(255, 0, 0)`), or a
  // normalized value would look overwritten forever.
  const applied = before.map(([p]) => style.getPropertyValue(p));
  return {
    _intact: () => before.every(([p], i) => style.getPropertyValue(p) === applied[i]),
    _revert: () => {
      for (const [p, v, prio] of before) v ? style.setProperty(p, v, prio) : style.removeProperty(p);
    },
  };
}

function safeUrl(template: string, context: unknown): string {
  const url = fillTemplate(template, context, 'url');
  return isSafeUrl(url)
    ? url
    : refuse(`the URL "${url}" is refused: only http, https, mailto, tel and relative URLs`);
}

function combine(changes: Change[]): Change {
  return {
    _intact: () => changes.every((c) => c._intact()),
    _revert: () => {
      for (const c of changes.slice().reverse()) c._revert();
    },
  };
}

function insertHtml(el: Element, position: string, html: string): Change {
  const nodes = [...htmlFragment(html).childNodes];
  const where = { before: 'before', after: 'after', prepend: 'prepend', append: 'append' }[position];
  if (!where) refuse(`unknown insert position "${position}"`);
  (el as unknown as Record<string, (...n: Node[]) => void>)[where!]!(...nodes);
  return {
    _intact: () => nodes.every((n) => n.isConnected),
    _revert: () => {
      for (const n of nodes) (n as ChildNode).remove();
    },
  };
}

/** Reorders `items` children so higher `affinity[category]` comes first; stable. */
function reorder(el: Element, itemSelector: string, key: string, affinity: Record<string, unknown>): Change {
  const items = [...el.children].filter((c) => c.matches(itemSelector));
  const score = (c: Element) => {
    const s = affinity[c.getAttribute(key) || ''];
    return typeof s === 'number' ? s : -1;
  };
  const sorted = items.map((c, i) => [c, score(c), i] as const).sort((a, b) => b[1] - a[1] || a[2] - b[2]);
  // Put the sorted items back into the slots the items occupied, so other children keep their place.
  const slots = items.map((c) => {
    const marker = document.createComment('');
    el.insertBefore(marker, c);
    return marker;
  });
  for (const [i, [c]] of sorted.entries()) slots[i]!.replaceWith(c);
  const order = () => [...el.children].filter((c) => c.matches(itemSelector));
  const applied = sorted.map(([c]) => c);
  return {
    _intact: () => order().every((c, i) => c === applied[i]),
    _revert: () => {
      // Mark the slots in their current (sorted) order, then put each original item back.
      const marks = applied.map((c) => {
        const m = document.createComment('');
        if (c.parentNode === el) el.insertBefore(m, c);
        return m;
      });
      for (const [i, m] of marks.entries()) if (m.parentNode) m.replaceWith(items[i]!);
    },
  };
}

/**
 * Applies one element action to one element. Throws (caught and reported by the caller) when
 * the action is refused: an `on*` attribute, an unsafe URL, an unknown type.
 */
export function applyToElement(el: Element, action: ElementAction, context: { affinity?: object }): Change {
  switch (action.type) {
    case 'text': {
      const text = fillTemplate(action.value, context, 'text');
      return swapChildren(
        el,
        (e) => (e.textContent = text),
        (e) => e.textContent || '',
      );
    }
    case 'html': {
      const html = fillTemplate(action.value, context, 'html');
      return swapChildren(
        el,
        (e) => setHtml(e, html),
        (e) => e.innerHTML,
      );
    }
    case 'attr': {
      const name = String(action.name);
      if (/^on/i.test(name))
        refuse(`the attribute "${name}" is refused: event handler attributes are not allowed`);
      const value = URL_ATTRS.test(name)
        ? safeUrl(action.value, context)
        : fillTemplate(action.value, context, /^srcdoc$/i.test(name) ? 'html' : 'text');
      return setAttr(el, name, value);
    }
    case 'class':
      return addClasses(el, action.add, action.remove);
    case 'style':
      return setStyles(el, action.value);
    case 'hide':
      return setStyles(el, { display: 'none' }, true);
    case 'insert':
      return insertHtml(el, action.position, fillTemplate(action.value, context, 'html'));
    case 'cta': {
      const changes: Change[] = [];
      if (action.href !== undefined) changes.push(setAttr(el, 'href', safeUrl(action.href, context)));
      if (action.text !== undefined) {
        const text = fillTemplate(action.text, context, 'text');
        changes.push(
          swapChildren(
            el,
            (e) => (e.textContent = text),
            (e) => e.textContent || '',
          ),
        );
      }
      if (action.add) changes.push(addClasses(el, action.add));
      return combine(changes);
    }
    case 'reorder':
      return reorder(el, action.items, action.key, (context.affinity || {}) as Record<string, unknown>);
    default:
      return refuse(`unknown action type "${(action as { type: unknown }).type}"`);
  }
}
