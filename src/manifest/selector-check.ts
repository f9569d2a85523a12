/**
 * CSS selector check for Node (the CLI), where there is no DOM to ask. css-what is the
 * selector parser cheerio uses; it catches syntax mistakes (`##hero`, `a[href`, `.`), but it
 * also accepts what only jQuery/cheerio understand (`p:first`, `li:eq(0)`, `div:contains(x)`,
 * `[a!=b]`, `a < b`) and any pseudo-class name. Chromium refuses those, so the parse is checked
 * against the pseudo-classes and pseudo-elements Chromium supports. `a[href` stays refused:
 * Chromium closes the bracket at the end of the selector and accepts it, but it is a typo.
 * Never imported by browser code.
 */
import { type PseudoElement, type PseudoSelector, parse, type Selector } from 'css-what';

/** Pseudo-classes without an argument, and the CSS2 pseudo-elements that may be written with one colon. */
const PSEUDO_CLASSES = new Set(
  `active any-link autofill buffering checked default defined disabled empty enabled first-child
  first-of-type focus focus-visible focus-within fullscreen host hover in-range indeterminate invalid
  last-child last-of-type link modal muted only-child only-of-type open optional out-of-range paused
  picture-in-picture placeholder-shown playing popover-open read-only read-write required root scope
  seeking stalled target target-current user-invalid user-valid valid visited volume-locked -webkit-any-link -webkit-autofill -webkit-full-screen
  active-view-transition has-slotted before after first-line first-letter`.split(/\s+/),
);
/** Pseudo-classes that take an argument in parentheses. */
const PSEUDO_FUNCTIONS = new Set(
  `not is where has lang dir host host-context state active-view-transition-type
  nth-child nth-last-child nth-of-type nth-last-of-type`.split(/\s+/),
);
/** The `An+B` pseudo-classes; the `-child` ones also take `An+B of <selector>`. */
const NTH = /^nth-(last-)?(child|of-type)$/;
const PSEUDO_ELEMENTS = new Set(
  `before after first-line first-letter placeholder selection marker backdrop file-selector-button
  cue spelling-error grammar-error target-text view-transition details-content checkmark picker-icon
  scroll-marker scroll-marker-group column search-text`.split(/\s+/),
);
const ELEMENT_FUNCTIONS = new Set(
  `part slotted highlight cue view-transition-group view-transition-image-pair view-transition-old
  view-transition-new picker scroll-button`.split(/\s+/),
);
/** jQuery's own selectors, with the CSS to use instead where there is one. */
const JQUERY: Record<string, string> = {
  first: ':first-child or :first-of-type',
  last: ':last-child or :last-of-type',
  eq: ':nth-child()',
  gt: ':nth-child(n+…)',
  lt: ':nth-child(-n+…)',
  even: ':nth-child(even)',
  odd: ':nth-child(odd)',
  contains: '',
  visible: '',
  hidden: '',
  selected: ':checked',
  header: '',
  input: '',
  button: '',
  parent: '',
  animated: '',
  text: '',
  checkbox: '',
  radio: '',
  password: '',
  submit: '',
  image: '',
  reset: '',
  file: '',
};
/** `An+B`: odd, even, 3, -n+3, 2n, 2n+1, 2n - 1 (case-insensitive, spaces only around the sign of B). */
const AN_B = /^\s*(odd|even|[+-]?\d+|[+-]?\d*n(\s*[+-]\s*\d+)?)\s*$/i;
const COMBINATORS = new Set(['child', 'descendant', 'adjacent', 'sibling', 'parent', 'column-combinator']);

function unknownPseudo(name: string, element: boolean): string {
  if (element) return `"::${name}" is not a CSS pseudo-element`;
  if (!Object.hasOwn(JQUERY, name)) return `":${name}" is not a CSS pseudo-class`;
  const instead = JQUERY[name];
  return `":${name}" is a jQuery extension, not CSS${instead ? `; use ${instead}` : ''}`;
}

function nthProblem(name: string, data: string): string {
  const [, formula = data, of] = /^(.*?)\s+of\s+([\s\S]*)$/i.exec(data) || [];
  if (!AN_B.test(formula))
    return `":${name}(${data})" needs a number or a formula such as odd, even, 3 or 2n+1`;
  if (of === undefined) return '';
  if (!name.endsWith('child')) return `":${name}()" takes no "of <selector>"`;
  return selectorProblem(of);
}

function pseudoProblem(token: PseudoSelector, inside: string): string {
  const { name, data } = token;
  if (data === null) {
    if (PSEUDO_CLASSES.has(name)) return '';
    return PSEUDO_FUNCTIONS.has(name) ? `":${name}()" needs an argument` : unknownPseudo(name, false);
  }
  if (!PSEUDO_FUNCTIONS.has(name))
    return PSEUDO_CLASSES.has(name) ? `":${name}" takes no argument` : unknownPseudo(name, false);
  if (name === 'has' && inside === 'has') return '":has()" cannot be nested';
  if (Array.isArray(data)) return groupsProblem(data, name);
  return NTH.test(name) ? nthProblem(name, data) : '';
}

function elementProblem(token: PseudoElement, inside: string): string {
  const { name, data } = token;
  if (inside) return `"::${name}" cannot be used inside ":${inside}()"`;
  // Chromium accepts any `::-webkit-` pseudo-element (they never match when unknown).
  if (name.startsWith('-webkit-')) return '';
  if (data === null ? PSEUDO_ELEMENTS.has(name) : ELEMENT_FUNCTIONS.has(name)) return '';
  if (data === null && ELEMENT_FUNCTIONS.has(name)) return `"::${name}()" needs an argument`;
  return data !== null && PSEUDO_ELEMENTS.has(name)
    ? `"::${name}" takes no argument`
    : unknownPseudo(name, true);
}

/** `inside`: the functional pseudo-class holding these groups (`has` allows a leading combinator). */
function groupsProblem(groups: Selector[][], inside = ''): string {
  for (const group of groups) {
    const first = group[0];
    const last = group[group.length - 1];
    if (!first || !last) return 'it has an empty part (a stray comma?)';
    if (COMBINATORS.has(first.type) && inside !== 'has') return 'it starts with a combinator';
    if (COMBINATORS.has(last.type)) return 'it ends with a combinator';
    let afterElement = '';
    for (const token of group) {
      let why = '';
      if (token.type === 'parent') why = 'the "<" combinator is jQuery, not CSS';
      else if (token.type === 'column-combinator') why = 'browsers do not support the "||" combinator';
      else if (token.type === 'attribute' && token.action === 'not')
        why = `"[${token.name}!=…]" is jQuery, not CSS; use :not([${token.name}=…])`;
      else if (token.type === 'pseudo') why = pseudoProblem(token, inside);
      else if (token.type === 'pseudo-element') {
        why = elementProblem(token, inside);
        afterElement = token.name;
      } else if (afterElement) why = `nothing but pseudo-classes can follow "::${afterElement}"`;
      if (why) return why;
    }
  }
  return '';
}

/**
 * Why Chromium would refuse `selector`, as a phrase (`":first" is a jQuery extension, not CSS`),
 * or `''` when it is a valid selector.
 */
export function selectorProblem(selector: string): string {
  // An id or class cannot start with a digit (or a hyphen and a digit) unless escaped: `#\31 hero`.
  // Escapes, strings and attribute selectors are blanked first so that `#\31 x` and `[href="#1"]` pass.
  const bare = selector
    .replace(/\\([0-9a-f]{1,6}\s?|[\s\S])|"(\\[\s\S]|[^"\\])*"|'(\\[\s\S]|[^'\\])*'/gi, '_')
    .replace(/\[[^\]]*\]/g, '_');
  const digit = /([#.])-?\d[\w-]*/.exec(bare);
  if (digit)
    return `${digit[1] === '#' ? 'an id' : 'a class name'} cannot start with a digit ("${digit[0]}"); escape it or use [${digit[1] === '#' ? 'id' : 'class~'}="…"]`;
  let groups: Selector[][];
  try {
    groups = parse(selector);
  } catch (e) {
    const message = (e as Error).message;
    return message.charAt(0).toLowerCase() + message.slice(1);
  }
  return groupsProblem(groups);
}
